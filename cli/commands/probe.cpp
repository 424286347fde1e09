#include "cli/commands/commands.hpp"
#include <spdlog/spdlog.h>
#include <iostream>
#include "config/sites.hpp"
#include "crawler/availability.hpp"
#include "crawler/net/netguard.hpp"

namespace govaudit::cli {
namespace {

namespace fs = std::filesystem;

struct Options : Common {};

int cmd_probe(const Options& o) {
  if (o.sites.empty()) throw Usage("--sites FILE is required");
  Config cfg = make_config(o);
  auto sites = load_sites(o.sites);
  NetGuard guard(cfg.allow_net);
  auto records = probe_homepages(cfg, guard, sites, cfg.scoring.availability_timeout_ms);
  std::string path = db_path(o);
  fs::path parent = fs::path(path).parent_path();
  if (!parent.empty()) writable_dir(parent);
  Store store(path);
  store.add_availability(records);
  int failed = 0;
  for (auto& r : records) {
    failed += !r.ok;
    if (!o.quiet)
      std::cout << r.site_id << '\t' << (r.ok ? "ok" : "FAIL") << '\t' << r.status << '\t' << r.elapsed_ms << " ms"
                << (r.error.empty() ? "" : "\t" + r.error) << "\n";
  }
  spdlog::info("probe: {} of {} homepages opened; stored in {}", records.size() - failed, records.size(), path);
  return 0;
}


}  // namespace

Command probe_command(CLI::App& parent) {
  auto o = std::make_shared<Options>();
  auto* app = parent.add_subcommand("probe", "One round of homepage availability probes (for cron / systemd timers)");
  add_common(app, *o, true);
  return {app, o.get(), [o] { return cmd_probe(*o); }};
}
}  // namespace govaudit::cli
