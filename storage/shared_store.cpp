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
      "leased_at=now(), attempts=u.attempts+1 FROM (SELECT run_id, unit_id FROM units WHERE (state='pending' OR (state='leased' AND lease_until < now())) "
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
  for (auto& f : p.findings) {
    std::string warc = size_t(seq) < p.evidence.size() ? p.evidence[size_t(seq)] : "";
    db_.exec("INSERT INTO shared_findings (run_id, unit_id, seq, site_id, rule, subject, url, detail, severity, warc) "
             "VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10)",
             {run, unit, std::to_string(++seq), f.site_id, f.rule, f.subject, f.url, f.detail_json, std::string(name(f.severity)), warc});
  }
  for (auto& s : p.sites)
    db_.exec("INSERT INTO site_results (run_id, unit_id, site_id, status, error, pages, checked) VALUES ($1,$2,$3,$4,$5,$6,$7)",
             {run, unit, s.site_id, s.status, s.error, std::to_string(s.pages), std::to_string(s.checked)});
  insert_measures(run, p.measures);
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

std::map<std::string, std::string> SharedStore::earlier_crawls(std::int64_t before, const std::vector<std::string>& site_ids) {
  auto r = db_.exec(
      "SELECT DISTINCT ON (s.site) s.site, a.key FROM jsonb_array_elements_text($1::jsonb) AS s(site) "
      "JOIN units u ON u.run_id < $2 AND u.state = 'done' AND u.sites::jsonb @> jsonb_build_array(jsonb_build_object('id', s.site)) "
      "JOIN shared_runs r ON r.id = u.run_id AND r.kind = 'crawl' "
      "JOIN artifacts a ON a.run_id = u.run_id AND a.unit_id = u.unit_id AND a.kind = 'db' "
      "ORDER BY s.site, u.run_id DESC",
      {json(site_ids).dump(), std::to_string(before)});
  std::map<std::string, std::string> out;
  for (int i = 0; i < r.rows(); ++i) out.emplace(r.text(i, 0), r.text(i, 1));
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

// The Campaign half of the shared store: findings by id, reviews and accounts, as in SQLite.
namespace govaudit {

namespace {
constexpr const char* kSharedFindingColumns = "id, run_id, site_id, rule, subject, url, detail, severity";
StoredFinding shared_finding_row(const pg::Result& r, int i) {
  StoredFinding sf{r.integer(i, 0), r.integer(i, 1), Finding(r.text(i, 2), r.text(i, 3), r.text(i, 4), r.text(i, 5), r.text(i, 6))};
  sf.finding.severity = severity_from(r.text(i, 7));
  return sf;
}
constexpr const char* kSharedReviewColumns = "id, site_id, rule, subject, run_id, status, note, reviewer, at, account";
Review shared_review_row(const pg::Result& r, int i) {
  Review v;
  v.id = r.integer(i, 0);
  v.site_id = r.text(i, 1);
  v.rule = r.text(i, 2);
  v.subject = r.text(i, 3);
  v.run = r.integer(i, 4);
  v.status = review_status_from(r.text(i, 5)).value_or(ReviewStatus::Confirmed);
  v.note = r.text(i, 6);
  v.reviewer = r.text(i, 7);
  v.at = r.text(i, 8);
  v.account = r.text(i, 9);
  return v;
}
constexpr const char* kSharedAccountColumns = "SELECT id, name, role, sites, token_hash, created_at FROM shared_accounts ";
Account shared_account_row(const pg::Result& r, int i) {
  Account a;
  a.id = r.integer(i, 0);
  a.name = r.text(i, 1);
  a.role = role_from(r.text(i, 2)).value_or(Role::Viewer);
  auto sites = json::parse(r.text(i, 3), nullptr, false);
  if (sites.is_array())
    for (auto& s : sites)
      if (s.is_string()) a.sites.push_back(s.get<std::string>());
  a.token_hash = r.text(i, 4);
  a.created_at = r.text(i, 5);
  return a;
}
}  // namespace

std::vector<CampaignRun> SharedStore::audit_runs() {
  auto r = db_.exec(
      "SELECT r.id, r.today, r.created_at::text, coalesce((SELECT max(published_at)::text FROM units u WHERE u.run_id=r.id), ''), "
      "r.status, coalesce(r.parent, r.id), (SELECT coalesce(string_agg(u.sites, E'\\n' ORDER BY u.unit_id), '') FROM units u WHERE u.run_id=r.id) "
      "FROM shared_runs r ORDER BY r.id");
  std::vector<CampaignRun> out;
  for (int i = 0; i < r.rows(); ++i) {
    CampaignRun c{r.integer(i, 0), r.text(i, 1), r.text(i, 2), r.text(i, 3), r.text(i, 4) == "done", r.integer(i, 5), {}};
    std::string all = r.text(i, 6);
    for (size_t b = 0; b < all.size();) {
      size_t e = all.find('\n', b);
      if (e == std::string::npos) e = all.size();
      for (auto& s : sites_from_json(all.substr(b, e - b))) c.sites.push_back(s.id);
      b = e + 1;
    }
    out.push_back(std::move(c));
  }
  return out;
}

std::vector<StoredFinding> SharedStore::stored_findings(std::int64_t run) {
  auto r = db_.exec(std::string("SELECT ") + kSharedFindingColumns + " FROM shared_findings WHERE run_id=$1 ORDER BY unit_id, seq",
                    {std::to_string(run)});
  std::vector<StoredFinding> out;
  for (int i = 0; i < r.rows(); ++i) out.push_back(shared_finding_row(r, i));
  return out;
}

std::optional<StoredFinding> SharedStore::finding_by_id(std::int64_t id) {
  auto r = db_.exec(std::string("SELECT ") + kSharedFindingColumns + " FROM shared_findings WHERE id=$1", {std::to_string(id)});
  if (r.rows() == 0) return std::nullopt;
  return shared_finding_row(r, 0);
}

std::vector<std::int64_t> SharedStore::runs_with_finding(const std::string& site, const std::string& rule, const std::string& subject) {
  auto r = db_.exec(
      "SELECT DISTINCT f.run_id FROM shared_findings f JOIN shared_runs r ON r.id=f.run_id WHERE f.site_id=$1 AND f.rule=$2 "
      "AND f.subject=$3 AND r.status='done' ORDER BY 1",
      {site, rule, subject});
  std::vector<std::int64_t> out;
  for (int i = 0; i < r.rows(); ++i) out.push_back(r.integer(i, 0));
  return out;
}

std::string SharedStore::evidence_of(const StoredFinding& f) {
  auto r = db_.exec("SELECT warc FROM shared_findings WHERE id=$1", {std::to_string(f.id)});
  return r.rows() ? r.text(0, 0) : "";
}

std::int64_t SharedStore::add_review(const Review& v) {
  return db_.exec("INSERT INTO shared_reviews (site_id, rule, subject, run_id, status, note, reviewer, at, account) "
                  "VALUES ($1,$2,$3,$4,$5,$6,$7,coalesce($8, to_char(now() AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"')),$9) RETURNING id",
                  {v.site_id, v.rule, v.subject, std::to_string(v.run), std::string(name(v.status)), v.note, v.reviewer,
                   v.at.empty() ? std::nullopt : pg::Param(v.at), v.account})
      .integer(0, 0);
}

std::vector<Review> SharedStore::reviews_of(const std::string& site, const std::string& rule, const std::string& subject) {
  auto r = db_.exec(std::string("SELECT ") + kSharedReviewColumns + " FROM shared_reviews WHERE site_id=$1 AND rule=$2 AND subject=$3 ORDER BY id",
                    {site, rule, subject});
  std::vector<Review> out;
  for (int i = 0; i < r.rows(); ++i) out.push_back(shared_review_row(r, i));
  return out;
}

std::map<ReviewKey, Review> SharedStore::reviews_for(std::int64_t run) {
  auto r = db_.exec(std::string("SELECT ") + kSharedReviewColumns + " FROM shared_reviews WHERE run_id<=$1 ORDER BY id", {std::to_string(run)});
  std::map<ReviewKey, Review> out;
  for (int i = 0; i < r.rows(); ++i) {
    Review v = shared_review_row(r, i);
    out[{v.site_id, v.rule, v.subject}] = std::move(v);  // later rows replace earlier ones
  }
  return out;
}

std::int64_t SharedStore::add_account(const Account& a) {
  if (db_.exec("SELECT 1 FROM shared_accounts WHERE name=$1", {a.name}).rows())
    throw std::invalid_argument("an account named '" + a.name + "' exists already");
  return db_.exec("INSERT INTO shared_accounts (name, role, sites, token_hash, created_at) VALUES ($1,$2,$3,$4,"
                  "coalesce($5, to_char(now() AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"'))) RETURNING id",
                  {a.name, std::string(name(a.role)), json(a.sites).dump(), a.token_hash,
                   a.created_at.empty() ? std::nullopt : pg::Param(a.created_at)})
      .integer(0, 0);
}

std::vector<Account> SharedStore::accounts() {
  auto r = db_.exec(std::string(kSharedAccountColumns) + "ORDER BY id");
  std::vector<Account> out;
  for (int i = 0; i < r.rows(); ++i) out.push_back(shared_account_row(r, i));
  return out;
}

bool SharedStore::remove_account(const std::string& account) {
  return db_.exec("DELETE FROM shared_accounts WHERE name=$1", {account}).affected() > 0;
}

std::optional<Account> SharedStore::account_by_token_hash(const std::string& hash) {
  auto r = db_.exec(std::string(kSharedAccountColumns) + "WHERE token_hash=$1", {hash});
  if (r.rows() == 0) return std::nullopt;
  return shared_account_row(r, 0);
}

std::vector<UnitStatus> SharedStore::unit_status(std::int64_t run) {
  auto r = db_.exec(
      "SELECT unit_id, server, sites, state, coalesce(owner, ''), coalesce(leased_at::text, ''), "
      "coalesce(extract(epoch FROM now() - leased_at), 0), attempts, last_error FROM units WHERE run_id=$1 ORDER BY unit_id",
      {std::to_string(run)});
  std::vector<UnitStatus> out;
  for (int i = 0; i < r.rows(); ++i) {
    UnitStatus u;
    u.id = int(r.integer(i, 0));
    u.server = r.text(i, 1);
    for (auto& s : sites_from_json(r.text(i, 2))) u.sites.push_back(s.id);
    u.state = r.text(i, 3);
    if (u.state == "leased") {
      u.owner = r.text(i, 4);
      u.leased_at = r.text(i, 5);
      u.lease_age_s = std::stod(r.text(i, 6));
    }
    u.attempts = int(r.integer(i, 7));
    u.error = r.text(i, 8);
    out.push_back(std::move(u));
  }
  return out;
}

bool SharedStore::retry_unit(std::int64_t run, int unit) {
  pg::Transaction tx(db_);
  bool ok = db_.exec("UPDATE units SET state='pending', attempts=0, last_error='' WHERE run_id=$1 AND unit_id=$2 AND state='failed'",
                     {std::to_string(run), std::to_string(unit)})
                .affected() == 1;
  if (ok) db_.exec("UPDATE shared_runs SET status='running' WHERE id=$1", {std::to_string(run)});
  tx.commit();
  return ok;
}

}  // namespace govaudit

namespace govaudit {

void SharedStore::insert_measures(const std::string& run, const std::map<std::string, SiteMeasures>& m) {
  for (auto& [site, measures] : m)
    db_.exec("INSERT INTO shared_site_measures (run_id, site_id, measures) VALUES ($1,$2,$3) "
             "ON CONFLICT (run_id, site_id) DO UPDATE SET measures=EXCLUDED.measures",
             {run, site, measures_json(measures)});
}

void SharedStore::put_site_measures(std::int64_t run, const std::map<std::string, SiteMeasures>& m) {
  pg::Transaction tx(db_);
  insert_measures(std::to_string(run), m);
  tx.commit();
}

std::map<std::string, SiteMeasures> SharedStore::site_measures(std::int64_t run) {
  auto r = db_.exec("SELECT site_id, measures FROM shared_site_measures WHERE run_id=$1", {std::to_string(run)});
  std::map<std::string, SiteMeasures> out;
  for (int i = 0; i < r.rows(); ++i) out.emplace(r.text(i, 0), parse_measures(r.text(i, 1)));
  return out;
}

void SharedStore::add_recheck(const Recheck& r) {
  db_.exec("INSERT INTO shared_rechecks (site_id, rule, subject, run_id, result, note, warc, at) VALUES ($1,$2,$3,$4,$5,$6,$7,"
           "coalesce($8, to_char(now() AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"')))",
           {r.site_id, r.rule, r.subject, std::to_string(r.run), std::string(name(r.result)), r.note, r.warc,
            r.at.empty() ? std::nullopt : pg::Param(r.at)});
}

std::map<ReviewKey, Recheck> SharedStore::rechecks_for(std::int64_t run) {
  auto r = db_.exec("SELECT id, site_id, rule, subject, run_id, result, note, warc, at FROM shared_rechecks WHERE run_id=$1 ORDER BY id",
                    {std::to_string(run)});
  std::map<ReviewKey, Recheck> out;
  for (int i = 0; i < r.rows(); ++i) {
    Recheck c{r.integer(i, 0), r.text(i, 1), r.text(i, 2), r.text(i, 3), r.integer(i, 4),
              recheck_result_from(r.text(i, 5)).value_or(RecheckResult::Unmeasured), r.text(i, 6), r.text(i, 7), r.text(i, 8)};
    out[{c.site_id, c.rule, c.subject}] = std::move(c);
  }
  return out;
}

}  // namespace govaudit
