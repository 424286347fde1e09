#pragma once
// What the crawler records and the rules read. Plain values, owned by whoever holds them; no
// network or database handles. The crawler fills *Record values; storage turns stored rows back
// into a SiteView for the rules.
#include <algorithm>
#include <cstdint>
#include <cstring>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <stdexcept>
#include <string>
#include <type_traits>
#include <vector>

#include "model/date.hpp"
#include "model/id_number.hpp"
#include "model/kinds.hpp"
#include "model/page_table.hpp"
#include "model/site.hpp"
#include "model/site_lists.hpp"
#include "model/string_pool.hpp"

namespace govaudit {

struct Redirect {
  std::string url;  // the URL that answered with a redirect
  int status = 0;   // 301, 302, …
};

// A page's <meta> tags, name -> content (the first of a name wins), in one buffer of
// "name\0content\0" pairs sorted by name: a large site's audit holds ~20,000 pages' tags, and a
// pair of strings per tag (64 bytes, and a block for each content over 15 bytes) was a sixth of
// its memory. Names and contents hold no NUL (HTML parsing replaces it).
class MetaTags {
 public:
  using value_type = std::pair<std::string_view, std::string_view>;
  class const_iterator {
   public:
    using iterator_category = std::forward_iterator_tag;
    using value_type = MetaTags::value_type;
    using difference_type = std::ptrdiff_t;
    using pointer = const value_type*;
    using reference = const value_type&;
    const_iterator() = default;
    const_iterator(std::string_view buf, size_t at) : buf_(buf), at_(at) { read(); }
    reference operator*() const { return tag_; }
    pointer operator->() const { return &tag_; }
    const_iterator& operator++() {
      at_ = next_;
      read();
      return *this;
    }
    const_iterator operator++(int) {
      auto old = *this;
      ++*this;
      return old;
    }
    bool operator==(const const_iterator& o) const { return at_ == o.at_; }
    size_t offset() const { return at_; }

   private:
    void read() {
      if (at_ >= buf_.size()) return;
      size_t name_end = buf_.find('\0', at_), content_end = buf_.find('\0', name_end + 1);
      tag_ = {buf_.substr(at_, name_end - at_), buf_.substr(name_end + 1, content_end - name_end - 1)};
      next_ = content_end + 1;
    }
    std::string_view buf_;
    size_t at_ = 0, next_ = 0;
    value_type tag_;
  };

  MetaTags() = default;
  MetaTags(std::initializer_list<std::pair<std::string_view, std::string_view>> tags) {
    for (auto& [name, content] : tags) emplace(name, content);
  }
  template <class Map>
  MetaTags& operator=(const Map& tags) {
    clear();
    for (auto& [name, content] : tags) emplace(name, content);
    return *this;
  }
  const_iterator begin() const { return {buf_, 0}; }
  const_iterator end() const { return {buf_, buf_.size()}; }
  bool empty() const { return buf_.empty(); }
  size_t size() const { return size_t(std::count(buf_.begin(), buf_.end(), '\0')) / 2; }
  void clear() { buf_.clear(); }
  void reserve(size_t bytes) { buf_.reserve(bytes); }
  const_iterator find(std::string_view name) const {
    auto it = lower(name);
    return it != end() && it->first == name ? it : end();
  }
  size_t count(std::string_view name) const { return find(name) != end(); }
  std::string_view at(std::string_view name) const {
    auto it = find(name);
    if (it == end()) throw std::out_of_range("no <meta name=\"" + std::string(name) + "\">");
    return it->second;
  }
  // False when the name is already there (the first wins).
  bool emplace(std::string_view name, std::string_view content) {
    if (name.find('\0') != name.npos || content.find('\0') != content.npos)  // not from a parser; kept as U+FFFD
      return emplace(without_nul(name), without_nul(content));
    auto it = lower(name);
    if (it != end() && it->first == name) return false;
    std::string pair;
    pair.reserve(name.size() + content.size() + 2);
    ((pair += name) += '\0') += content;
    pair += '\0';
    buf_.insert(it.offset(), pair);
    return true;
  }
  // Sets the content, adding the tag when it is not there.
  void set(std::string_view name, std::string_view content) {
    erase(name);
    emplace(name, content);
  }
  size_t erase(std::string_view name) {
    auto it = find(name);
    if (it == end()) return 0;
    auto next = it;
    ++next;
    buf_.erase(it.offset(), next.offset() - it.offset());
    return 1;
  }

