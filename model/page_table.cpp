#include "model/page_table.hpp"

#include <algorithm>
#include <cstring>

#include "model/records.hpp"

namespace govaudit {

namespace {
std::uint32_t hash_of(std::string_view s) { return std::uint32_t(std::hash<std::string_view>{}(s)); }
}  // namespace

void PageTable::add(const PageRecord& p, std::int64_t row) {
  auto put = [&](std::string_view s) { return text_.put(s); };
  PageBrief b;
  b.row = row;
  b.published = p.published;
  b.status = std::int16_t(std::clamp(p.status, -1, 32767));
  b.kind = p.kind;
  b.error_kind = p.error_kind;
  b.duplicate = !p.duplicate_of.empty();
  b.published_on_page = p.published_source == "meta" || p.published_source == "label" || p.published_source == "header";
  b.titled = !p.title.empty();
  b.decoded = !p.charset.empty();
  b.redirected = !p.redirects.empty();
  b.shows_ids = !p.id_numbers.empty();
  b.unread = p.content_note.rfind("not read", 0) == 0;
  b.a11y = p.a11y;
  b.moved = p.final_url != p.url;
  auto i = std::uint32_t(briefs_.size());
  briefs_.push_back(b);
  url_at_.push_back(put(p.url));
  if (b.moved) finals_.emplace_back(i, put(p.final_url));
  if (b.duplicate) dups_.emplace_back(i, put(p.duplicate_of));
}

std::uint32_t PageTable::extra(const Extras& e, size_t i) {
  return std::lower_bound(e.begin(), e.end(), std::pair(std::uint32_t(i), std::uint32_t(0)))->second;
}

void PageTable::seal() {
  by_url_.clear(), by_final_.clear();
  by_url_.reserve(size()), by_final_.reserve(finals_.size());
  for (std::uint32_t i = 0; i < size(); ++i) by_url_.push_back({hash_of(url(i)), i});
  for (auto [i, at] : finals_) by_final_.push_back({hash_of(text_.at(at)), i});
  std::sort(by_url_.begin(), by_url_.end());
  std::sort(by_final_.begin(), by_final_.end());
  briefs_.shrink_to_fit(), url_at_.shrink_to_fit(), finals_.shrink_to_fit(), dups_.shrink_to_fit();
}

template <class U, class F>
std::optional<size_t> PageTable::each_match(const std::vector<Key>& keys, U&& url_of, std::string_view u, F&& fn) const {
  std::uint32_t h = hash_of(u);
  for (auto it = std::lower_bound(keys.begin(), keys.end(), Key{h, 0}); it != keys.end() && it->hash == h; ++it)
    if (url_of(it->at) == u && !fn(size_t(it->at))) return it->at;  // in index order: the keys sort by page after the hash
  return std::nullopt;
}

namespace {
constexpr auto kFirst = [](size_t) { return false; };
}

std::vector<size_t> PageTable::all_own(std::string_view u) const {
  std::vector<size_t> out;
  each_match(by_url_, [&](size_t i) { return url(i); }, u, [&](size_t i) { return out.push_back(i), true; });
  return out;
}

// A page that was not moved ends at its own URL.
std::vector<size_t> PageTable::all_final(std::string_view u) const {
  std::vector<size_t> out;
  each_match(by_url_, [&](size_t i) { return url(i); }, u, [&](size_t i) {
    if (!briefs_[i].moved) out.push_back(i);
    return true;
  });
  each_match(by_final_, [&](size_t i) { return final_url(i); }, u, [&](size_t i) { return out.push_back(i), true; });
  std::sort(out.begin(), out.end());
  return out;
}

std::optional<size_t> PageTable::own(std::string_view u) const {
  return each_match(by_url_, [&](size_t i) { return url(i); }, u, kFirst);
}

// Its own page, else (no page has it as its own URL, so none that was not moved ends there) the
// first moved page that ends there.
std::optional<size_t> PageTable::find(std::string_view u) const {
  if (auto i = own(u)) return i;
  return each_match(by_final_, [&](size_t i) { return final_url(i); }, u, kFirst);
}

}  // namespace govaudit

namespace govaudit {

const PageTable& PageTableHolder::get(const std::vector<PageRecord>& pages) const {
  std::lock_guard lk(mu_);
  if (!table_) {
    auto t = std::make_shared<PageTable>();
    t->reserve(pages.size());
    for (size_t i = 0; i < pages.size(); ++i) t->add(pages[i], std::int64_t(i));
    t->seal();
    table_ = std::move(t);
  }
  return *table_;
}

}  // namespace govaudit
