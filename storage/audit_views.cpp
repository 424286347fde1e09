// What the rules and the reports read of a crawl: one SiteView per site, whole or compact.
#include "storage/store.hpp"

#include <future>
#include <mutex>
#include <nlohmann/json.hpp>
#include <unordered_map>
#include <unordered_set>

#include "model/text_codec.hpp"
#include "storage/page_rows.hpp"

namespace govaudit {

using nlohmann::json;
using namespace rows;

std::vector<DnsRecord> Store::dns(std::int64_t crawl_run) {
  std::vector<DnsRecord> dns;
  auto st = db_.prepare("SELECT host, type, answers, error, elapsed_ms FROM dns WHERE run_id=? ORDER BY host, type");
  st.bind(1, crawl_run);
  while (st.step())
    dns.push_back({st.text(0), st.text(1), json::parse(st.text(2)).get<std::vector<std::string>>(), st.text(3),
                   int(st.integer(4))});
  return dns;
}

namespace {

// One statement read by row id on a connection of its own (a view may outlive the loop that made
// it), opened at the first read in one read transaction kept while it lives: a lock taken and
// dropped per read cost more than the read. Safe from several threads: rules on two share it.
class RowReader {
 public:
  RowReader(std::string path, std::string sql) : path_(std::move(path)), sql_(std::move(sql)) {}
  // fn(statement, whether the row is there), its result returned.
  template <class F>
  auto read(std::int64_t row, F&& fn) {
    std::lock_guard lk(mu_);
    if (!st_) {
      db_ = std::make_unique<sqlite::Connection>(path_, false);
      db_->exec("PRAGMA cache_size=-256");
      db_->exec("BEGIN");  // deferred: the first read takes the snapshot
      st_ = std::make_unique<sqlite::Statement>(db_->prepare(sql_));
    }
    struct Reset {
      sqlite::Statement& st;
      ~Reset() { st.reset(); }
    } reset{*st_};
    st_->bind(1, row);
    bool found = st_->step();
    return fn(*st_, found);
  }

 private:
  std::string path_, sql_;
  std::mutex mu_;
  std::unique_ptr<sqlite::Connection> db_;
  std::unique_ptr<sqlite::Statement> st_;
};

// Articles' texts, read one at a time by row.
std::function<std::string(const PageRecord&)> stored_texts(const std::string& path) {
  auto reader = std::make_shared<RowReader>(path, "SELECT " GOVAUDIT_PAGE_TEXT " FROM pages WHERE id=?");
  return [reader](const PageRecord& p) {
    return decompress_text(reader->read(p.stored_row, [](const sqlite::Statement& st, bool found) {
      return found && !st.is_null(0) ? st.blob(0) : std::string();
    }));
  };
}

// A site's page records, read from the store as the rules ask: by rowid range where its rows lie
// close together (a site crawled alone), else one by one by rowid. Each walk opens its own
// connection, so that rules on two threads walk at once.
class StorePages : public PageSource {
 public:
  // `select(where, form)`: page_select's SQL for the view's records (form 0), a walk's (1) and a
  // walk's with every text (2).
  StorePages(std::string path, std::int64_t run, std::string site, const std::function<std::string(const std::string&, int)>& select,
             const std::set<std::string>* meta_names)
      : path_(std::move(path)), run_(run), site_(std::move(site)), meta_(meta_names ? std::optional(*meta_names) : std::nullopt) {
    for (int form : {0, 1, 2}) {
      range_[form] = select(" WHERE id BETWEEN ? AND ? AND +run_id=? AND +site_id=?", form);
      one_[form] = select(" WHERE id=?", form);
    }
    reader_ = std::make_unique<RowReader>(path_, one_[0]);
  }

  void for_each(const PageTable& table, const std::function<bool(const PageRecord&)>& fn, bool texts) const override {
    std::vector<std::int64_t> rows(table.size());
    for (size_t i = 0; i < rows.size(); ++i) rows[i] = table[i].row;
    walk(rows, fn, texts ? 2 : 1);
  }