 private:
  static std::string without_nul(std::string_view s) {
    std::string out;
    for (char c : s) c ? void(out += c) : void(out += "\xEF\xBF\xBD");
    return out;
  }
  const_iterator lower(std::string_view name) const {
    auto it = begin();
    while (it != end() && it->first < name) ++it;
    return it;
  }
  std::string buf_;
};

// A value held on the heap, copied with its owner: 8 bytes while absent.
template <class T>
class CopyBox {
 public:
  CopyBox() = default;
  CopyBox(const CopyBox& o) : p_(o.p_ ? std::make_unique<T>(*o.p_) : nullptr) {}
  CopyBox(CopyBox&&) noexcept = default;
  CopyBox& operator=(const CopyBox& o) {
    p_ = o.p_ ? std::make_unique<T>(*o.p_) : nullptr;
    return *this;
  }
  CopyBox& operator=(CopyBox&&) noexcept = default;
  T& get() {
    if (!p_) p_ = std::make_unique<T>();
    return *p_;
  }
  const T& get() const {
    static const T absent;
    return p_ ? *p_ : absent;
  }

 private:
  std::unique_ptr<T> p_;
};

// A fetched page's fields that no rule reads: the exchange's headers, digests, its compressed text
// and where its evidence lies. Held apart, so that an audit's tens of thousands of records do not
// each carry seven empty strings.
struct PageCrawlFields {
  std::string content_type, charset_source;
  std::string digest;
  std::string text_z;  // the visible text, compressed (what the crawler hands the writer)
  std::string warc;    // where the response is in the run's WARC files: "warc/FILE#OFFSET"
  std::string etag, last_modified;  // the validators it was served with
};

// One fetched URL (page, attachment or other host's link target).
struct PageRecord {  // small fields sit together (no padding): ~20,000 of these make an audit view
  std::string site_id;
  std::string url;        // as requested, normalised
  std::string final_url;  // after redirects
  int status = 0;         // HTTP status of the final answer; 0 = none
  ErrorKind error_kind = ErrorKind::None;
  PageKind kind = PageKind::Page;
  int depth = 0;
  int elapsed_ms = 0;
  std::string error;      // human-readable cause
  std::string charset;
  std::int64_t bytes = 0;
  std::int64_t stored_row = 0;  // its row in the store, where an audit reads its text back (0: not stored)
  std::string fetched_at;  // ISO 8601 UTC
  std::string title;
  MetaTags meta;  // <meta name> -> content (first wins)
  std::string published_source;        // label, header, meta, url (crawler/reading.hpp)
  std::optional<Date> published;
  std::optional<Date> document_date;   // the document's own date (成文日期 …), when shown
  int id_count = 0;                    // how many resident ID numbers it shows (id_numbers: the first few)
  std::string column;                  // the column the page names (ColumnName, breadcrumb)
  std::string duplicate_of;
  std::vector<Redirect> redirects;
  std::string text;    // visible text, UTF-8
  std::vector<id_number::Seen> id_numbers;  // resident ID numbers the page or attachment shows, masked
  std::string content_note;  // an attachment's content not read, or read in part, and why
  Accessibility a11y;
  // What the crawl, its writer and the store's own readers use; an audit view leaves it absent.
  PageCrawlFields& crawl() { return crawl_.get(); }
  const PageCrawlFields& crawl() const { return crawl_.get(); }

 private:
  CopyBox<PageCrawlFields> crawl_;
};

// A citizen message (留言) as its box's list or its own page shows it.
struct MessageRecord {
  std::string site_id;
  std::string list_url;  // the list page it was read on; "" when read on its own page
  std::string url;       // the message's own page
  std::string title;
  std::optional<Date> left, replied;  // 留言时间, 回复时间
  std::string status;    // as written: 已回复, 办理中 …
  std::string unit;      // 答复单位
  bool reply_text = false;  // its page shows a reply's content
  int phone_numbers = 0;    // own page: the citizen's mobile numbers it shows unmasked (masked in what is kept)
};

struct DnsRecord {
  std::string host;
  std::string type;  // A, AAAA
  std::vector<std::string> answers;
  std::string error;
  int elapsed_ms = 0;
};

struct ProbeRecord {
  std::string site_id;
  std::string url;
  int family = 4;
  ProbePurpose purpose = ProbePurpose::Homepage;
  int attempt = 0;
  int status = 0;
  std::string error;
  int elapsed_ms = 0;
  std::string digest;
  std::string text;
  std::string query = {};  // Search: the words searched for (an article title the crawl saw)
};

// A task the crawl created (see the frontier table): enough to run it again after a restart.
struct FrontierRecord {
  std::string site_id;
  std::string url;
  std::string mode;  // home, page, check, probe
  int depth = 0;
  bool head = false;
  int family = 0;
  std::string purpose;
  int attempt = 0;
};

// A crawl limit met on a site.
struct LimitRecord {
  std::string site_id;
  std::string what;
};

// What an unfinished crawl run had done when it stopped (the pages without their text).
struct CrawlState {
  std::vector<FrontierRecord> frontier;
  std::vector<PageRecord> pages;
  std::vector<ProbeRecord> probes;
  std::vector<DnsRecord> dns;
  std::vector<LimitRecord> limits;
};

// One homepage availability probe.
struct AvailabilityRecord {
  std::string site_id;
  std::string homepage;
  std::string at;  // ISO 8601 UTC
  bool ok = false;
  int status = 0;
  std::string error;
  int elapsed_ms = 0;
};

// A judged problem. `subject` follows corpus/CONTRACT.md for the rule.
struct Finding {
  Finding() = default;
  Finding(std::string site, std::string rule_id, std::string subj, std::string at, std::string detail = "{}")
      : site_id(std::move(site)), rule(std::move(rule_id)), subject(std::move(subj)), url(std::move(at)),
        detail_json(std::move(detail)) {}
  std::string site_id;
  std::string rule;
  std::string subject;
  std::string url;
  std::string detail_json = "{}";
  Severity severity = Severity::Major;  // set by judge() from the rule texts in config
};

// A SiteView's page table: made from its pages when first asked for (a copy makes its own), or
// given by the store with a PageSource (then shared by copies).
class PageTableHolder {
 public:
  PageTableHolder() = default;
  PageTableHolder(const PageTableHolder& o) : table_(o.given_ ? o.table_ : nullptr), given_(o.given_) {}
  PageTableHolder& operator=(const PageTableHolder& o) {
    std::lock_guard lk(mu_);
    table_ = o.given_ ? o.table_ : nullptr, given_ = o.given_;
    return *this;
  }
  void give(std::shared_ptr<const PageTable> t) {
    std::lock_guard lk(mu_);
    table_ = std::move(t), given_ = true;
  }
  const PageTable& get(const std::vector<PageRecord>& pages) const;

