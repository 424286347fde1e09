// Runs (crawl and audit) and the sites of each crawl run.
#include "storage/store.hpp"

#include <nlohmann/json.hpp>

#include "model/clock.hpp"

namespace govaudit {

using nlohmann::json;

std::int64_t Store::begin_run(RunKind kind, const Date& today, std::optional<std::int64_t> crawl_run,
                              const std::string& options_json) {
  auto st = db_.prepare("INSERT INTO runs (kind, crawl_run, started_at, today, options) VALUES (?,?,?,?,?)");
  st.bind(1, name(kind));
  if (crawl_run) st.bind(2, *crawl_run); else st.bind_null(2);
  st.bind(3, now_iso_utc()).bind(4, today.iso()).bind(5, options_json);
  st.run();
  return db_.last_insert_id();
}

void Store::finish_run(std::int64_t run, RunStatus status) {
  db_.prepare("UPDATE runs SET status=?, finished_at=? WHERE id=?").bind(1, name(status)).bind(2, now_iso_utc()).bind(3, run).run();
}

namespace {
RunInfo read_run(sqlite::Statement& st) {
  RunInfo r;
  r.id = st.integer(0);
  r.kind = run_kind_from(st.text(1));
  if (!st.is_null(2)) r.crawl_run = st.integer(2);
  r.started_at = st.text(3);
  r.finished_at = st.text(4);
  r.today = st.text(5);
  r.status = run_status_from(st.text(6));
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

std::optional<RunInfo> Store::latest_run(RunKind kind, bool finished_only) {
  auto st = db_.prepare(std::string(kRunCols) + "WHERE kind=? " + (finished_only ? "AND status='done' " : "") +
                        "ORDER BY id DESC LIMIT 1");
  st.bind(1, name(kind));
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
std::map<std::string, SiteSummaryRow> Store::site_summaries(std::int64_t crawl_run, bool count_pages) {
  auto st = db_.prepare(count_pages ? "SELECT s.site_id, s.status, s.error, s.limits, total(p.charset<>''), total(p.charset='') "
                                      "FROM sites s LEFT JOIN pages p ON p.run_id=s.run_id AND p.site_id=s.site_id "
                                      "WHERE s.run_id=? GROUP BY s.rowid"  // one pass over the pages
                                    : "SELECT site_id, status, error, limits, 0, 0 FROM sites WHERE run_id=?");
  st.bind(1, crawl_run);
  std::map<std::string, SiteSummaryRow> out;
  while (st.step()) {
    SiteSummaryRow& r = out[st.text(0)];
    r.status = st.text(1);
    r.error = st.text(2);
    r.limits = json::parse(st.text(3)).get<std::vector<std::string>>();
    r.pages = int(st.integer(4));
    r.checked = int(st.integer(5));
  }
  return out;
}

std::optional<RunInfo> Store::unfinished_crawl() {
  auto st = db_.prepare("SELECT id FROM runs WHERE kind='crawl' AND status='running' ORDER BY id DESC LIMIT 1");
  if (!st.step()) return std::nullopt;
  return run(st.integer(0));
}

}  // namespace govaudit
