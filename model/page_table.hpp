#pragma once
// A site's pages as the rules look them up: per page its URLs and the few fields a lookup decides
// on, ~140 bytes, where a whole record is ~1.7 KB. The audit keeps this in memory and reads whole
// records from the store when a rule asks (PageSource), so that a site's memory does not grow by a
// record per page.
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "model/date.hpp"
#include "model/kinds.hpp"
#include "model/string_pool.hpp"

namespace govaudit {

// What a page offers readers with disabilities and older readers: a static subset of GB/T 37668.
struct Accessibility {
  int images = 0, images_without_alt = 0;  // <img> without an alt attribute
  int fields = 0, fields_unlabeled = 0;    // form fields without a <label>, aria-label or title
  bool lang = false;                       // <html lang="…">
  bool entry = false;                      // a 无障碍 / 适老化 entry: text, aria-label or a toolbar script
};

struct PageRecord;

struct PageBrief {
  std::int64_t row = 0;  // where the whole record is: its stored row, or its index in SiteView::pages
  std::optional<Date> published;
  std::int16_t status = 0;
  PageKind kind = PageKind::Page;
  ErrorKind error_kind = ErrorKind::None;
  bool duplicate = false;          // duplicate_of is set
  bool published_on_page = false;  // the date was read on the page (meta, label, header), not from its URL
  bool titled = false;             // it has a title
  bool decoded = false;            // its charset is known: a page read, not a target checked
  bool redirected = false;         // it answered through redirects
  bool shows_ids = false;          // it shows resident ID numbers
  bool unread = false;             // its content was not read (content_note "not read …")
  bool moved = false;              // its final URL is not its own
  Accessibility a11y;
  bool ok() const { return error_kind == ErrorKind::None && status >= 200 && status < 300; }
};

class PageTable {
 public:
  void reserve(size_t pages) { briefs_.reserve(pages), url_at_.reserve(pages); }
  void add(const PageRecord& p, std::int64_t row);
  // Makes the URL indexes; call once after the last add().
  void seal();

  size_t size() const { return briefs_.size(); }
  const PageBrief& operator[](size_t i) const { return briefs_[i]; }
  std::string_view url(size_t i) const { return text_.at(url_at_[i]); }
  std::string_view final_url(size_t i) const { return briefs_[i].moved ? text_.at(extra(finals_, i)) : url(i); }
  std::string_view duplicate_of(size_t i) const { return briefs_[i].duplicate ? text_.at(extra(dups_, i)) : std::string_view(); }

  // The first page (in crawl order) whose own URL is `u`.
  std::optional<size_t> own(std::string_view u) const;
  // `u`'s page: its own record, else the first whose final URL it is.
  std::optional<size_t> find(std::string_view u) const;
  // Every page whose own URL (or final URL) is `u`, in crawl order.
  std::vector<size_t> all_own(std::string_view u) const;
  std::vector<size_t> all_final(std::string_view u) const;

 private:
  struct Key {  // 8 bytes: a hash's collisions are told apart by the URLs themselves
    std::uint32_t hash;
    std::uint32_t at;
    bool operator<(const Key& o) const { return hash != o.hash ? hash < o.hash : at < o.at; }
  };
  using Extras = std::vector<std::pair<std::uint32_t, std::uint32_t>>;  // (page, string), by page
  static std::uint32_t extra(const Extras& e, size_t i);
  // fn(page) for each page of `keys` whose URL (as `url_of` gives it) is `u`, in crawl order, while
  // it returns true; the page it returned false for.
  template <class U, class F>
  std::optional<size_t> each_match(const std::vector<Key>& keys, U&& url_of, std::string_view u, F&& fn) const;
  std::vector<PageBrief> briefs_;
  std::vector<std::uint32_t> url_at_;  // in text_
  // Only the few pages that have them: a final URL of its own, the page a duplicate repeats.
  Extras finals_, dups_;
  StringPool text_;
  std::vector<Key> by_url_, by_final_;  // (hash, page) sorted; by_final_ of the moved pages only
};

// The strings of a list about a site's pages (its items, its links): a URL of a page of the table
// is the table's own (~75 bytes each not kept twice), the rest are kept here.
class PagePool {
 public:
  // Before the first put: the pages whose URLs the list reads from their table.
  void use_pages(std::shared_ptr<const PageTable> pages) { pages_ = std::move(pages); }
  std::uint32_t put(std::string_view s) { return pool_.put(s); }
  std::uint32_t intern(std::string_view s) { return pool_.intern(s); }
  std::uint32_t url(std::string_view u) {
    if (pages_)
      if (auto i = pages_->own(u)) return kPage | std::uint32_t(*i);
    return pool_.put(u);
  }
  // url(), once for a run of the same URL (a page's links, a list's items).
  std::uint32_t url(std::string_view u, std::optional<std::uint32_t>& last) {
    if (!last || at(*last) != u) last = url(u);
    return *last;
  }
  std::string_view at(std::uint32_t h) const { return h & kPage ? pages_->url(h & ~kPage) : pool_.at(h); }

 private:
  static constexpr std::uint32_t kPage = 0x80000000u;  // the pool's own handles stay below 2 GB
  StringPool pool_;
  std::shared_ptr<const PageTable> pages_;
};

// Where a store-backed SiteView's whole page records are. Safe from several threads.
class PageSource {
 public:
  virtual ~PageSource() = default;
  // Every page of `table` in its order, one record at a time, until `fn` returns false; with
  // `texts`, each with its text.
  virtual void for_each(const PageTable& table, const std::function<bool(const PageRecord&)>& fn, bool texts) const = 0;
  // The record of table[i].row.
  virtual PageRecord read(std::int64_t row) const = 0;
};

}  // namespace govaudit
