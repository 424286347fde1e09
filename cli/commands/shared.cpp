#include "cli/commands/commands.hpp"
#include <iostream>
#include "cli/distributed.hpp"
#include "storage/pg.hpp"

namespace govaudit::cli {
namespace {

namespace fs = std::filesystem;

struct Options : Common {
  std::string work, store, units_by = "ip", worker_name;
  int max_units = 0, lease_seconds = 60, max_attempts = 3, batch = 16;
  bool exit_when_idle = false, fresh = false;
};

int cmd_plan(const Options& o) {
  if (!pg::is_uri(o.db)) throw Usage("plan: --db postgresql://… is required (the shared store)");
  if (o.sites.empty()) throw Usage("plan: --sites FILE is required");
  PlanOptions p{o.db, o.sites, o.config, o.today, o.dns, o.allow_net, o.units_by, o.fresh};
  try {
    std::cout << "planned run " << plan_run(p) << "\n";
  } catch (const std::invalid_argument& e) {
    throw Usage(e.what());
  }
  return 0;
}

int cmd_worker(const Options& o) {
  if (!pg::is_uri(o.db)) throw Usage("worker: --db postgresql://… is required (the shared store)");
  if (o.work.empty() || o.store.empty()) throw Usage("worker: --work DIR and --store DIR are required");
  WorkerOptions w;
  w.uri = o.db;
  w.work = o.work;
  w.store = o.store;
  w.max_units = o.max_units;
  w.exit_when_idle = o.exit_when_idle;
  w.lease_seconds = o.lease_seconds;
  w.max_attempts = o.max_attempts;
  w.name = o.worker_name;
  w.batch = o.batch;
  std::cout << "worker: published " << run_worker(w) << " units\n";
  return 0;
}

void log_flags(CLI::App* app, Options& o) {
  app->add_flag("-v,--verbose", o.verbose, "More log output");
  app->add_flag("-q,--quiet", o.quiet, "Only warnings and errors");
}

}  // namespace

Command plan_command(CLI::App& parent) {
  auto o = std::make_shared<Options>();
  auto* app = parent.add_subcommand("plan", "Plan a run in a shared PostgreSQL store: sites split into work units");
  app->add_option("--db", o->db, "Shared store, postgresql://… (credentials from the URI or PG* / ~/.pgpass)");
  app->add_option("--sites", o->sites, "Site list: TOML, CSV or JSON");
  app->add_option("--config", o->config, "Configuration file (TOML); stored with the run for every worker");
  app->add_option("--today", o->today, "Audit date YYYY-MM-DD (default: today in China)");
  app->add_option("--dns", o->dns, "DNS servers, HOST:PORT[,...] (also used by the workers)");
  app->add_option("--allow-net", o->allow_net, "Address ranges that may be crawled although private, CIDR[,...]");
  app->add_option("--units-by", o->units_by, "ip: sites sharing an address are one unit (default); host: one unit per homepage host")
      ->check(CLI::IsMember({"ip", "host"}));
  app->add_flag("--fresh", o->fresh,
                "Workers fetch everything anew (default: a site crawled by an earlier run of this store is asked again with "
                "that crawl's validators; a page unchanged since answers 304)");
  log_flags(app, *o);
  return {app, o.get(), [o] { return cmd_plan(*o); }};
}

Command worker_command(CLI::App& parent) {
  auto o = std::make_shared<Options>();
  auto* app = parent.add_subcommand("worker", "Work units of shared runs (any number of workers, on any machines)");
  app->add_option("--db", o->db, "Shared store, postgresql://…");
  app->add_option("--work", o->work, "Local directory for the units' SQLite and WARC files");
  app->add_option("--store", o->store, "Artifact store directory (NFS mount, rsync target)");
  app->add_option("--max-units", o->max_units, "Stop after this many units (0: no limit)");
  app->add_flag("--exit-when-idle", o->exit_when_idle, "Exit when no unit is pending or leased");
  app->add_option("--lease-seconds", o->lease_seconds, "Lease time, renewed every third of it (default 60)")->check(CLI::Range(3, 3600));
  app->add_option("--batch", o->batch, "Units claimed and crawled together (default 16)")->check(CLI::Range(1, 1000));
  app->add_option("--name", o->worker_name, "This worker's name in the leases (default HOST:PID)");
  app->add_option("--max-attempts", o->max_attempts, "Attempts before a unit is marked failed (default 3)")->check(CLI::Range(1, 100));
  log_flags(app, *o);
  return {app, o.get(), [o] { return cmd_worker(*o); }};
}
}  // namespace govaudit::cli
