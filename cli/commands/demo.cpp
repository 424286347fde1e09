#include "cli/commands/commands.hpp"
#include <iostream>
#include "cli/demo_server.hpp"
#include "cli/demo_site.hpp"
#include "cli/pipeline.hpp"

namespace govaudit::cli {
namespace {

namespace fs = std::filesystem;

struct Options : Common {};

int cmd_demo(Options o) {
  Date today = audit_date(o);
  Config cfg = make_config(o);
  DemoServer server;
  DemoPortal portal = make_demo_portal(cfg, today, server.port(), server.has_v6());
  server.set_routes(portal.routes, portal.any_hosts, portal.routes_v6);
  configure_for_demo(cfg, portal);
  writable_dir(o.out);
  std::string path = db_path(o);
  CrawlLock lock(path);  // before the store is opened (and migrated), as in run
  Store store(path);
  std::cout << "govaudit demo: serving " << portal.sites.size() << " demo county portals on 127.0.0.1:" << server.port()
            << (server.has_v6() ? " and [::1]:" + std::to_string(server.port()) : std::string()) << "\n";
  // The demo serves on a new port each time: a new job, never an old one continued.
  auto job = run_job(store, path, cfg, portal.sites, today, R"({"job":"demo"})", o.out, {fs::path(o.out) / "warc", true});
  print_outputs(job.files);
  std::cout << "govaudit demo: " << job.audit.findings << " findings (" << portal.planted.size()
            << " planted); open " << (fs::path(o.out) / "report.html").string() << "\n";
  std::error_code ec;  // the command as this user can type it: this binary, relative to where they are
  fs::path self = fs::read_symlink("/proc/self/exe", ec);
  std::string bin = ec ? "govaudit" : fs::relative(self, fs::current_path(), ec).string();
  if (ec || bin.empty() || bin.rfind("..", 0) == 0) bin = self.empty() ? "govaudit" : self.string();
  std::cout << "govaudit demo: review the findings in the console: " << bin << " serve --db " << path
            << " (then open http://127.0.0.1:8080/)\n";
  return 0;
}

}  // namespace

Command demo_command(CLI::App& parent) {
  auto o = std::make_shared<Options>();
  auto* app = parent.add_subcommand("demo", "Audit the built-in demo portals, served on loopback");
  add_common(app, *o, false);
  return {app, o.get(), [o] { return cmd_demo(*o); }};
}
}  // namespace govaudit::cli
