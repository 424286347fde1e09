#pragma once
// Several machines, one PostgreSQL: `govaudit plan` splits a site list into work units in the
// shared store, `govaudit worker` (any number, on any machines) claims units and runs today's
// engine on each into local SQLite + WARC, then publishes; `govaudit report --db postgresql://…`
// writes the run's reports. storage/shared_store.hpp holds the leasing rules.
#include <cstdint>
#include <filesystem>
#include <memory>
#include <set>
#include <string>

#include "cli/recheck.hpp"
#include "config/config.hpp"
#include "reports/report.hpp"

namespace govaudit {

struct PlanOptions {
  std::string uri, sites_file, config_file, today, dns, allow_net;
  std::string units_by = "ip";  // ip: sites whose homepage hosts share an address; host: one unit per homepage host
  bool fresh = false;  // the workers fetch everything anew, not asking with an earlier run's validators
};
// Returns the new run's id.
std::int64_t plan_run(const PlanOptions& o);

struct WorkerOptions {
  std::string uri;
  std::filesystem::path work;   // local SQLite and WARC of the units this machine works on
  std::filesystem::path store;  // the artifact store (a directory: NFS, rsync target)
  int max_units = 0;            // 0: no limit
  bool exit_when_idle = false;
  int lease_seconds = 60;
  int max_attempts = 3;
  int batch = 16;               // units claimed and crawled together
  std::string name;             // this worker's name in the leases (default host:pid)
};
// An audit run of a shared crawl run (the latest finished when 0): its databases judged again with
// `config_file` (the crawl's when empty), leased out to the workers per database. Returns its id.
std::int64_t plan_audit(const std::string& uri, std::int64_t parent, const std::string& config_file, const std::string& today);

// Works units until stopped (or idle/max_units); returns the number of units published.
int run_worker(const WorkerOptions& o);

// What the reports of a shared run (the latest when run is 0) show, with the configuration it was
// planned with. Units not done are listed as 未测评 with why; reviews are applied as over SQLite.
// Read from the shared store alone: the findings and measures the workers published.
std::unique_ptr<LoadedReport> shared_report_data(const std::string& uri, std::int64_t run);

// 回头看 of a shared run's claims (the latest run when `run` is 0): the audited crawl is read from
// the units' databases in the artifact store, the recheck's WARC evidence is put there beside them.
struct SharedRecheck {
  std::string uri;
  std::int64_t run = 0;
  std::filesystem::path store;  // the artifact store
  std::filesystem::path work;   // local scratch (a temporary directory when empty)
  std::string config_file, dns, allow_net;  // over the run's stored configuration when given
};
RecheckSummary recheck_shared(const SharedRecheck& o);

}  // namespace govaudit
