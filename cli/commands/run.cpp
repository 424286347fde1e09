#include "cli/commands/commands.hpp"
#include <spdlog/spdlog.h>
#include <unistd.h>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <iostream>
#include "cli/pipeline.hpp"
#include "config/sites.hpp"

namespace govaudit::cli {
namespace {

namespace fs = std::filesystem;

struct Options : Common {
  bool fresh = false, delta = false;
  std::string notify;
};

// The command line, for `run` to start the audit in a fresh image of this program.
char** g_argv = nullptr;
constexpr const char* kAuditImage = "GOVAUDIT_RUN_AUDIT_IMAGE";

// `run` audits in a fresh image of this program (execv of itself with the same arguments), which
// continues the job from the store as a resumed run would: the crawl's heap, allocator metadata
// and library pages are gone (on a 20,000-page site 3-4 MB of the peak, the audit's peak being the
// job's). The lock and database files close on exec. Where that fails, the audit runs here.
void audit_in_new_image() {
  if (!g_argv || getenv("GOVAUDIT_SAME_IMAGE")) return;
  std::cout.flush();
  std::fflush(nullptr);
  spdlog::default_logger()->flush();
  ::setenv(kAuditImage, "1", 1);
  ::execv("/proc/self/exe", g_argv);
  ::unsetenv(kAuditImage);
  spdlog::debug("cannot start a new image for the audit ({}); auditing in this one", std::strerror(errno));
}

int cmd_run(const Options& o, bool crawl_only) {
  if (o.sites.empty()) throw Usage("--sites FILE is required");
  Config cfg = make_config(o, o.notify);
  auto sites = load_sites(o.sites);
  Date today = audit_date(o);
  writable_dir(o.out);
  std::string path = db_path(o);
  CrawlLock lock(path);
  Store store(path);
  CrawlOptions copt{fs::path(o.out) / "warc", o.fresh};
  if (o.delta && o.fresh) throw Usage("--delta and --fresh exclude each other");
  copt.delta = o.delta;
  if (getenv(kAuditImage)) {  // the image audit_in_new_image started: the crawl is stored, continue
    ::unsetenv(kAuditImage);
    copt.fresh = false;
    copt.continuing_in_new_image = true;
  } else if (!crawl_only) {
    copt.after_crawl = audit_in_new_image;
  }
  if (crawl_only) {
    auto crawl = crawl_stage(store, path, cfg, sites, today, options_json(o, "crawl"), copt);
    std::cout << "crawl run " << crawl.run << " stored in " << path << "\n";
    return 0;
  }
  auto job = run_job(store, path, cfg, sites, today, options_json(o, "run"), o.out, copt);
  print_outputs(job.files);
  return exit_for(store, job.audit.run, o);
}

Command declare(CLI::App& parent, bool crawl_only) {
  auto o = std::make_shared<Options>();
  CLI::App* app = crawl_only ? parent.add_subcommand("crawl", "Crawl the sites and store what they serve")
                             : parent.add_subcommand("run", "crawl + audit + report");
  add_common(app, *o, true);
  app->add_flag("--fresh", o->fresh,
                "Fetch everything anew: start a new crawl run even when the last one was left unfinished, and do not ask "
                "with the last crawl's validators (default: continue it; a page unchanged since the last crawl answers 304)");
  app->add_flag("--delta", o->delta,
                "A daily delta: fetch the homepage, the lists and what is new; known articles only when their last check is "
                "crawl.revisit_days old (about 1/revisit_days of them each day); the rest are carried over from the last crawl");
  if (!crawl_only) app->add_option("--notify", o->notify, "Webhook URL for the run's new findings (overrides notify.webhook)");
  return {app, o.get(), [o, crawl_only] { return cmd_run(*o, crawl_only); }};
}

}  // namespace

void keep_arguments(char** argv) { g_argv = argv; }
Command crawl_command(CLI::App& parent) { return declare(parent, true); }
Command run_command(CLI::App& parent) { return declare(parent, false); }

}  // namespace govaudit::cli
