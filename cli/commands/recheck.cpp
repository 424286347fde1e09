#include "cli/commands/commands.hpp"
#include <iostream>
#include "cli/distributed.hpp"
#include "cli/recheck.hpp"
#include "storage/pg.hpp"

namespace govaudit::cli {
namespace {

namespace fs = std::filesystem;

struct Options : Common {
  std::string store, work;
};

int cmd_recheck(const Options& o) {
  RecheckSummary sum;
  if (pg::is_uri(o.db)) {
    if (o.store.empty()) throw Usage("recheck: --store DIR is required with a shared store (the units' databases; the evidence goes there)");
    make_config(o);  // checks --config, --dns and --allow-net now, with a clear error
    try {
      sum = recheck_shared({o.db, o.run, o.store, o.work, o.config, o.dns, o.allow_net});
    } catch (const std::invalid_argument& e) {
      throw Usage(e.what());
    }
  } else {
    Config cfg = make_config(o);
    std::string path = existing_db(o);
    CrawlLock lock(path);
    Store store(path);
    std::int64_t run = run_or_latest(store, o.run, RunKind::Audit, path);
    try {
      sum = recheck_claims(store, run, sqlite_recheck_source(store, path, run), cfg);
    } catch (const std::invalid_argument& e) {
      throw Usage(e.what());
    }
  }
  std::int64_t run = sum.audit_run;
  int passed = 0, failed = 0;
  for (auto& r : sum.results) {
    passed += r.result == RecheckResult::Passed;
    failed += r.result == RecheckResult::Failed;
    std::cout << r.site_id << '\t' << r.rule << '\t' << r.subject << '\t' << label(r.result) << '\t' << r.note << "\n";
  }
  std::cout << "recheck of audit run " << run << ": " << sum.results.size() << " claims, " << passed << " 整改通过, " << failed
            << " 整改未通过, " << sum.results.size() - size_t(passed + failed) << " 未能复查; " << sum.fetched << " URLs fetched\n";
  return 0;
}

}  // namespace

Command recheck_command(CLI::App& parent) {
  auto o = std::make_shared<Options>();
  auto* app = parent.add_subcommand("recheck", "回头看: fetch again only what findings claimed fixed are about, and judge them");
  app->add_option("--run", o->run, "Audit run whose claims to check (default: the latest)");
  app->add_option("--store", o->store, "With --db postgresql://…: the artifact store the workers wrote");
  app->add_option("--work", o->work, "With --db postgresql://…: local scratch directory (default: a temporary one)");
  add_common(app, *o, false);
  return {app, o.get(), [o] { return cmd_recheck(*o); }};
}
}  // namespace govaudit::cli
