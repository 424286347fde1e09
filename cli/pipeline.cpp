#include "cli/pipeline.hpp"

#include <signal.h>
#include <spdlog/spdlog.h>

#include <cstdlib>
#include <cstring>
#include <nlohmann/json.hpp>

#include "cli/notify.hpp"
#include "cli/process.hpp"
#include "crawler/crawler.hpp"
#include "reports/report.hpp"
#include "rules/measures.hpp"
#include "rules/rule.hpp"


namespace govaudit {

namespace {

bool same_sites(const std::vector<Site>& a, const std::vector<Site>& b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i)
    if (a[i].id != b[i].id || a[i].homepage != b[i].homepage || a[i].hosts != b[i].hosts) return false;
  return true;
}

// What a `run` killed after its crawl left to do: the finished crawl run to audit, and its finished
// audit run when only the reports are missing.
struct Unfinished {
  std::int64_t crawl_run = 0;
  std::optional<std::int64_t> audit_run;
};

std::optional<Unfinished> unfinished_job(Store& store, const std::vector<Site>& sites, const std::string& options_json) {
  auto last = store.latest_run(RunKind::Crawl, false);
  if (!last || last->status != RunStatus::Done || last->options != options_json || !same_sites(store.sites(last->id), sites))
    return std::nullopt;
  Unfinished u{last->id, std::nullopt};
  if (auto a = store.latest_audit_of(last->id)) {
    if (!a->reported_at.empty()) return std::nullopt;  // that job was finished
    if (a->status == RunStatus::Done) u.audit_run = a->id;
    else store.finish_run(a->id, RunStatus::Abandoned);
  }
  return u;
}

}  // namespace

StageResult crawl_stage(Store& store, const std::string& db_path, const Config& cfg, const std::vector<Site>& sites,
                        const Date& today, const std::string& options_json, const CrawlOptions& opt) {
  NetGuard guard(cfg.allow_net);
  StageResult r;
  std::optional<CrawlState> state;
  if (auto open = store.unfinished_crawl()) {
    if (!opt.fresh && same_sites(store.sites(open->id), sites)) {
      r.run = open->id;
      state = store.crawl_state(r.run);
      spdlog::info("continuing unfinished crawl run {} (started {}); --fresh starts a new one", r.run, open->started_at);
    } else {
      store.finish_run(open->id, RunStatus::Abandoned);
      spdlog::warn("crawl run {} was left unfinished; marked abandoned ({})", open->id,
                   opt.fresh ? "--fresh" : "the site list differs");
    }
  }
  if (!state) {
    r.run = store.begin_run(RunKind::Crawl, today, std::nullopt, options_json);
    store.add_sites(r.run, sites);
  }
  CrawlSummary sum;
  {
    WarcOptions warc;
    if (cfg.crawl.warc && !opt.warc_dir.empty()) {
      warc.dir = opt.warc_dir;
      warc.rotate_bytes = cfg.crawl.warc_rotate_bytes;
      warc.gzip_level = cfg.crawl.warc_gzip_level;
      warc.earlier_root = opt.earlier_warc_root;
    }
    Writer writer(db_path, r.run, warc);
    Crawler crawler(cfg, guard, writer);
    crawler.keep_evidence(!warc.dir.empty());
    crawler.audit_date(today);
    if (state) crawler.resume(std::move(*state));
    // A periodic run asks again for what the last crawl of these sites read (304: taken as it was).
    std::unique_ptr<PriorCrawl> prior;
    if (!opt.fresh) {
      std::vector<std::string> ids;
      for (auto& s : sites) ids.push_back(s.id);
      prior = stored_prior_crawl(db_path, r.run, ids);
    }
    if (opt.delta && !prior) spdlog::warn("--delta: no earlier complete crawl of these sites in {}; every page is fetched", db_path);
    crawler.revalidate(prior.get());
    crawler.delta(opt.delta && prior);
    if (cfg.crawl.reuse_external_hours > 0) {
      auto recent = store.recent_external_checks(iso_utc_hours_ago(cfg.crawl.reuse_external_hours));
      if (!recent.empty()) spdlog::info("reusing {} answers of other hosts' links from the last {} h", recent.size(), cfg.crawl.reuse_external_hours);
      crawler.reuse_checks(std::move(recent));
    }
    sum = crawler.run(sites);
    writer.flush();
    if (opt.delta && prior)
      for (auto& s : sites)
        if (auto from = prior->run_of(s.id)) store.carry_link_probes(r.run, s.id, from);
  }
  for (auto& s : sum.sites) {
    store.set_site_status(r.run, s.site_id, s.status, s.error, s.limits);
    if (s.status == "unreachable") ++r.unreachable;
    for (auto& l : s.limits) spdlog::warn("{}: crawl limit reached: {}", s.site_id, l);
  }
  store.finish_run(r.run, RunStatus::Done);
  release_free_memory();  // the crawl's freed memory goes back before the audit loads its views
  std::string errs;
  for (auto& [k, v] : sum.errors) errs += (errs.empty() ? "" : ", ") + k + " " + std::to_string(v);
  size_t limits = 0;
  for (auto& s : sum.sites) limits += s.limits.size();
  spdlog::info("crawl {} done: {} sites ({} unreachable), {} pages ({} unchanged since the last crawl, {} not asked again), "
               "{} checked links, {:.1f} MB in {:.1f} s ({:.0f} pages/s); errors: {}; limits hit: {}", r.run, sites.size(), r.unreachable,
               sum.pages, sum.not_modified, sum.carried, sum.checked,
               double(sum.bytes) / 1e6, sum.seconds, sum.seconds > 0 ? sum.pages / sum.seconds : 0.0,
               errs.empty() ? "none" : errs, limits);
  spdlog::info("connections: at most {} open of a limit of {} ({}); held back by that limit {:.1f} s, paused for the parsers {:.1f} s",
               sum.peak_connections, sum.connection_limit, sum.connections_auto ? "auto" : "crawl.global_connections",
               sum.connections_wait_s, sum.parsers_wait_s);
  if (!sum.connections_auto && sum.seconds > 10 && sum.connections_wait_s > 0.1 * sum.seconds)
    spdlog::warn("crawl.global_connections = {} held hosts with work back for {:.0f} % of the crawl; 0 (auto) sizes it by "
                 "the hosts in flight and their per-host limits", sum.connection_limit, 100 * sum.connections_wait_s / sum.seconds);
  return r;
}

