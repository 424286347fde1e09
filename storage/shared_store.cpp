#include "storage/shared_store.hpp"

#include <filesystem>
#include <nlohmann/json.hpp>
#include <system_error>

#include "config/embedded.hpp"

namespace govaudit::pg_schema {
std::span<const EmbeddedFile> files();
}

namespace govaudit {

using nlohmann::json;
namespace fs = std::filesystem;

std::string sites_json(const std::vector<Site>& sites) {
  json a = json::array();
  for (auto& s : sites)
    a.push_back({{"id", s.id}, {"name", s.name}, {"homepage", s.homepage}, {"level", s.level}, {"hosts", s.hosts},
                 {"site_code", s.site_code}, {"unit", s.unit}});
  return a.dump();
}

std::vector<Site> sites_from_json(const std::string& text) {
  std::vector<Site> out;
  for (auto& j : json::parse(text))
    out.push_back(Site{j.at("id"), j.at("name"), j.at("homepage"), j.at("level"), j.at("hosts").get<std::vector<std::string>>(),
                       j.at("site_code"), j.at("unit")});
  return out;
}

SharedStore::SharedStore(const std::string& uri) : db_(uri) { migrate(); }

void SharedStore::migrate() {
  // One migrating process at a time (workers start together): a transaction-scoped advisory lock.
  pg::Transaction tx(db_);
  db_.exec("SELECT pg_advisory_xact_lock(7310)");
  db_.exec("CREATE TABLE IF NOT EXISTS govaudit_schema (version INT NOT NULL)");
  auto r = db_.exec("SELECT coalesce(max(version), 0) FROM govaudit_schema");
  int v = int(r.integer(0, 0));
  if (v > kSchemaVersion)
    throw pg::Error(db_.uri() + ": shared schema version " + std::to_string(v) + " is newer than this govaudit understands", false);
  auto files = pg_schema::files();
  for (int next = v + 1; next <= kSchemaVersion; ++next) {
    db_.exec_script(std::string(files[size_t(next - 1)].data));
    db_.exec("INSERT INTO govaudit_schema VALUES ($1)", {std::to_string(next)});
  }
  tx.commit();
}

std::int64_t SharedStore::create_run(const std::string& today, const std::string& options, const std::string& config,
                                     const std::vector<std::pair<std::string, std::vector<Site>>>& units) {
  return add_run("crawl", std::nullopt, today, options, config, units);
}

std::int64_t SharedStore::create_audit_run(std::int64_t parent, const std::string& today, const std::string& config,
                                           const std::vector<std::pair<std::string, std::vector<Site>>>& units) {
  return add_run("audit", parent, today, "{}", config, units);
}

// A run, its findings' partition and its units; a unit's key is its server (crawl) or the database it judges (audit).
std::int64_t SharedStore::add_run(const std::string& kind, std::optional<std::int64_t> parent, const std::string& today,
                                  const std::string& options, const std::string& config,
                                  const std::vector<std::pair<std::string, std::vector<Site>>>& units) {
  pg::Transaction tx(db_);
  auto id = db_.exec("INSERT INTO shared_runs (today, options, config, kind, parent) VALUES ($1, $2, $3, $4, $5) RETURNING id",
                     {today, options, config, kind, parent ? pg::Param(std::to_string(*parent)) : std::nullopt})
                .integer(0, 0);
  std::string sid = std::to_string(id);
  db_.exec("CREATE TABLE shared_findings_r" + sid + " PARTITION OF shared_findings FOR VALUES IN (" + sid + ")");
  int n = 0;
  bool audit = kind == "audit";
  for (auto& [key, sites] : units)
    db_.exec("INSERT INTO units (run_id, unit_id, server, sites, source) VALUES ($1, $2, $3, $4, $5)",
             {sid, std::to_string(++n), audit ? "database" : key, sites_json(sites), audit ? key : ""});
  tx.commit();
  return id;
}

namespace {
SharedRun run_row(const pg::Result& r, int i) {
  return {r.integer(i, 0), r.text(i, 1), r.text(i, 2), r.text(i, 3), r.text(i, 4), r.text(i, 5), r.text(i, 6),
          r.null(i, 7) ? 0 : r.integer(i, 7)};
}
constexpr const char* kRunColumns = "id, today, options, config, status, created_at::text, kind, parent";
}  // namespace

std::vector<SharedRun> SharedStore::runs() {
  auto r = db_.exec(std::string("SELECT ") + kRunColumns + " FROM shared_runs ORDER BY id");
  std::vector<SharedRun> out;
  for (int i = 0; i < r.rows(); ++i) out.push_back(run_row(r, i));
  return out;
}

std::optional<SharedRun> SharedStore::run(std::int64_t id) {
  auto r = db_.exec(std::string("SELECT ") + kRunColumns + " FROM shared_runs WHERE id=$1", {std::to_string(id)});
  if (r.rows() == 0) return std::nullopt;
  return run_row(r, 0);
}

std::vector<WorkUnit> SharedStore::units(std::int64_t run) {
  auto r = db_.exec(
      "SELECT unit_id, server, sites, state, generation, attempts, last_error, source FROM units WHERE run_id=$1 ORDER BY unit_id",
      {std::to_string(run)});
  std::vector<WorkUnit> out;
  for (int i = 0; i < r.rows(); ++i)
    out.push_back({run, int(r.integer(i, 0)), r.text(i, 1), sites_from_json(r.text(i, 2)), r.text(i, 3), r.integer(i, 4),
                   int(r.integer(i, 5)), r.text(i, 6), r.text(i, 7)});
  return out;
}

std::optional<Lease> SharedStore::claim(const std::string& owner, std::chrono::seconds ttl, int max_attempts) {
  std::string max = std::to_string(max_attempts);
  // Units whose last lease expired after their last attempt allowed: failed, not retried.
  auto failed = db_.exec(
      "UPDATE units SET state='failed', owner=NULL, lease_until=NULL, "
      "last_error=CASE WHEN last_error='' THEN 'the worker stopped answering (lease expired)' ELSE last_error END "
      "WHERE attempts >= $1 AND (state='pending' OR (state='leased' AND lease_until < now())) RETURNING run_id",
      {max});
  for (int i = 0; i < failed.rows(); ++i) finish_run_if_complete(failed.integer(i, 0));
  auto r = db_.exec(
      "UPDATE units u SET state='leased', generation=u.generation+1, owner=$1, lease_until=now() + make_interval(secs => $2), "
      "attempts=u.attempts+1 FROM (SELECT run_id, unit_id FROM units WHERE (state='pending' OR (state='leased' AND lease_until < now())) "
      "AND attempts < $3 ORDER BY run_id, unit_id FOR UPDATE SKIP LOCKED LIMIT 1) c "
      "WHERE u.run_id=c.run_id AND u.unit_id=c.unit_id RETURNING u.run_id, u.unit_id, u.generation, u.attempts, u.sites, u.source",
      {owner, std::to_string(ttl.count()), max});
  if (r.rows() == 0) return std::nullopt;
  return Lease{r.integer(0, 0), int(r.integer(0, 1)), r.integer(0, 2), int(r.integer(0, 3)), sites_from_json(r.text(0, 4)), r.text(0, 5)};
}

bool SharedStore::renew(const Lease& l, std::chrono::seconds ttl) {
  return db_.exec("UPDATE units SET lease_until=now() + make_interval(secs => $4) WHERE run_id=$1 AND unit_id=$2 AND generation=$3 "
                  "AND state='leased'",
                  {std::to_string(l.run), std::to_string(l.unit), std::to_string(l.generation), std::to_string(ttl.count())})
             .affected() == 1;
}

bool SharedStore::publish(const Lease& l, const Publication& p) {
  std::string run = std::to_string(l.run), unit = std::to_string(l.unit);
  pg::Transaction tx(db_);
  auto cur = db_.exec("SELECT generation, state FROM units WHERE run_id=$1 AND unit_id=$2 FOR UPDATE", {run, unit});
  if (cur.rows() == 0 || cur.integer(0, 0) != l.generation || cur.text(0, 1) != "leased") return false;  // fenced off
  int seq = 0;
  for (auto& f : p.findings)
    db_.exec("INSERT INTO shared_findings (run_id, unit_id, seq, site_id, rule, subject, url, detail, severity) "
             "VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9)",
             {run, unit, std::to_string(++seq), f.site_id, f.rule, f.subject, f.url, f.detail_json, std::string(name(f.severity))});
  for (auto& s : p.sites)
    db_.exec("INSERT INTO site_results (run_id, unit_id, site_id, status, error, pages, checked) VALUES ($1,$2,$3,$4,$5,$6,$7)",
             {run, unit, s.site_id, s.status, s.error, std::to_string(s.pages), std::to_string(s.checked)});
  for (auto& a : p.artifacts)
    db_.exec("INSERT INTO artifacts (run_id, unit_id, key, kind, bytes) VALUES ($1,$2,$3,$4,$5)",
             {run, unit, a.key, a.kind, std::to_string(a.bytes)});
  db_.exec("UPDATE units SET state='done', owner=NULL, lease_until=NULL, published_at=now(), last_error='' WHERE run_id=$1 AND unit_id=$2",
           {run, unit});
  finish_run_if_complete(l.run);
  tx.commit();
  return true;
}

void SharedStore::fail(const Lease& l, const std::string& error, int max_attempts) {
  db_.exec("UPDATE units SET state=CASE WHEN attempts >= $5 THEN 'failed' ELSE 'pending' END, owner=NULL, lease_until=NULL, "
           "last_error=$4 WHERE run_id=$1 AND unit_id=$2 AND generation=$3 AND state='leased'",
           {std::to_string(l.run), std::to_string(l.unit), std::to_string(l.generation), error, std::to_string(max_attempts)});
  finish_run_if_complete(l.run);
}

void SharedStore::release(const Lease& l) {
  db_.exec("UPDATE units SET state='pending', owner=NULL, lease_until=NULL, attempts=attempts-1 "
           "WHERE run_id=$1 AND unit_id=$2 AND generation=$3 AND state='leased'",
           {std::to_string(l.run), std::to_string(l.unit), std::to_string(l.generation)});
}

int SharedStore::open_units() {
  return int(db_.exec("SELECT count(*) FROM units WHERE state IN ('pending', 'leased')").integer(0, 0));
}

void SharedStore::finish_run_if_complete(std::int64_t run) {
  db_.exec("UPDATE shared_runs SET status='done' WHERE id=$1 AND status='running' AND NOT EXISTS "
           "(SELECT 1 FROM units WHERE run_id=$1 AND state IN ('pending', 'leased'))",
           {std::to_string(run)});
}

std::vector<Finding> SharedStore::findings(std::int64_t run) {
  auto r = db_.exec("SELECT site_id, rule, subject, url, detail, severity FROM shared_findings WHERE run_id=$1 ORDER BY unit_id, seq",
                    {std::to_string(run)});
  std::vector<Finding> out;
  for (int i = 0; i < r.rows(); ++i) {
    out.emplace_back(r.text(i, 0), r.text(i, 1), r.text(i, 2), r.text(i, 3), r.text(i, 4));
    out.back().severity = severity_from(r.text(i, 5));
  }
  return out;
}

std::vector<SiteResult> SharedStore::site_results(std::int64_t run) {
  auto r = db_.exec("SELECT site_id, status, error, pages, checked FROM site_results WHERE run_id=$1 ORDER BY unit_id, site_id",
                    {std::to_string(run)});
  std::vector<SiteResult> out;
  for (int i = 0; i < r.rows(); ++i) out.push_back({r.text(i, 0), r.text(i, 1), r.text(i, 2), int(r.integer(i, 3)), int(r.integer(i, 4))});
  return out;
}

std::vector<Artifact> SharedStore::artifacts(std::int64_t run, int unit) {
  auto r = db_.exec("SELECT key, kind, bytes FROM artifacts WHERE run_id=$1 AND unit_id=$2 ORDER BY key", {std::to_string(run), std::to_string(unit)});
  std::vector<Artifact> out;
  for (int i = 0; i < r.rows(); ++i) out.push_back({r.text(i, 0), r.text(i, 1), r.integer(i, 2)});
  return out;
}

DirectoryArtifacts::DirectoryArtifacts(std::string dir) : dir_(std::move(dir)) { fs::create_directories(dir_); }

std::string DirectoryArtifacts::path_of(const std::string& key) const {
  fs::path rel(key);
  if (key.empty() || rel.is_absolute() || rel.lexically_normal().string().rfind("..", 0) == 0)
    throw std::runtime_error("artifact key outside the store: " + key);
  return (fs::path(dir_) / rel).string();
}

void DirectoryArtifacts::put(const std::string& local_file, const std::string& key) {
  fs::path to = path_of(key), tmp = to;
  tmp += ".part";
  fs::create_directories(to.parent_path());
  fs::copy_file(local_file, tmp, fs::copy_options::overwrite_existing);
  fs::rename(tmp, to);  // whole or not at all, also on a shared mount
}

void DirectoryArtifacts::get(const std::string& key, const std::string& local_file) {
  fs::create_directories(fs::path(local_file).parent_path());
  fs::copy_file(path_of(key), local_file, fs::copy_options::overwrite_existing);
}

}  // namespace govaudit
