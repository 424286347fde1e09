#include "cli/commands/commands.hpp"
#include <iostream>
#include "cli/distributed.hpp"
#include "cli/pipeline.hpp"
#include "storage/pg.hpp"

namespace govaudit::cli {
namespace {

namespace fs = std::filesystem;

struct Options : Common {};

int cmd_audit(const Options& o) {
  if (pg::is_uri(o.db)) {
    try {
      std::cout << "planned audit run " << plan_audit(o.db, o.run, o.config, o.today) << " (workers judge it)\n";
    } catch (const std::invalid_argument& e) {
      throw Usage(e.what());
    }
    return 0;
  }
  Config cfg = make_config(o);
  std::string path = existing_db(o);
  Store store(path);
  std::int64_t crawl_run = run_or_latest(store, o.run, RunKind::Crawl, path);
  auto info = store.run(crawl_run);
  if (!info || info->kind != RunKind::Crawl) throw Usage("run " + std::to_string(crawl_run) + " is not a crawl run");
  if (info->status != RunStatus::Done)  // its sites not crawled to the end would be judged on part of what they serve
    throw Usage("crawl run " + std::to_string(crawl_run) + " did not finish (" + std::string(name(info->status)) +
                "); `govaudit run` or `crawl` with the same sites continues it");
  Date today = o.today.empty() ? *Date::parse_iso(info->today) : audit_date(o);
  auto audit = audit_stage(store, cfg, crawl_run, today);
  print_outputs(report_stage(store, cfg, audit.run, o.out));
  return exit_for(store, audit.run, o);
}

}  // namespace

Command audit_command(CLI::App& parent) {
  auto o = std::make_shared<Options>();
  auto* app = parent.add_subcommand("audit", "Judge a stored crawl (offline) into a new audit run");
  add_common(app, *o, false);
  app->add_option("--run", o->run, "Crawl run to judge (default: the latest)");
  return {app, o.get(), [o] { return cmd_audit(*o); }};
}
}  // namespace govaudit::cli