namespace {
// A site's measures with what the store knows of it besides the pages: its crawl's status and limits,
// the availability probes in the window before the audit date, where its findings' evidence is.
class SiteMeasurer {
 public:
  SiteMeasurer(Store& store, const Config& cfg, std::int64_t crawl_run, const Date& today)
      : store_(store), cfg_(cfg), crawl_(crawl_run), ctx_{today, &cfg}, rows_(store.site_summaries(crawl_run, false)),
        since_(today.plus_days(-cfg.scoring.availability_window_days).iso() + "T00:00:00Z"),
        until_(today.plus_days(1).iso() + "T00:00:00Z") {}

  SiteMeasures operator()(const SiteView& v, const std::set<std::string>& finding_urls) {
    SiteMeasures m = measure_site(v, ctx_);
    if (auto it = rows_.find(v.site.id); it != rows_.end()) {
      m.status = it->second.status;
      m.error = it->second.error;
      m.limits = it->second.limits;
    }
    std::tie(m.probes, m.probes_failed) = store_.availability(v.site.id, since_, until_);
    m.warc = store_.warc_records(crawl_, v.site.id, finding_urls);
    return m;
  }
  const RuleContext& context() const { return ctx_; }

 private:
  Store& store_;
  const Config& cfg_;
  std::int64_t crawl_;
  RuleContext ctx_;
  std::map<std::string, SiteSummaryRow> rows_;
  std::string since_, until_;
};
}  // namespace