  // The rows in ascending order (crawl order), in a `form` of the constructor's.
  void walk(const std::vector<std::int64_t>& rows, const std::function<bool(const PageRecord&)>& fn, int form) const {
    if (rows.empty()) return;
    sqlite::Connection db(path_, false);
    db.exec("PRAGMA cache_size=-256");  // read once, in order: the OS's file cache holds the pages
    db.exec("BEGIN");
    const std::set<std::string>* names = meta_ ? &*meta_ : nullptr;
    if (rows.back() - rows.front() < std::int64_t(2 * rows.size())) {
      auto st = db.prepare(range_[form]);
      st.bind(1, rows.front()).bind(2, rows.back()).bind(3, run_).bind(4, site_);
      size_t at = 0;
      while (st.step()) {
        if (at == rows.size() || st.integer(24) != rows[at]) throw sqlite::StorageError("the pages of site " + site_ + " changed while they were read");
        ++at;
        if (!fn(page_row(st, names))) break;
      }
    } else {
      auto st = db.prepare(one_[form]);
      for (auto row : rows) {
        st.bind(1, row);
        if (!st.step()) throw sqlite::StorageError("the pages of site " + site_ + " changed while they were read");
        bool more = fn(page_row(st, names));
        st.reset();
        if (!more) break;
      }
    }
  }

  PageRecord read(std::int64_t row) const override {
    return reader_->read(row, [&](const sqlite::Statement& st, bool found) {
      if (!found) throw sqlite::StorageError("page row " + std::to_string(row) + " of site " + site_ + " is gone");
      return page_row(st, meta_ ? &*meta_ : nullptr);
    });
  }

