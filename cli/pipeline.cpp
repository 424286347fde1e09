#include "cli/pipeline.hpp"

#include <spdlog/spdlog.h>

#include "crawler/crawler.hpp"
#include "reports/report.hpp"
#include "rules/rule.hpp"

namespace govaudit {

StageResult crawl_stage(Store& store, const std::string& db_path, const Config& cfg, const std::vector<Site>& sites,
                        const Date& today, const std::string& options_json) {
  NetGuard guard(cfg.allow_net);
  StageResult r;
  r.run = store.begin_run("crawl", today, std::nullopt, options_json);
  store.add_sites(r.run, sites);
  CrawlSummary sum;
  {
    Writer writer(db_path, r.run);
    Crawler crawler(cfg, guard, writer);
    if (cfg.crawl.reuse_external_hours > 0) {
      auto recent = store.recent_external_checks(iso_utc_hours_ago(cfg.crawl.reuse_external_hours));
      if (!recent.empty()) spdlog::info("reusing {} answers of other hosts' links from the last {} h", recent.size(), cfg.crawl.reuse_external_hours);
      crawler.reuse_checks(std::move(recent));
    }
    sum = crawler.run(sites);
    writer.flush();
  }
  for (auto& s : sum.sites) {
    store.set_site_status(r.run, s.site_id, s.status, s.error, s.limits);
    if (s.status == "unreachable") ++r.unreachable;
    for (auto& l : s.limits) spdlog::warn("{}: crawl limit reached: {}", s.site_id, l);
  }
  store.finish_run(r.run, "done");
  std::string errs;
  for (auto& [k, v] : sum.errors) errs += (errs.empty() ? "" : ", ") + k + " " + std::to_string(v);
  spdlog::info("crawl {} done: {} sites, {} pages, {} checked links, {:.1f} MB in {:.1f} s ({:.0f} pages/s){}{}", r.run,
               sites.size(), sum.pages, sum.checked, double(sum.bytes) / 1e6, sum.seconds,
               sum.seconds > 0 ? sum.pages / sum.seconds : 0.0, errs.empty() ? "" : "; errors: ", errs);
  return r;
}

StageResult audit_stage(Store& store, const Config& cfg, std::int64_t crawl_run, const Date& today) {
  StageResult r;
  r.run = store.begin_run("audit", today, crawl_run, "{}");
  auto views = store.load_site_views(crawl_run);
  RuleContext ctx{today, &cfg};
  auto findings = judge(views, ctx);
  store.save_findings(r.run, findings);
  store.finish_run(r.run, "done");
  r.findings = int(findings.size());
  spdlog::info("audit {} of crawl {}: {} findings on {} sites (audit date {})", r.run, crawl_run, findings.size(),
               views.size(), today.iso());
  return r;
}

std::vector<std::filesystem::path> report_stage(Store& store, const Config& cfg, std::int64_t audit_run,
                                                const std::filesystem::path& out, const std::set<std::string>& formats) {
  return write_reports(load_report_data(store, cfg, audit_run), out, formats);
}

}  // namespace govaudit