StageResult audit_stage(Store& store, const Config& cfg, std::int64_t crawl_run, const Date& today) {
  StageResult r;
  r.run = store.begin_run(RunKind::Audit, today, crawl_run, "{}");
  SiteMeasurer measure(store, cfg, crawl_run, today);
  auto rules = all_rules(cfg);
  auto meta = meta_names_read(cfg);
  std::vector<Finding> findings;
  std::map<std::string, SiteMeasures> measures;
  // A delta crawl's findings on pages it did not ask again say since when they stand unchecked.
  auto carried = store.carried_pages(crawl_run);
  store.for_each_site_view(crawl_run, [&](SiteView& v) {
    std::set<std::string> urls;
    std::string cut = crawl_cut_short(v.limits);  // a finding of a site crawled in part says so
    for (auto& f : judge(v, rules, measure.context())) {
      urls.insert(f.url);
      auto c = carried.find(f.site_id + '\n' + f.url);
      if (c == carried.end()) c = carried.find(f.site_id + '\n' + f.subject);
      if (c != carried.end() || !cut.empty())
        if (auto d = nlohmann::json::parse(f.detail_json, nullptr, false); d.is_object()) {
          if (c != carried.end()) d["not_rechecked_since"] = c->second.substr(0, 10);
          if (!cut.empty()) d["crawl_cut_short"] = cut;
          f.detail_json = d.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
        }
      findings.push_back(std::move(f));
    }
    fault_point("audit");
    measures[v.site.id] = measure(v, urls);
  }, Store::ViewParts::Audit, &meta);
  store.save_findings(r.run, findings);
  store.put_site_measures(r.run, measures);
  store.finish_run(r.run, RunStatus::Done);
  r.findings = int(findings.size());
  spdlog::info("audit {} of crawl {}: {} findings on {} sites (audit date {})", r.run, crawl_run, findings.size(),
               measures.size(), today.iso());
  return r;
}

void ensure_measures(Store& store, const Config& cfg, std::int64_t audit_run) {
  auto a = store.run(audit_run);
  if (!a || a->kind != RunKind::Audit || !a->crawl_run || !store.site_measures(audit_run).empty()) return;
  auto today = Date::parse_iso(a->today);
  if (!today) return;
  std::map<std::string, std::set<std::string>> urls;
  for (auto& f : store.findings(audit_run)) urls[f.site_id].insert(f.url);
  SiteMeasurer measure(store, cfg, *a->crawl_run, *today);
  auto meta = meta_names_read(cfg);
  std::map<std::string, SiteMeasures> measures;
  store.for_each_site_view(*a->crawl_run, [&](SiteView& v) { measures[v.site.id] = measure(v, urls[v.site.id]); },
                           Store::ViewParts::Pages, &meta);
  if (measures.empty()) return;
  spdlog::info("audit run {} was stored by an older govaudit: measured its {} sites once from crawl run {}", audit_run,
               measures.size(), *a->crawl_run);
  store.put_site_measures(audit_run, measures);
}

std::vector<std::filesystem::path> report_stage(Store& store, const Config& cfg, std::int64_t audit_run,
                                                const std::filesystem::path& out, const std::set<std::string>& formats,
                                                bool notify) {
  ensure_measures(store, cfg, audit_run);
  auto data = load_report_data(store, cfg, audit_run);
  auto files = write_reports(data, out, formats, [](const std::filesystem::path&) { fault_point("report"); });
  store.mark_reported(audit_run);
  if (notify) notify_new_findings(data, cfg.notify);  // logged when it fails; the run stands
  return files;
}

JobResult run_job(Store& store, const std::string& db_path, const Config& cfg, const std::vector<Site>& sites,
                  const Date& today, const std::string& options_json, const std::filesystem::path& out,
                  const CrawlOptions& opt) {
  JobResult r;
  auto left = opt.fresh ? std::nullopt : unfinished_job(store, sites, options_json);
  if (!left && opt.continuing_in_new_image)  // the site list changed under the job: never crawl twice
    throw std::runtime_error("the crawl just stored is not this job's (the site list or options changed); run again");
  if (!left) {
    r.crawl = crawl_stage(store, db_path, cfg, sites, today, options_json, opt);
    fault_point("crawled");
    if (opt.after_crawl) opt.after_crawl();
    r.audit = audit_stage(store, cfg, r.crawl.run, today);
    r.files = report_stage(store, cfg, r.audit.run, out, {}, true);
    return r;
  }
  r.crawl.run = left->crawl_run;
  Date day = Date::parse_iso(store.run(left->crawl_run)->today).value_or(today);
  if (left->audit_run) {
    spdlog::info("continuing the unfinished run: crawl run {} and audit run {} are complete; writing the reports",
                 left->crawl_run, *left->audit_run);
    r.audit.run = *left->audit_run;
    r.audit.findings = int(store.findings(r.audit.run).size());
  } else {
    spdlog::log(opt.continuing_in_new_image ? spdlog::level::debug : spdlog::level::info,
                "continuing the unfinished run: crawl run {} is complete (audit date {}); auditing it without "
                "fetching again", left->crawl_run, day.iso());
    r.audit = audit_stage(store, cfg, r.crawl.run, day);
  }
  r.files = report_stage(store, cfg, r.audit.run, out, {}, true);
  return r;
}

}  // namespace govaudit