 private:
  mutable std::mutex mu_;
  mutable std::shared_ptr<const PageTable> table_;
  bool given_ = false;
};

// Everything stored about one site in one crawl run, as the rules see it. Its pages are either all
// in `pages` (a view made in memory, and the store's whole views) or, in the audit's view of a
// store, read from `page_source` when asked for: rules reach them through each_page(), page(),
// page_at() and page_table(), never `pages` itself.
struct SiteView {
  Site site;
  std::string status;  // done, unreachable
  std::string error;
  std::vector<std::string> limits;
  std::vector<PageRecord> pages;
  LinkList links;
  ItemList items;
  std::vector<MessageRecord> messages;
  std::vector<DnsRecord> dns;
  std::vector<ProbeRecord> probes;
  // Reads the text of a page whose view left it in the store (the audit view does so with articles,
  // most of a large site's memory); unset when the view holds every text it has. Safe from several
  // threads: a site's rules run on two.
  std::function<std::string(const PageRecord&)> stored_text;
  // Set with the page table given to `tables`: where the pages are when `pages` is empty.
  std::shared_ptr<const PageSource> page_source;
  std::vector<PageRecord> home_pages;  // with a page source: the pages fetched as the homepage
  PageTableHolder tables;

  // A page's visible text, wherever the view keeps it.
  std::string text_of(const PageRecord& p) const;

  const PageTable& page_table() const { return tables.get(pages); }
  // Every page in crawl order, until `f` returns false (when it returns a bool). A record lives
  // for its call only. A store's record leaves out what the page table holds or only lookups
  // read (page_select's `walk`): accessibility, ID numbers, redirects, the content note, the
  // error, when it was fetched and the document's date; page_at() gives the whole record. Given
  // `texts`, a walk that reads most pages' texts has them come with the records.
  template <class F>
  void each_page(F&& f, bool texts = false) const {
    auto call = [&](const PageRecord& p) -> bool {
      if constexpr (std::is_void_v<std::invoke_result_t<F&, const PageRecord&>>) {
        f(p);
        return true;
      } else {
        return bool(f(p));
      }
    };
    if (page_source) return page_source->for_each(page_table(), call, texts);
    for (auto& p : pages)
      if (!call(p)) break;
  }
  // The record of page_table()[i].
  std::shared_ptr<const PageRecord> page_at(size_t i) const {
    if (!page_source) return {std::shared_ptr<void>(), &pages[size_t(page_table()[i].row)]};
    return std::make_shared<const PageRecord>(page_source->read(page_table()[i].row));
  }
  // `url`'s page: its own record, else one redirected there (PageTable::find); null when none.
  std::shared_ptr<const PageRecord> page(std::string_view url) const {
    auto i = page_table().find(url);
    return i ? page_at(*i) : nullptr;
  }

  // The page fetched as the site's homepage (after a script or meta-refresh redirect stub,
  // the fuller page), or nullptr when none answered.
  const PageRecord* homepage() const {
    const PageRecord* best = nullptr;
    for (auto& p : page_source ? home_pages : pages)
      if (p.kind == PageKind::Home && p.error_kind == ErrorKind::None && p.status >= 200 && p.status < 300 &&
          (!best || p.text.size() > best->text.size()))
        best = &p;
    return best;
  }
};

}  // namespace govaudit
