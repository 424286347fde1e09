#pragma once
// The shared store of a province or nation run (issue: several machines, one PostgreSQL). A plan
// splits the sites into work units — sites sharing a server are one unit, so per-host and per-IP
// politeness stays inside one process — and workers claim units under a lease: FOR UPDATE SKIP
// LOCKED on the database clock, a TTL renewed by heartbeat, and a generation number as fencing
// token. A worker publishes a unit in one transaction that succeeds only while it still holds that
// generation; a late publish from a worker that lost its lease changes nothing.
#include <chrono>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "model/records.hpp"
#include "model/site.hpp"
#include "storage/campaign.hpp"
#include "storage/pg.hpp"

namespace govaudit {

struct SharedRun {
  std::int64_t id = 0;
  std::string today, options, config, status, created_at;
  std::string kind = "crawl";   // crawl: crawled and judged; audit: a crawl run's databases judged again
  std::int64_t parent = 0;      // audit: the crawl run judged
};

struct WorkUnit {
  std::int64_t run = 0;
  int id = 0;
  std::string server;
  std::vector<Site> sites;
  std::string state;  // pending, leased, done, failed
  std::int64_t generation = 0;
  int attempts = 0;
  std::string error;
  std::string source;  // audit runs: the artifact key of the database to judge
};

struct Lease {
  std::int64_t run = 0;
  int unit = 0;
  std::int64_t generation = 0;
  int attempts = 0;
  std::vector<Site> sites;
  std::string source;  // audit runs: the database to judge
};

struct SiteResult {
  std::string site_id, status, error;
  int pages = 0, checked = 0;
};

struct Artifact {
  std::string key, kind;
  std::int64_t bytes = 0;
};

struct Publication {
  std::vector<Finding> findings;
  std::vector<std::string> evidence;  // per finding (when given): its WARC record, a key under the artifact store
  std::vector<SiteResult> sites;
  std::vector<Artifact> artifacts;
  std::map<std::string, SiteMeasures> measures;  // by site id; evidence locations as artifact keys
};

std::string sites_json(const std::vector<Site>& sites);
std::vector<Site> sites_from_json(const std::string& json);

class SharedStore : public Campaign {
 public:
  static constexpr int kSchemaVersion = 4;  // = the files in storage/pg_migrations
  explicit SharedStore(const std::string& uri);  // connects and migrates; throws pg::Error

  std::int64_t create_run(const std::string& today, const std::string& options, const std::string& config,
                          const std::vector<std::pair<std::string, std::vector<Site>>>& units);  // server, sites
  // An audit run of crawl run `parent`: one unit per database its workers made (`source`), with its sites.
  std::int64_t create_audit_run(std::int64_t parent, const std::string& today, const std::string& config,
                                const std::vector<std::pair<std::string, std::vector<Site>>>& units);  // source, sites
  std::vector<SharedRun> runs();
  std::optional<SharedRun> run(std::int64_t id);
  std::vector<WorkUnit> units(std::int64_t run);

  // The next unit free to work on (pending, or leased with its lease expired), leased to `owner`
  // for `ttl`; units that used up `max_attempts` are marked failed instead.
  std::optional<Lease> claim(const std::string& owner, std::chrono::seconds ttl, int max_attempts);
  // Extends the lease while it is still this generation's; false when it was lost.
  bool renew(const Lease& l, std::chrono::seconds ttl);
  // Publishes the unit's results and marks it done, only while `l` holds the latest generation.
  bool publish(const Lease& l, const Publication& p);
  // A unit that failed on this worker: back to pending, or failed once it has used `max_attempts`.
  void fail(const Lease& l, const std::string& error, int max_attempts);
  // Gives a unit back untouched (claimed by mistake): pending again, the attempt not counted.
  void release(const Lease& l);
  // Units still pending or leased, over every run.
  int open_units();

  std::vector<Finding> findings(std::int64_t run) override;  // in unit order, then as each audit made them
  std::vector<SiteResult> site_results(std::int64_t run);
  std::vector<Artifact> artifacts(std::int64_t run, int unit);
  // The database of each site's last crawl in a crawl run before `before` (site -> artifact key),
  // for a worker to ask again with its validators.
  std::map<std::string, std::string> earlier_crawls(std::int64_t before, const std::vector<std::string>& site_ids);

  // Campaign: every shared run is an audit run (its workers crawl and judge, or judge again).
  std::vector<CampaignRun> audit_runs() override;
  std::vector<StoredFinding> stored_findings(std::int64_t run) override;
  std::optional<StoredFinding> finding_by_id(std::int64_t id) override;
  std::vector<std::int64_t> runs_with_finding(const std::string& site, const std::string& rule, const std::string& subject) override;
  std::string evidence_of(const StoredFinding& f) override;
  std::int64_t add_review(const Review& r) override;
  std::vector<Review> reviews_of(const std::string& site, const std::string& rule, const std::string& subject) override;
  std::map<ReviewKey, Review> reviews_for(std::int64_t run) override;
  void put_site_measures(std::int64_t audit_run, const std::map<std::string, SiteMeasures>& m) override;
  std::map<std::string, SiteMeasures> site_measures(std::int64_t audit_run) override;
  void add_recheck(const Recheck& r) override;
  std::map<ReviewKey, Recheck> rechecks_for(std::int64_t audit_run) override;
  std::int64_t add_account(const Account& a) override;
  std::vector<Account> accounts() override;
  bool remove_account(const std::string& name) override;
  std::optional<Account> account_by_token_hash(const std::string& hash) override;
  std::vector<UnitStatus> unit_status(std::int64_t run) override;
  bool retry_unit(std::int64_t run, int unit) override;

 private:
  void migrate();
  std::int64_t add_run(const std::string& kind, std::optional<std::int64_t> parent, const std::string& today, const std::string& options,
                       const std::string& config, const std::vector<std::pair<std::string, std::vector<Site>>>& units);
  void finish_run_if_complete(std::int64_t run);
  void insert_measures(const std::string& run, const std::map<std::string, SiteMeasures>& m);  // inside a transaction
  pg::Connection db_;
};

// Where each unit's SQLite and WARC files are kept: a directory (an NFS mount or an rsync target in
// the field) behind put/get, so that an S3-compatible store can follow.
class ArtifactStore {
 public:
  virtual ~ArtifactStore() = default;
  virtual void put(const std::string& local_file, const std::string& key) = 0;  // whole or not at all
  virtual void get(const std::string& key, const std::string& local_file) = 0;
};

class DirectoryArtifacts : public ArtifactStore {
 public:
  explicit DirectoryArtifacts(std::string dir);
  void put(const std::string& local_file, const std::string& key) override;
  void get(const std::string& key, const std::string& local_file) override;
  const std::string& root() const { return dir_; }  // keys are paths under it

 private:
  std::string path_of(const std::string& key) const;
  std::string dir_;
};

}  // namespace govaudit
