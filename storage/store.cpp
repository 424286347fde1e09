#include "storage/store.hpp"

#include <pthread.h>
#include <sched.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>
#include <zstd.h>

#include <algorithm>
#include <chrono>
#include <ctime>
#include <future>
#include <memory>
#include <nlohmann/json.hpp>
#include <unordered_map>
#include <unordered_set>

#include "config/embedded.hpp"

namespace govaudit::schema {
std::span<const EmbeddedFile> files();
}

namespace govaudit {

using nlohmann::json;

std::string iso_utc_hours_ago(int hours) {
  std::time_t t = std::time(nullptr) - std::time_t(hours) * 3600;
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

std::string now_iso_utc() {
  std::time_t t = std::time(nullptr);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

// One zstd context per thread: the one-shot calls set up (and clear) a fresh one each time,
// which cost more than compressing a page's text.
std::string compress_text(std::string_view s) {
  if (s.empty()) return {};
  thread_local std::unique_ptr<ZSTD_CCtx, size_t (*)(ZSTD_CCtx*)> cctx(ZSTD_createCCtx(), ZSTD_freeCCtx);
  std::string out(ZSTD_compressBound(s.size()), '\0');
  // Level 1: a page's text is small, and at level 3 setting up the larger tables cost more than
  // the compression; the stored size differs by a few percent.
  size_t n = ZSTD_compressCCtx(cctx.get(), out.data(), out.size(), s.data(), s.size(), 1);
  if (ZSTD_isError(n)) throw sqlite::StorageError(std::string("zstd: ") + ZSTD_getErrorName(n));
  out.resize(n);
  return out;
}

void background_thread() {
  thread_local bool done = false;
  if (done) return;
  done = true;
  sched_param none{};
  pthread_setschedparam(pthread_self(), SCHED_BATCH, &none);
  setpriority(PRIO_PROCESS, pid_t(syscall(SYS_gettid)), 5);  // may fail (a container's limits): harmless
}

std::string decompress_text(std::string_view z) {
  if (z.empty()) return {};
  thread_local std::unique_ptr<ZSTD_DCtx, size_t (*)(ZSTD_DCtx*)> dctx(ZSTD_createDCtx(), ZSTD_freeDCtx);
  unsigned long long n = ZSTD_getFrameContentSize(z.data(), z.size());
  if (n == ZSTD_CONTENTSIZE_ERROR || n == ZSTD_CONTENTSIZE_UNKNOWN || n > (1ull << 31))
    throw sqlite::StorageError("stored text is not a valid zstd frame");
  std::string out(n, '\0');
  size_t got = ZSTD_decompressDCtx(dctx.get(), out.data(), out.size(), z.data(), z.size());
  if (ZSTD_isError(got)) throw sqlite::StorageError(std::string("zstd: ") + ZSTD_getErrorName(got));
  out.resize(got);
  return out;
}

std::string text_of(const PageRecord& p) { return p.text.empty() ? decompress_text(p.text_z) : p.text; }

Store::Store(const std::string& path) : db_(path) { migrate(); }

void Store::migrate() {
  int v = 0;
  {
    auto st = db_.prepare("PRAGMA user_version");  // finalized before any DROP TABLE below
    st.step();
    v = int(st.integer(0));
  }
  if (v > kSchemaVersion)
    throw sqlite::StorageError(db_.path() + ": database schema version " + std::to_string(v) +
                               " is newer than this govaudit understands (" + std::to_string(kSchemaVersion) + ")");
  // Migrations are the embedded files of storage/migrations in name order; file N brings the
  // schema to version N, each in its own transaction.
  auto files = schema::files();
  if (int(files.size()) != kSchemaVersion)
    throw sqlite::StorageError("internal: " + std::to_string(files.size()) + " migrations for schema version " +
                               std::to_string(kSchemaVersion));
  for (int next = v + 1; next <= kSchemaVersion; ++next) {
    sqlite::Transaction tx(db_);
    db_.exec(files[size_t(next - 1)].data);
    db_.exec("PRAGMA user_version = " + std::to_string(next));
    tx.commit();
  }
}

std::int64_t Store::begin_run(const std::string& kind, const Date& today, std::optional<std::int64_t> crawl_run,
                              const std::string& options_json) {
  auto st = db_.prepare("INSERT INTO runs (kind, crawl_run, started_at, today, options) VALUES (?,?,?,?,?)");
  st.bind(1, kind);
  if (crawl_run) st.bind(2, *crawl_run); else st.bind_null(2);
  st.bind(3, now_iso_utc()).bind(4, today.iso()).bind(5, options_json);
  st.run();
  return db_.last_insert_id();
}

void Store::finish_run(std::int64_t run, const std::string& status) {
  db_.prepare("UPDATE runs SET status=?, finished_at=? WHERE id=?").bind(1, status).bind(2, now_iso_utc()).bind(3, run).run();
}

namespace {
RunInfo read_run(sqlite::Statement& st) {
  RunInfo r;
  r.id = st.integer(0);
  r.kind = st.text(1);
  if (!st.is_null(2)) r.crawl_run = st.integer(2);
  r.started_at = st.text(3);
  r.finished_at = st.text(4);
  r.today = st.text(5);
  r.status = st.text(6);
  r.options = st.text(7);
  if (!st.is_null(8)) r.reported_at = st.text(8);
  return r;
}
constexpr const char* kRunCols = "SELECT id, kind, crawl_run, started_at, finished_at, today, status, options, reported_at FROM runs ";
}  // namespace

std::optional<RunInfo> Store::run(std::int64_t id) {
  auto st = db_.prepare(std::string(kRunCols) + "WHERE id=?");
  st.bind(1, id);
  if (!st.step()) return std::nullopt;
  return read_run(st);
}

std::optional<RunInfo> Store::latest_run(const std::string& kind, bool finished_only) {
  auto st = db_.prepare(std::string(kRunCols) + "WHERE kind=? " + (finished_only ? "AND status='done' " : "") +
                        "ORDER BY id DESC LIMIT 1");
  st.bind(1, kind);
  if (!st.step()) return std::nullopt;
  return read_run(st);
}

std::optional<RunInfo> Store::latest_audit_of(std::int64_t crawl_run) {
  auto st = db_.prepare(std::string(kRunCols) + "WHERE kind='audit' AND crawl_run=? ORDER BY id DESC LIMIT 1");
  st.bind(1, crawl_run);
  if (!st.step()) return std::nullopt;
  return read_run(st);
}

void Store::mark_reported(std::int64_t audit_run) {
  db_.prepare("UPDATE runs SET reported_at=? WHERE id=?").bind(1, now_iso_utc()).bind(2, audit_run).run();
}

std::vector<RunInfo> Store::runs() {
  auto st = db_.prepare(std::string(kRunCols) + "ORDER BY id");
  std::vector<RunInfo> out;
  while (st.step()) out.push_back(read_run(st));
  return out;
}

void Store::add_sites(std::int64_t run, const std::vector<Site>& sites) {
  sqlite::Transaction tx(db_);
  auto st = db_.prepare(
      "INSERT OR IGNORE INTO sites (run_id, site_id, name, homepage, level, hosts, site_code, unit) VALUES (?,?,?,?,?,?,?,?)");
  for (auto& s : sites) {
    st.bind(1, run).bind(2, s.id).bind(3, s.name).bind(4, s.homepage).bind(5, s.level)
        .bind(6, json(s.hosts).dump()).bind(7, s.site_code).bind(8, s.unit);
    st.run();
  }
  tx.commit();
}

void Store::set_site_status(std::int64_t run, const std::string& site_id, const std::string& status,
                            const std::string& error, const std::vector<std::string>& limits) {
  db_.prepare("UPDATE sites SET status=?, error=?, limits=? WHERE run_id=? AND site_id=?")
      .bind(1, status).bind(2, error).bind(3, json(limits).dump()).bind(4, run).bind(5, site_id).run();
}

std::vector<Site> Store::sites(std::int64_t run) {
  auto st = db_.prepare("SELECT site_id, name, homepage, level, hosts, site_code, unit FROM sites WHERE run_id=? ORDER BY rowid");
  st.bind(1, run);
  std::vector<Site> out;
  while (st.step()) {
    Site s;
    s.id = st.text(0);
    s.name = st.text(1);
    s.homepage = st.text(2);
    s.level = st.text(3);
    s.hosts = json::parse(st.text(4)).get<std::vector<std::string>>();
    s.site_code = st.text(5);
    s.unit = st.text(6);
    out.push_back(std::move(s));
  }
  return out;
}

namespace {

// The pages of a run, in the order page_row reads them. `text`: the column expression for the page
// text (text_z, NULL, or a CASE choosing pages), `text_z` for the text kept compressed; `where`
// binds the run first.
std::string page_select(const char* text, const std::string& where = " WHERE run_id=?", const char* text_z = "NULL") {
  return std::string(
             "SELECT site_id, url, final_url, status, error_kind, error, kind, depth, content_type, charset, "
             "charset_source, bytes, elapsed_ms, fetched_at, title, meta, published, published_src, digest, "
             "duplicate_of, redirects, ") +
         text + ", warc, " + text_z + ", id, column_name, document_date FROM pages" + where;
}

// Rows a query will give: to reserve vectors of hundreds of thousands of records once.
size_t count_rows(sqlite::Connection& db, const std::string& table, const std::string& where, std::int64_t run,
                  const std::string* site) {
  auto st = db.prepare("SELECT count(*) FROM " + table + where);
  st.bind(1, run);
  if (site) st.bind(2, *site);
  return st.step() ? size_t(st.integer(0)) : 0;
}

PageRecord page_row(const sqlite::Statement& st) {
  PageRecord p;
  p.site_id = st.text(0);
  p.url = st.text(1);
  p.final_url = st.text(2);
  p.status = int(st.integer(3));
  p.error_kind = st.text(4);
  p.error = st.text(5);
  p.kind = st.text(6);
  p.depth = int(st.integer(7));
  p.content_type = st.text(8);
  p.charset = st.text(9);
  p.charset_source = st.text(10);
  p.bytes = st.integer(11);
  p.elapsed_ms = int(st.integer(12));
  p.fetched_at = st.text(13);
  p.title = st.text(14);
  p.meta = json::parse(st.text(15)).get<std::map<std::string, std::string>>();
  if (!st.is_null(16)) p.published = Date::parse_iso(st.text(16));
  p.published_source = st.text(17);
  p.digest = st.text(18);
  p.duplicate_of = st.text(19);
  for (auto& r : json::parse(st.text(20))) p.redirects.push_back({r.at("url"), r.at("status")});
  if (!st.is_null(21)) p.text = decompress_text(st.blob(21));
  if (!st.is_null(23)) p.text_z = st.blob(23);
  p.warc = st.text(22);
  p.column = st.text(25);
  if (!st.is_null(26)) p.document_date = Date::parse_iso(st.text(26));
  return p;
}

// Rows of page_select come in the order of the (run_id, site_id, url) index: ORDER BY id sorted
// them, text and all, in a temporary B-tree (half the audit's reading time). Crawl order is
// restored here from the ids (column 24).
class CrawlOrder {
 public:
  void add(std::vector<PageRecord>& into, const sqlite::Statement& st) {
    rows_.push_back({st.integer(24), &into, into.size()});
    into.push_back(page_row(st));
  }
  void apply() {
    std::map<std::vector<PageRecord>*, std::vector<std::pair<std::int64_t, size_t>>> by_vector;
    for (auto& r : rows_) by_vector[r.into].emplace_back(r.id, r.at);
    for (auto& [v, order] : by_vector) {  // in place, cycle by cycle: no second copy of the pages
      std::sort(order.begin(), order.end());
      auto& pages = *v;
      std::vector<bool> placed(pages.size());
      for (size_t i = 0; i < order.size(); ++i) {
        if (placed[i] || order[i].second == i) continue;
        PageRecord held = std::move(pages[i]);
        size_t j = i;
        while (order[j].second != i) {
          pages[j] = std::move(pages[order[j].second]);
          placed[j] = true;
          j = order[j].second;
        }
        pages[j] = std::move(held);
        placed[j] = true;
      }
    }
  }

 private:
  struct Row {
    std::int64_t id;
    std::vector<PageRecord>* into;
    size_t at;
  };
  std::vector<Row> rows_;
};

}  // namespace

std::vector<DnsRecord> Store::dns(std::int64_t crawl_run) {
  std::vector<DnsRecord> dns;
  auto st = db_.prepare("SELECT host, type, answers, error, elapsed_ms FROM dns WHERE run_id=? ORDER BY host, type");
  st.bind(1, crawl_run);
  while (st.step())
    dns.push_back({st.text(0), st.text(1), json::parse(st.text(2)).get<std::vector<std::string>>(), st.text(3),
                   int(st.integer(4))});
  return dns;
}

std::vector<SiteView> Store::load_views(std::int64_t crawl_run, const std::string* only, const std::vector<DnsRecord>& dns,
                                       ViewParts parts) {
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
  // Items, and for the audit view the link targets of more than kBoilerplateLinks rows, are read on
  // a second connection while the pages are read on this one: each takes about as long.
  std::map<std::string, std::unordered_set<std::string>> frequent;
  auto side = std::async(std::launch::async, [&] {
    if (parts == ViewParts::Pages) return;
    sqlite::Connection db(db_.path(), false);
    {
      auto st = db.prepare("SELECT site_id, list_url, url, title, date FROM items" + where + " ORDER BY rowid");
      bind(st);
      while (st.step())
        if (SiteView* v = view(st.text(0))) {
          ItemRecord it{st.text(0), st.text(1), st.text(2), st.text(3), std::nullopt};
          if (!st.is_null(4)) it.date = Date::parse_iso(st.text(4));
          v->items.push_back(std::move(it));
        }
    }
    if (parts == ViewParts::Audit) {
      auto st = db.prepare("SELECT site_id, to_url FROM links" + where + " GROUP BY site_id, to_url HAVING count(*) > " +
                           std::to_string(kBoilerplateLinks));
      bind(st);
      while (st.step()) frequent[st.text(0)].insert(st.text(1));
    }
  });
  {
    if (only) views[0].pages.reserve(count_rows(db_, "pages", where, crawl_run, only));
    auto st = db_.prepare(parts == ViewParts::All     ? page_select("text_z", where)
                          : parts == ViewParts::Pages ? page_select("CASE WHEN kind='home' THEN text_z END", where)
                                                      : page_select("CASE WHEN kind!='article' THEN text_z END", where,
                                                                    "CASE WHEN kind='article' THEN text_z END"));
    bind(st);
    CrawlOrder order;
    while (st.step())
      if (SiteView* v = view(st.text(0))) order.add(v->pages, st);
    order.apply();
  }
  side.get();
  if (parts == ViewParts::All) {
    if (only) views[0].links.reserve(count_rows(db_, "links", where, crawl_run, only));
    auto st = db_.prepare("SELECT site_id, from_url, to_url, tag, text FROM links" + where + " ORDER BY rowid");
    bind(st);
    while (st.step())
      if (SiteView* v = view(st.text(0)))
        v->links.push_back({st.text(0), st.text(1), st.text(2), st.text(3), st.text(4)});
  } else if (parts == ViewParts::Audit) {
    std::map<std::string, std::unordered_map<std::string_view, const PageRecord*>> pages;
    for (auto& v : views)
      for (auto& p : v.pages) pages[v.site.id].emplace(p.url, &p);
    std::vector<std::pair<std::string_view, std::string_view>> listed;  // list URL, item URL
    for (auto& v : views)
      for (auto& i : v.items) listed.emplace_back(i.list_url, i.url);
    std::sort(listed.begin(), listed.end());
    std::unordered_set<std::string> once;  // site, target, tag and text of a compacted link
    auto st = db_.prepare("SELECT site_id, from_url, to_url, tag, text FROM links" + where + " ORDER BY rowid");
    bind(st);
    while (st.step()) {
      SiteView* v = view(st.text(0));
      if (!v) continue;
      auto& by_url = pages[v->site.id];
      auto find = [&](std::string_view u) -> const PageRecord* {
        auto it = by_url.find(u);
        return it == by_url.end() ? nullptr : it->second;
      };
      const PageRecord* from = find(st.text_view(1));
      std::string_view to_url = st.text_view(2);
      const PageRecord* to = find(to_url);
      bool unclean = to && (to->status < 200 || to->status >= 300 || !to->error_kind.empty() || to->final_url != to->url);
      // A list's link to one of its own items: the item record holds it (its title, its date).
      if (from && from->kind == "list" && !unclean && st.text_view(3) == "a" &&
          std::binary_search(listed.begin(), listed.end(), std::pair(st.text_view(1), to_url)))
        continue;
      if (from && from->kind == "article" && frequent[v->site.id].count(std::string(to_url))) {
        bool specific = unclean || (to && (to->kind == "article" || to->kind == "attachment"));
        if (!specific) {
          std::string key = v->site.id;
          for (int c : {2, 3, 4}) (key += '\0') += st.text_view(c);
          if (!once.insert(std::move(key)).second) continue;
        }
      }
      v->links.push_back({st.text(0), st.text(1), st.text(2), st.text(3), st.text(4)});
    }
  }
  {
    auto st = db_.prepare("SELECT site_id, url, family, purpose, attempt, status, error, elapsed_ms, digest, text_z FROM probes" +
                          where + " ORDER BY rowid");
    bind(st);
    while (st.step())
      if (SiteView* v = view(st.text(0)))
        v->probes.push_back({st.text(0), st.text(1), int(st.integer(2)), st.text(3), int(st.integer(4)),
                             int(st.integer(5)), st.text(6), int(st.integer(7)), st.text(8), decompress_text(st.blob(9))});
  }
  return views;
}

std::vector<SiteView> Store::load_site_views(std::int64_t crawl_run) {
  return load_views(crawl_run, nullptr, dns(crawl_run), ViewParts::All);
}

void Store::for_each_site_view(std::int64_t crawl_run, const std::function<void(SiteView&)>& fn, ViewParts parts) {
  auto answers = dns(crawl_run);
  std::vector<std::string> ids;
  auto st = db_.prepare("SELECT site_id FROM sites WHERE run_id=? ORDER BY rowid");
  st.bind(1, crawl_run);
  while (st.step()) ids.push_back(st.text(0));
  for (auto& id : ids)
    for (auto& v : load_views(crawl_run, &id, answers, parts)) fn(v);
}

void Store::save_findings(std::int64_t audit_run, const std::vector<Finding>& findings) {
  sqlite::Transaction tx(db_);
  auto st = db_.prepare(
      "INSERT OR REPLACE INTO findings (run_id, site_id, rule, subject, url, detail, severity) VALUES (?,?,?,?,?,?,?)");
  for (auto& f : findings) {
    st.bind(1, audit_run).bind(2, f.site_id).bind(3, f.rule).bind(4, f.subject).bind(5, f.url).bind(6, f.detail_json)
        .bind(7, f.severity);
    st.run();
  }
  tx.commit();
}

std::vector<Finding> Store::findings(std::int64_t audit_run) {
  auto st = db_.prepare(
      "SELECT site_id, rule, subject, url, detail, severity FROM findings WHERE run_id=? ORDER BY rowid");
  st.bind(1, audit_run);
  std::vector<Finding> out;
  while (st.step()) {
    out.emplace_back(st.text(0), st.text(1), st.text(2), st.text(3), st.text(4));
    out.back().severity = st.text(5);
  }
  return out;
}

std::vector<PageRecord> Store::recent_external_checks(const std::string& since) {
  auto st = db_.prepare(
      "SELECT p.url, p.final_url, p.status, p.content_type, p.redirects, MAX(p.fetched_at) FROM pages p "
      "JOIN runs r ON r.id = p.run_id AND r.status = 'done' "
      "WHERE p.kind = 'external' AND p.error_kind = '' AND p.status BETWEEN 200 AND 399 AND p.fetched_at >= ? "
      "GROUP BY p.url");
  st.bind(1, since);
  std::vector<PageRecord> out;
  while (st.step()) {
    PageRecord p;
    p.url = st.text(0);
    p.final_url = st.text(1);
    p.status = int(st.integer(2));
    p.content_type = st.text(3);
    for (auto& r : json::parse(st.text(4))) p.redirects.push_back({r.at("url"), r.at("status")});
    p.fetched_at = st.text(5);
    p.kind = "external";
    out.push_back(std::move(p));
  }
  return out;
}

std::optional<RunInfo> Store::unfinished_crawl() {
  auto st = db_.prepare("SELECT id FROM runs WHERE kind='crawl' AND status='running' ORDER BY id DESC LIMIT 1");
  if (!st.step()) return std::nullopt;
  return run(st.integer(0));
}

CrawlState Store::crawl_state(std::int64_t crawl_run) {
  CrawlState s;
  {
    auto st = db_.prepare("SELECT site_id, url, mode, depth, head, family, purpose, attempt FROM frontier WHERE run_id=? ORDER BY rowid");
    st.bind(1, crawl_run);
    while (st.step())
      s.frontier.push_back({st.text(0), st.text(1), st.text(2), int(st.integer(3)), st.integer(4) != 0,
                            int(st.integer(5)), st.text(6), int(st.integer(7))});
  }
  {
    auto st = db_.prepare(page_select("NULL"));  // without the text: a resume does not need it
    st.bind(1, crawl_run);
    CrawlOrder order;
    while (st.step()) order.add(s.pages, st);
    order.apply();
  }
  {
    auto st = db_.prepare("SELECT site_id, url, family, purpose, attempt FROM probes WHERE run_id=?");
    st.bind(1, crawl_run);
    while (st.step()) {
      ProbeRecord p;
      p.site_id = st.text(0);
      p.url = st.text(1);
      p.family = int(st.integer(2));
      p.purpose = st.text(3);
      p.attempt = int(st.integer(4));
      s.probes.push_back(std::move(p));
    }
  }
  {
    auto st = db_.prepare("SELECT host, type FROM dns WHERE run_id=?");
    st.bind(1, crawl_run);
    while (st.step()) s.dns.push_back({st.text(0), st.text(1), {}, "", 0});
  }
  {
    auto st = db_.prepare("SELECT site_id, what FROM crawl_limits WHERE run_id=? ORDER BY rowid");
    st.bind(1, crawl_run);
    while (st.step()) s.limits.push_back({st.text(0), st.text(1)});
  }
  return s;
}

void Store::add_availability(const std::vector<AvailabilityRecord>& records) {
  sqlite::Transaction tx(db_);
  auto st = db_.prepare("INSERT INTO availability (site_id, homepage, at, ok, status, error, elapsed_ms) VALUES (?,?,?,?,?,?,?)");
  for (auto& r : records) {
    st.bind(1, r.site_id).bind(2, r.homepage).bind(3, r.at).bind(4, int(r.ok)).bind(5, r.status).bind(6, r.error)
        .bind(7, r.elapsed_ms);
    st.run();
  }
  tx.commit();
}

std::pair<int, int> Store::availability(const std::string& site_id, const std::string& since, const std::string& until) {
  auto st = db_.prepare("SELECT COUNT(*), COALESCE(SUM(1 - ok), 0) FROM availability WHERE site_id=? AND at>=? AND at<?");
  st.bind(1, site_id).bind(2, since).bind(3, until);
  st.step();
  return {int(st.integer(0)), int(st.integer(1))};
}

// ---------------------------------------------------------------- Writer

Writer::Writer(const std::string& db_path, std::int64_t run, WarcOptions warc)
    : path_(db_path), run_(run), warc_options_(std::move(warc)) {
  thread_ = std::thread([this] { loop(); });
}

Writer::~Writer() {
  {
    std::lock_guard lk(mu_);
    stop_ = true;
  }
  cv_.notify_all();
  thread_.join();
}

void Writer::push(Record r) {
  bool full;
  {
    std::lock_guard lk(mu_);
    queue_.push_back(std::move(r));
    full = queue_.size() == kBatch;
  }
  if (full) cv_.notify_one();  // otherwise the writer looks on its own within kLinger
}

size_t Writer::pending() {
  std::lock_guard lk(mu_);
  return queue_.size() + (busy_ ? batch_size_ : 0);
}

void Writer::flush() {
  std::unique_lock lk(mu_);
  ++flushing_;
  cv_.notify_one();
  idle_cv_.wait(lk, [&] { return (queue_.empty() && !busy_) || !error_.empty(); });
  --flushing_;
  if (!error_.empty()) throw sqlite::StorageError(error_);
}

void Writer::loop() {
  background_thread();
  std::optional<sqlite::Connection> conn;
  try {
    conn.emplace(path_, false);
    conn->exec("PRAGMA cache_size=-8192");
    if (!warc_options_.dir.empty())
      warc_ = std::make_unique<WarcWriter>(warc_options_.dir, "govaudit-run" + std::to_string(run_),
                                           warc_options_.rotate_bytes, warc_options_.gzip_level);
  } catch (const std::exception& e) {
    std::lock_guard lk(mu_);
    error_ = e.what();
    idle_cv_.notify_all();
    return;
  }
  for (;;) {
    std::vector<Record> batch;
    {
      std::unique_lock lk(mu_);
      // Commit a full batch, or what came within kLinger: each commit rewrites the B-tree pages it
      // touched, so one per record cost more than the inserts; a kill loses at most kLinger of work.
      cv_.wait_for(lk, kLinger, [&] { return stop_ || flushing_ || queue_.size() >= kBatch; });
      if (queue_.empty()) {
        idle_cv_.notify_all();
        if (stop_) return;
        continue;
      }
      while (!queue_.empty() && batch.size() < 4 * kBatch) {
        batch.push_back(std::move(queue_.front()));
        queue_.pop_front();
      }
      busy_ = true;
      batch_size_ = batch.size();
    }
    try {
      write(*conn, batch);
    } catch (const std::exception& e) {
      std::lock_guard lk(mu_);
      error_ = e.what();
    }
    {
      std::lock_guard lk(mu_);
      busy_ = false;
    }
    idle_cv_.notify_all();
  }
}

void Writer::write(sqlite::Connection& c, std::vector<Record>& batch) {
  sqlite::Transaction tx(c);
  auto page = c.prepare(
      "INSERT OR REPLACE INTO pages (run_id, site_id, url, final_url, status, error_kind, error, kind, depth, content_type, "
      "charset, charset_source, bytes, elapsed_ms, fetched_at, title, meta, published, published_src, digest, duplicate_of, "
      "redirects, text_z, warc, column_name, document_date) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)");
  auto link = c.prepare("INSERT INTO links (run_id, site_id, from_url, to_url, tag, text) VALUES (?,?,?,?,?,?)");
  auto item = c.prepare("INSERT INTO items (run_id, site_id, list_url, url, title, date) VALUES (?,?,?,?,?,?)");
  auto dns = c.prepare("INSERT OR REPLACE INTO dns (run_id, host, type, answers, error, elapsed_ms) VALUES (?,?,?,?,?,?)");
  auto probe = c.prepare(
      "INSERT INTO probes (run_id, site_id, url, family, purpose, attempt, status, error, elapsed_ms, digest, text_z) "
      "VALUES (?,?,?,?,?,?,?,?,?,?,?)");
  auto frontier = c.prepare(
      "INSERT INTO frontier (run_id, site_id, url, mode, depth, head, family, purpose, attempt) VALUES (?,?,?,?,?,?,?,?,?)");
  auto limit = c.prepare("INSERT OR IGNORE INTO crawl_limits (run_id, site_id, what) VALUES (?,?,?)");
  for (auto& rec : batch) {
    if (auto* p = std::get_if<PageRecord>(&rec)) {
      if (p->exchange && warc_) p->warc = warc_->write(*p->exchange);
      if (p->kind == "external" || p->kind == "attachment") {  // one check answers every site linking the URL
        if (!p->warc.empty()) check_warc_.emplace(p->url, p->warc);
        else if (auto it = check_warc_.find(p->url); it != check_warc_.end()) p->warc = it->second;
      }
      json redirects = json::array();
      for (auto& r : p->redirects) redirects.push_back({{"url", r.url}, {"status", r.status}});
      page.bind(1, run_).bind(2, p->site_id).bind(3, p->url).bind(4, p->final_url).bind(5, p->status)
          .bind(6, p->error_kind).bind(7, p->error).bind(8, p->kind).bind(9, p->depth).bind(10, p->content_type)
          .bind(11, p->charset).bind(12, p->charset_source).bind(13, p->bytes).bind(14, p->elapsed_ms)
          .bind(15, p->fetched_at).bind(16, p->title).bind(17, json(p->meta).dump(-1, ' ', false, json::error_handler_t::replace));
      if (p->published) page.bind(18, p->published->iso()); else page.bind_null(18);
      page.bind(19, p->published_source).bind(20, p->digest).bind(21, p->duplicate_of)
          .bind(22, redirects.dump(-1, ' ', false, json::error_handler_t::replace)).bind_blob(23, p->text_z.empty() ? compress_text(p->text) : p->text_z)
          .bind(24, p->warc).bind(25, p->column);
      if (p->document_date) page.bind(26, p->document_date->iso()); else page.bind_null(26);
      page.run();
    } else if (auto* ls = std::get_if<std::vector<LinkRecord>>(&rec)) {
      for (auto& l : *ls) {
        link.bind(1, run_).bind_kept(2, l.site_id).bind_kept(3, l.from_url).bind_kept(4, l.to_url).bind_kept(5, l.tag)
            .bind_kept(6, l.text);
        link.run();
      }
    } else if (auto* is = std::get_if<std::vector<ItemRecord>>(&rec)) {
      for (auto& i : *is) {
        item.bind(1, run_).bind_kept(2, i.site_id).bind_kept(3, i.list_url).bind_kept(4, i.url).bind_kept(5, i.title);
        if (i.date) item.bind(6, i.date->iso()); else item.bind_null(6);
        item.run();
      }
    } else if (auto* d = std::get_if<DnsRecord>(&rec)) {
      dns.bind(1, run_).bind(2, d->host).bind(3, d->type).bind(4, json(d->answers).dump()).bind(5, d->error)
          .bind(6, d->elapsed_ms);
      dns.run();
    } else if (auto* pr = std::get_if<ProbeRecord>(&rec)) {
      probe.bind(1, run_).bind(2, pr->site_id).bind(3, pr->url).bind(4, pr->family).bind(5, pr->purpose)
          .bind(6, pr->attempt).bind(7, pr->status).bind(8, pr->error).bind(9, pr->elapsed_ms).bind(10, pr->digest)
          .bind_blob(11, compress_text(pr->text));
      probe.run();
    } else if (auto* fs = std::get_if<std::vector<FrontierRecord>>(&rec)) {
      for (auto& f : *fs) {
        frontier.bind(1, run_).bind_kept(2, f.site_id).bind_kept(3, f.url).bind(4, f.mode).bind(5, f.depth).bind(6, int(f.head))
            .bind(7, f.family).bind(8, f.purpose).bind(9, f.attempt);
        frontier.run();
      }
    } else if (auto* l = std::get_if<LimitRecord>(&rec)) {
      limit.bind(1, run_).bind(2, l->site_id).bind(3, l->what);
      limit.run();
    } else if (auto* e = std::get_if<std::shared_ptr<const Exchange>>(&rec)) {
      if (*e && warc_) warc_->write(**e);
    }
  }
  if (warc_) warc_->flush();  // the evidence is in the file before the pages citing it commit
  tx.commit();
}

}  // namespace govaudit
