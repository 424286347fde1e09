#include "storage/prior_crawl.hpp"

#include <spdlog/spdlog.h>

#include "storage/page_rows.hpp"
#include "storage/sqlite.hpp"

namespace govaudit {
namespace {

// Where a page's rows of links, items and messages lie: rows of one page are written together,
// so a range of row ids narrowed by the page's URL finds them without an index on it.
struct Rows {
  std::int64_t first = 0, last = -1;
  void add(std::int64_t r) {
    if (last < first) first = last = r;
    first = std::min(first, r), last = std::max(last, r);
  }
};

struct Entry {
  PriorPage page;
  std::int64_t run = 0;
  Rows links, items, messages;
};

class StoredCrawl : public PriorCrawl {
 public:
  explicit StoredCrawl(const std::string& path)
    : db_(path, false),
      links_(db_.prepare("SELECT links FROM page_links WHERE rowid BETWEEN ? AND ? AND site_id=? AND from_url=?")),
      items_(db_.prepare("SELECT url, title, date FROM items WHERE rowid BETWEEN ? AND ? AND site_id=? AND list_url=? ORDER BY rowid")),
      check_(db_.prepare(rows::page_select("NULL", " WHERE id=?"))),
      messages_(db_.prepare(
          "SELECT list_url, url, title, left_date, replied_date, status, unit, reply_text, phone_numbers FROM messages "
          "WHERE rowid BETWEEN ? AND ? AND site_id=? AND (list_url=?4 OR (list_url='' AND url=?4)) ORDER BY rowid")) {}

  // One site's pages of its last finished crawl before `current`; false when there is none.
  bool load(std::int64_t current, const std::string& site) {
    auto last = db_.prepare(
        "SELECT s.run_id FROM sites s JOIN runs r ON r.id = s.run_id WHERE r.kind='crawl' AND r.status='done' AND s.site_id=? "
        "AND s.status='done' AND r.id <> ? ORDER BY r.id DESC LIMIT 1");
    last.bind(1, site).bind(2, current);
    if (!last.step()) return false;
    std::int64_t run = last.integer(0);
    runs_[site] = run;
    std::string prefix = site + '\n';
    auto pages = db_.prepare(
        "SELECT id, url, etag, last_modified, digest, duplicate_of, fetched_at, kind, final_url FROM pages WHERE run_id=? AND site_id=? "
        "AND status BETWEEN 200 AND 299 AND error_kind='' AND (kind IN ('list', 'article', 'page') OR (kind = 'attachment' AND bytes > 0))");
    pages.bind(1, run).bind(2, site);
    size_t n = 0;
    while (pages.step()) {
      Entry& e = by_url_[prefix + pages.text(1)];
      e.run = run;
      e.page = {pages.integer(0), pages.text(2), pages.text(3), pages.text(4), pages.text(6), pages.text(8),
                page_kind_from(pages.text_view(7)), !pages.text_view(5).empty()};
      ++n;
    }
    auto place = [&](const char* table, const char* url_col, Rows Entry::*where) {
      auto st = db_.prepare(std::string("SELECT rowid, ") + url_col + " FROM " + table + " WHERE run_id=? AND site_id=?");
      st.bind(1, run).bind(2, site);
      while (st.step())
        if (auto it = by_url_.find(prefix + std::string(st.text_view(1))); it != by_url_.end()) (it->second.*where).add(st.integer(0));
    };
    place("page_links", "from_url", &Entry::links);
    place("items", "list_url", &Entry::items);
    place("messages", "CASE WHEN list_url = '' THEN url ELSE list_url END", &Entry::messages);
    spdlog::debug("{}: {} pages of crawl run {} can be asked again", site, n, run);
    return n > 0;
  }

  std::int64_t run_of(const std::string& site_id) const override {
    auto it = runs_.find(site_id);
    return it == runs_.end() ? 0 : it->second;
  }

  const PriorPage* find(const std::string& site_id, const std::string& url) const override {
    auto it = by_url_.find(site_id + '\n' + url);
    return it == by_url_.end() ? nullptr : &it->second.page;
  }

  PageRecord check(const PriorPage& page) override {
    check_.reset();
    check_.bind(1, page.row);
    if (!check_.step()) throw sqlite::StorageError("the earlier crawl's row " + std::to_string(page.row) + " is gone");
    PageRecord p = rows::page_row(check_);
    check_.reset();
    return p;
  }

  void content(const std::string& site_id, const std::string& url, std::vector<LinkRecord>& links, std::vector<ItemRecord>& items,
               std::vector<MessageRecord>& messages) override {
    auto it = by_url_.find(site_id + '\n' + url);
    if (it == by_url_.end()) return;
    const Entry& e = it->second;
    if (e.links.last >= e.links.first) {
      auto& st = links_;
      st.reset();
      st.bind(1, e.links.first).bind(2, e.links.last).bind(3, site_id).bind(4, url);
      while (st.step()) {
        rows::PackedLinks packed(st.blob_view(0));
        for (std::string_view to, tag, text, hidden; packed.next(to, tag, text, hidden);)
          links.push_back({site_id, url, std::string(to), std::string(tag), std::string(text), std::string(hidden)});
      }
    }
    if (e.items.last >= e.items.first) {
      auto& st = items_;
      st.reset();
      st.bind(1, e.items.first).bind(2, e.items.last).bind(3, site_id).bind(4, url);
      while (st.step())
        items.push_back({site_id, url, st.text(0), st.text(1), st.is_null(2) ? std::nullopt : Date::parse_iso(st.text(2))});
    }
    if (e.messages.last >= e.messages.first) {
      auto& st = messages_;
      st.reset();
      st.bind(1, e.messages.first).bind(2, e.messages.last).bind(3, site_id).bind(4, url);
      auto date = [&](int c) { return st.is_null(c) ? std::nullopt : Date::parse_iso(st.text(c)); };
      while (st.step())
        messages.push_back({site_id, st.text(0), st.text(1), st.text(2), date(3), date(4), st.text(5), st.text(6),
                            st.integer(7) != 0, int(st.integer(8))});
    }
  }

 private:
  sqlite::Connection db_;
  sqlite::Statement links_, items_, check_, messages_;  // a page's content, read by row range or id
  std::unordered_map<std::string, Entry> by_url_;  // "site\nurl"
  std::unordered_map<std::string, std::int64_t> runs_;  // site -> its earlier crawl run
};

}  // namespace

std::unique_ptr<PriorCrawl> stored_prior_crawl(const std::string& db_path, std::int64_t current_run,
                                               const std::vector<std::string>& site_ids) {
  auto prior = std::make_unique<StoredCrawl>(db_path);
  bool any = false;
  for (auto& s : site_ids) any = prior->load(current_run, s) || any;
  return any ? std::move(prior) : nullptr;
}

}  // namespace govaudit
