#include "cli/commands/commands.hpp"
#include <iostream>
#include <set>
#include "cli/distributed.hpp"
#include "cli/pipeline.hpp"
#include "reports/report.hpp"
#include "storage/pg.hpp"

namespace govaudit::cli {
namespace {

namespace fs = std::filesystem;

struct Options : Common {
  bool partial = false;
  std::vector<std::string> formats;
};

// Writes the reports of `d` unless some site was not audited: then, without --partial, nothing is
// written and the run is said to be incomplete (exit 3). Nothing unmeasured is ever shown as 合格.
int write_checked(const ReportData& d, const Options& o, const std::string& what, const std::function<void()>& written = {}) {
  for (auto& f : o.formats)
    if (!kReportFormats.count(f)) throw Usage("--format: unknown format '" + f + "' (html, xlsx, csv, md, jsonl)");
  RunSummary sum = summarize(d);
  int missing = 0;
  for (auto& [why, n] : sum.not_audited) missing += n;
  if (missing) {
    std::cerr << "govaudit: " << what << " is not complete: " << missing << " of " << d.sites.size() << " sites were not audited ("
              << not_audited_line(*d.config, sum) << ")" << (o.partial ? "; writing the reports with them marked 未测评\n" : "; --partial writes the reports anyway, with them marked 未测评\n");
    if (!o.partial) return 3;
  }
  print_outputs(write_reports(d, o.out, std::set<std::string>(o.formats.begin(), o.formats.end())));
  if (written) written();
  return 0;
}

int cmd_report(const Options& o) {
  if (pg::is_uri(o.db)) {
    std::unique_ptr<LoadedReport> r;
    try {
      r = shared_report_data(o.db, o.run);
    } catch (const std::invalid_argument& e) {
      throw Usage(e.what());
    }
    return write_checked(r->data, o, "shared run " + std::to_string(r->data.audit.id));
  }
  Config cfg = make_config(o);
  std::string path = existing_db(o);
  Store store(path);
  if (!o.run) {  // the newest crawl never ended (killed, or still going): its sites are not audited
    auto crawl = store.latest_run(RunKind::Crawl, false);
    auto audit = store.latest_run(RunKind::Audit);
    if (crawl && crawl->status != RunStatus::Done && (!audit || audit->crawl_run.value_or(0) < crawl->id))
      return write_checked(load_unfinished_crawl_data(store, cfg, crawl->id), o, "crawl run " + std::to_string(crawl->id));
  }
  std::int64_t run = run_or_latest(store, o.run, RunKind::Audit, path);
  if (auto info = store.run(run); !info || info->kind != RunKind::Audit) throw Usage("run " + std::to_string(run) + " is not an audit run");
  ensure_measures(store, cfg, run);
  return write_checked(load_report_data(store, cfg, run), o, "audit run " + std::to_string(run), [&] { store.mark_reported(run); });
}

}  // namespace

Command report_command(CLI::App& parent) {
  auto o = std::make_shared<Options>();
  auto* app = parent.add_subcommand("report", "Write the reports of a stored audit run");
  add_common(app, *o, false);
  app->add_option("--run", o->run, "Audit run to report (default: the latest)");
  app->add_flag("--partial", o->partial, "Write the reports even when some sites were not audited (they are marked 未测评)");
  app->add_option("--format", o->formats, "Formats to write: html,xlsx,csv,md,jsonl (default: all)")->delimiter(',');
  return {app, o.get(), [o] { return cmd_report(*o); }};
}
}  // namespace govaudit::cli