 private:
  std::string path_;
  std::int64_t run_;
  std::string site_;
  std::string range_[3], one_[3];  // by form
  std::optional<std::set<std::string>> meta_;
  std::unique_ptr<RowReader> reader_;  // whole records, one by one
};

}  // namespace

std::vector<SiteView> Store::load_views(std::int64_t crawl_run, const std::string* only, const std::vector<DnsRecord>& dns,
                                       ViewParts parts, const std::set<std::string>* meta_names) {
  std::string where = only ? " WHERE run_id=? AND site_id=?" : " WHERE run_id=?";
  auto bind = [&](sqlite::Statement& st) {
    st.bind(1, crawl_run);
    if (only) st.bind(2, *only);
  };
  std::vector<SiteView> views;
  std::map<std::string, size_t> index;
  {
    std::map<std::string, Site> by_id;
    for (auto& site : sites(crawl_run)) by_id.emplace(site.id, site);
    auto st = db_.prepare("SELECT site_id, status, error, limits FROM sites" + where + " ORDER BY rowid");
    bind(st);
    while (st.step()) {
      SiteView v;
      v.site = by_id.at(st.text(0));
      v.status = st.text(1);
      v.error = st.text(2);
      v.limits = json::parse(st.text(3)).get<std::vector<std::string>>();
      v.dns = dns;  // DNS answers belong to hosts; every site sees the hosts its pages and links touch
      index[v.site.id] = views.size();
      views.push_back(std::move(v));
    }
  }
  auto view = [&](const std::string& id) -> SiteView* {
    auto it = index.find(id);
    return it == index.end() ? nullptr : &views[it->second];
  };
  // Messages, items (but for the audit's view of one site, below), and for the audit view the link
  // targets of more than kBoilerplateLinks rows, are read on a second connection while the pages are
  // read on this one: each takes about as long.
  std::map<std::string, std::unordered_set<std::uint64_t>> frequent;
  // The audit's view of one site reads its items once its page table is made, so that they refer to
  // its pages' URLs there.
  const bool table_first = only && parts == ViewParts::Audit;
  auto load_items = [&](sqlite::Connection& db) {
    // Reserved: grown by doubling, a vector of 18,000 items held 1.8 times what it needed.
    if (only) views[0].items.reserve(count_rows(db, "items", where, crawl_run, only));
    auto st = db.prepare("SELECT site_id, list_url, url, title, date FROM items" + where + " ORDER BY rowid");
    bind(st);
    while (st.step())
      if (SiteView* v = view(st.text(0))) {
        ItemRecord it{st.text(0), st.text(1), st.text(2), st.text(3), std::nullopt};
        if (!st.is_null(4)) it.date = Date::parse_iso(st.text(4));
        v->items.push_back(std::move(it));
      }
  };
  auto side = std::async(std::launch::async, [&] {
    sqlite::Connection db(db_.path(), false);
    db.exec("PRAGMA cache_size=-256");  // read once, in order: the OS's file cache holds the pages
    {
      auto st = db.prepare("SELECT site_id, list_url, url, title, left_date, replied_date, status, unit, reply_text, phone_numbers FROM messages" +
                           where + " ORDER BY rowid");
      bind(st);
      while (st.step())
        if (SiteView* v = view(st.text(0))) {
          MessageRecord m{st.text(0), st.text(1), st.text(2), st.text(3), std::nullopt, std::nullopt, st.text(6), st.text(7),
                          st.integer(8) != 0, int(st.integer(9))};
          if (!st.is_null(4)) m.left = Date::parse_iso(st.text(4));
          if (!st.is_null(5)) m.replied = Date::parse_iso(st.text(5));
          v->messages.push_back(std::move(m));
        }
    }
    if (parts == ViewParts::Pages) return;
    if (!table_first) load_items(db);
    if (parts == ViewParts::Audit) {  // counted by the targets' hashes: a site links to tens of thousands of URLs
      std::map<std::string, std::unordered_map<std::uint64_t, int>> count;
      auto st = db.prepare("SELECT site_id, links FROM page_links" + where);
      bind(st);
      std::string_view to, tag, text, hidden;
      while (st.step()) {
        auto& c = count[st.text(0)];
        for (PackedLinks links(st.blob_view(1)); links.next(to, tag, text, hidden);) ++c[std::hash<std::string_view>{}(to)];
      }
      for (auto& [site, c] : count)
        for (auto& [h, n] : c)
          if (n > kBoilerplateLinks) frequent[site].insert(h);
    }
  });
  // form (the audit's): 0 its records, 1 a walk's, 2 a walk's with every text.
  auto select = [&](const std::string& page_where, int form = 0) {
    return parts == ViewParts::All ? page_select(GOVAUDIT_PAGE_TEXT, page_where, "NULL", false, meta_names)
           : parts == ViewParts::Pages
               ? page_select("CASE WHEN kind='home' THEN text_z END", page_where, "NULL", false, meta_names)
               : page_select(form == 2 ? "CASE WHEN kind NOT IN ('home', 'article', 'list') THEN NULL WHEN kind = 'home' THEN text_z ELSE " GOVAUDIT_PAGE_TEXT " END"
                                       : "CASE WHEN kind='home' THEN text_z END",
                             page_where, "CASE WHEN kind NOT IN ('home', 'article', 'list') THEN " GOVAUDIT_PAGE_TEXT " END", true,
                             meta_names, form > 0);
  };
  if (only && parts == ViewParts::Audit) {
    // The audit's view of one site keeps a table of its pages and its homepage records; the rules
    // read the rest from the store as they go (SiteView::each_page, page_at).
    std::vector<std::int64_t> rows;
    {
      auto st = db_.prepare("SELECT id FROM pages" + where);
      bind(st);
      while (st.step()) rows.push_back(st.integer(0));
      std::sort(rows.begin(), rows.end());
    }
    auto source = std::make_shared<StorePages>(db_.path(), crawl_run, *only, select, meta_names);
    auto table = std::make_shared<PageTable>();
    table->reserve(rows.size());
    SiteView& v = views[0];
    source->walk(rows, [&](const PageRecord& p) {
      table->add(p, p.stored_row);
      if (p.kind == PageKind::Home) v.home_pages.push_back(p);
      return true;
    }, 0);
    table->seal();
    v.page_source = std::move(source);
    v.items.use_pages(table), v.links.use_pages(table);
    v.tables.give(std::move(table));
    load_items(db_);
  } else {
    // A site's pages are rows written as its crawl went. Where they lie close together in the
    // table (a site crawled alone), they are read by rowid range, in crawl order: through the
    // (run_id, site_id, url) index each row cost a B-tree descent and, mostly, a page read.
    std::string page_where = where;
    std::int64_t first = 0, last = 0, n = 0;
    if (only) {
      auto span = db_.prepare("SELECT count(*), min(id), max(id) FROM pages" + where);
      bind(span);
      span.step();
      n = span.integer(0);
      views[0].pages.reserve(size_t(n));
      first = span.integer(1), last = span.integer(2);
      if (n > 0 && last - first < 2 * n) page_where = " WHERE id BETWEEN ? AND ? AND +run_id=? AND +site_id=?";
    }
    if (page_where == where) {
      auto st = db_.prepare(select(page_where));
      bind(st);
      CrawlOrder order;
      while (st.step())
        if (SiteView* v = view(st.text(0))) order.add(v->pages, st, meta_names);
      order.apply();
    } else {
      // By rowid, in crawl order; a large site's rows in two halves read side by side, each into
      // its own slots (decoding the rows is most of reading them).
      auto& pages = views[0].pages;
      pages.resize(size_t(n));
      std::int64_t middle = n >= 2000 ? first + (last - first) / 2 : last;
      auto count = db_.prepare("SELECT count(*) FROM pages" + where + " AND id <= ?");
      bind(count);
      count.bind(3, middle);
      count.step();
      size_t split = size_t(count.integer(0));
      auto read = [&](sqlite::Connection& db, std::int64_t from, std::int64_t to, size_t at, size_t end) {
        auto st = db.prepare(select(page_where));
        st.bind(1, from).bind(2, to).bind(3, crawl_run).bind(4, *only);
        while (st.step()) {
          if (at == end) throw sqlite::StorageError("the pages of site " + *only + " changed while they were read");
          pages[at++] = page_row(st, meta_names);
        }
        if (at != end) throw sqlite::StorageError("the pages of site " + *only + " changed while they were read");
      };
      auto second = std::async(std::launch::async, [&] {
        if (split == pages.size()) return;
        sqlite::Connection db(db_.path(), false);
        db.exec("PRAGMA cache_size=-256");
        read(db, middle + 1, last, split, pages.size());
      });
      read(db_, first, middle, 0, split);
      second.get();
    }
  }
  side.get();
  if (parts == ViewParts::All) {
    auto st = db_.prepare("SELECT site_id, from_url, links FROM page_links" + where + " ORDER BY rowid");
    bind(st);
    std::string_view to, tag, text, hidden;
    while (st.step())
      if (SiteView* v = view(st.text(0)))
        for (PackedLinks links(st.blob_view(2)); links.next(to, tag, text, hidden);)
          v->links.push_back({st.text(0), st.text(1), std::string(to), std::string(tag), std::string(text), std::string(hidden)});
  } else if (parts == ViewParts::Audit) {
    std::vector<std::pair<std::string_view, std::string_view>> listed;  // list URL, item URL
    for (auto& v : views)
      for (auto i : v.items) listed.emplace_back(i.list_url, i.url);
    std::sort(listed.begin(), listed.end());
    std::unordered_set<std::string> once;  // site, target, tag and text of a compacted link
    auto st = db_.prepare("SELECT site_id, from_url, links FROM page_links" + where + " ORDER BY rowid");
    bind(st);
    std::string_view to_url, tag, text, hidden;
    while (st.step()) {
      SiteView* v = view(st.text(0));
      if (!v) continue;
      const PageTable& table = v->page_table();
      auto& boilerplate = frequent[v->site.id];
      std::string_view from_url = st.text_view(1);
      auto from = table.own(from_url);
      for (PackedLinks links(st.blob_view(2)); links.next(to_url, tag, text, hidden);) {
        auto to = table.own(to_url);
        bool unclean = to && (!table[*to].ok() || table.final_url(*to) != table.url(*to));
        // A list's link to one of its own items: the item record holds it (its title, its date).
        if (from && table[*from].kind == PageKind::List && !unclean && tag == "a" &&
            std::binary_search(listed.begin(), listed.end(), std::pair(from_url, to_url)))
          continue;
        if (from && table[*from].kind == PageKind::Article && boilerplate.count(std::hash<std::string_view>{}(to_url))) {
          bool specific = unclean || (to && (table[*to].kind == PageKind::Article || table[*to].kind == PageKind::Attachment));
          if (!specific) {
            std::string key = v->site.id;
            for (std::string_view f : {to_url, tag, text, hidden}) (key += '\0') += f;
            if (!once.insert(std::move(key)).second) continue;
          }
        }
        v->links.push_back({v->site.id, std::string(from_url), std::string(to_url), std::string(tag), std::string(text),
                            std::string(hidden)});
      }
    }
  }
  if (parts == ViewParts::Audit)
    for (auto& v : views) v.stored_text = stored_texts(db_.path());
  {
    auto st = db_.prepare("SELECT site_id, url, family, purpose, attempt, status, error, elapsed_ms, digest, text_z, query FROM probes" +
                          where + " ORDER BY rowid");
    bind(st);
    while (st.step())
      if (SiteView* v = view(st.text(0)))
        v->probes.push_back({st.text(0), st.text(1), int(st.integer(2)), probe_purpose_from(st.text(3)), int(st.integer(4)),
                             int(st.integer(5)), st.text(6), int(st.integer(7)), st.text(8), decompress_text(st.blob(9)), st.text(10)});
  }
  return views;
}

std::map<std::string, std::string> Store::warc_records(std::int64_t crawl_run, const std::string& site_id,
                                                      const std::set<std::string>& urls) {
  std::map<std::string, std::string> out;
  auto st = db_.prepare("SELECT warc FROM pages WHERE run_id=? AND site_id=? AND url=? AND warc != ''");
  for (auto& u : urls) {
    st.bind(1, crawl_run).bind(2, site_id).bind(3, u);
    if (st.step()) out.emplace(u, st.text(0));
    st.reset();
  }
  return out;
}

void Store::carry_link_probes(std::int64_t run, const std::string& site_id, std::int64_t from_run) {
  db_.prepare("INSERT INTO probes (run_id, site_id, url, family, purpose, attempt, status, error, elapsed_ms, digest, text_z, query) "
              "SELECT ?1, site_id, url, family, purpose, attempt, status, error, elapsed_ms, digest, text_z, query FROM probes "
              "WHERE run_id=?2 AND site_id=?3 AND purpose IN ('link2', 'link3')")
      .bind(1, run).bind(2, from_run).bind(3, site_id).run();
}

std::map<std::string, std::string> Store::carried_pages(std::int64_t crawl_run) {
  std::map<std::string, std::string> out;
  auto st = db_.prepare("SELECT site_id, url, fetched_at FROM pages WHERE run_id=? AND carried=1");
  st.bind(1, crawl_run);
  while (st.step()) out.emplace(st.text(0) + '\n' + st.text(1), st.text(2));
  return out;
}

std::vector<SiteView> Store::load_site_views(std::int64_t crawl_run) {
  return load_views(crawl_run, nullptr, dns(crawl_run), ViewParts::All);
}

void Store::for_each_site_view(std::int64_t crawl_run, const std::function<void(SiteView&)>& fn, ViewParts parts,
                               const std::set<std::string>* meta_names) {
  auto answers = dns(crawl_run);
  std::vector<std::string> ids;
  auto st = db_.prepare("SELECT site_id FROM sites WHERE run_id=? ORDER BY rowid");
  st.bind(1, crawl_run);
  while (st.step()) ids.push_back(st.text(0));
  for (auto& id : ids)
    for (auto& v : load_views(crawl_run, &id, answers, parts, meta_names)) fn(v);
}

}  // namespace govaudit
