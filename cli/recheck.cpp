#include "cli/recheck.hpp"

#include <spdlog/spdlog.h>

#include <filesystem>
#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <stdexcept>

#include "crawler/crawler.hpp"
#include "crawler/net/netguard.hpp"
#include "rules/rule.hpp"
#include "storage/writer.hpp"

namespace govaudit {

namespace fs = std::filesystem;

std::vector<std::string> pages_to_recheck(const Finding& f, const Site& site) {
  const std::string& r = f.rule;
  if (r.rfind("footer.", 0) == 0 || r == "homepage.stale" || r == "site.unreachable") return {site.homepage};
  if (r == "links.broken") return {f.url, f.subject};  // the page linking to it, and the target
  if (r == "security.hidden_link") return {f.url};     // the page that hides the link
  if (r == "privacy.id_number" || r == "privacy.phone_number" || r.rfind("wording.", 0) == 0) return {f.subject};
  if (r == "columns.stale" || r == "columns.empty") return {site.homepage, f.url};  // found from the homepage, judged on its list
  return {};  // a share of all pages, a pair of documents, IPv6, HTTPS …: the next full run decides
}

namespace {

struct Claim {
  StoredFinding sf;
  std::vector<std::string> urls;
};

// The audited crawl's state with only `open` left to do: every other page it recorded counts as
// done (not fetched again), its probes as made; tasks it never finished are dropped.
CrawlState only_these(const CrawlState& old, const std::map<std::string, std::set<std::string>>& open) {
  CrawlState st;
  auto reopened = [&](const std::string& site, const std::string& u) {
    auto it = open.find(site);
    return it != open.end() && it->second.count(u);
  };
  std::set<std::string> done;
  for (auto& p : old.pages) {
    if (!open.count(p.site_id) || reopened(p.site_id, p.url) || reopened(p.site_id, p.final_url)) continue;
    done.insert(p.site_id + '\n' + p.url);
    st.pages.push_back(p);
  }
  std::set<std::string> probed, queued;
  for (auto& p : old.probes)
    if (open.count(p.site_id)) probed.insert(p.site_id + '\n' + p.url), st.probes.push_back(p);
  for (auto& f : old.frontier) {
    if (!open.count(f.site_id)) continue;
    bool keep = f.mode == "probe" ? probed.count(f.site_id + '\n' + f.url) > 0
                                  : reopened(f.site_id, f.url) || done.count(f.site_id + '\n' + f.url);
    if (!keep) continue;
    if (f.mode != "probe") queued.insert(f.site_id + '\n' + f.url);
    st.frontier.push_back(f);
  }
  for (auto& [site, urls] : open)
    for (auto& u : urls)
      if (!queued.count(site + '\n' + u)) st.frontier.push_back({site, u, "check", 1, false, 0, "", 0});
  st.dns = old.dns;
  return st;
}

}  // namespace

RecheckSource sqlite_recheck_source(Store& store, const std::string& db_path, std::int64_t audit_run) {
  auto audit = store.run(audit_run);
  if (!audit || audit->kind != RunKind::Audit || !audit->crawl_run) throw std::invalid_argument("run " + std::to_string(audit_run) + " is not an audit run");
  RecheckSource src;
  std::int64_t crawl_run = *audit->crawl_run;
  for (auto& s : store.sites(crawl_run)) src.sites[s.id] = s;
  src.today = audit->today;
  src.crawl_state = [&store, crawl_run](const std::set<std::string>&) { return store.crawl_state(crawl_run); };
  src.dir = fs::absolute(db_path).parent_path();
  src.keep_evidence = [](const fs::path&) { return std::string(); };  // already beside the database
  return src;
}

// A claim's verdict from what its pages answered this time and the findings judged on them.
static Recheck verdict(const Claim& c, std::int64_t audit_run, const std::map<std::string, const PageRecord*>& got,
                const std::set<ReviewKey>& found) {
  const Finding& f = c.sf.finding;
  Recheck r{0, f.site_id, f.rule, f.subject, audit_run, RecheckResult::Unmeasured, "", "", ""};
  if (c.urls.empty()) {
    r.note = "该规则需完整采集才能判断，留待下次全面检测";
    return r;
  }
  // The page the rule reads must have answered (a broken link's target may answer anything).
  auto page = got.find(c.urls.front());
  bool ok = page != got.end() && page->second->error_kind == ErrorKind::None && page->second->status >= 200 && page->second->status < 400;
  if (!ok) {
    r.note = "复查时页面未能获取：" + c.urls.front();
  } else if ((f.rule == "columns.stale" || f.rule == "columns.empty") && found.count({f.site_id, "columns.missing", f.subject})) {
    r.note = "复查页面中未识别出该栏目";
  } else {
    r.result = found.count(key_of(f)) ? RecheckResult::Failed : RecheckResult::Passed;
    r.note = "复查页面：" + c.urls.front();
  }
  return r;
}

RecheckSummary recheck_claims(Campaign& campaign, std::int64_t audit_run, const RecheckSource& src, const Config& cfg) {
  RecheckSummary out;
  out.audit_run = audit_run;
  auto sites = src.sites;
  auto reviews = campaign.reviews_for(audit_run);
  std::vector<Claim> claims;
  std::map<std::string, std::set<std::string>> open;  // site -> URLs to fetch again
  for (auto& sf : campaign.stored_findings(audit_run)) {
    auto r = reviews.find(key_of(sf.finding));
    if (r == reviews.end() || review_state(&r->second, audit_run) != ReviewState::FixClaimed) continue;
    Claim c{sf, pages_to_recheck(sf.finding, sites[sf.finding.site_id])};
    for (auto& u : c.urls) open[sf.finding.site_id].insert(u);
    claims.push_back(std::move(c));
  }
  if (claims.empty()) throw std::invalid_argument("audit run " + std::to_string(audit_run) + " has no finding claimed fixed (已整改) to recheck");

  // The claims' pages, fetched by the crawl engine resuming the audited crawl with only them open,
  // into a database and WARC files of their own beside the run's.
  std::map<std::string, std::map<std::string, const PageRecord*>> answered;  // site -> URL -> answer
  std::set<ReviewKey> found;
  std::unique_ptr<Store> rstore;
  std::int64_t rrun = 0;
  std::string evidence_prefix;
  std::vector<SiteView> views;
  if (!open.empty()) {
    const fs::path& dir = src.dir;
    fs::create_directories(dir);
    std::string name;
    for (int n = 1; name.empty() || fs::exists(dir / (name + ".db")); ++n) name = "recheck-" + std::to_string(audit_run) + "-" + std::to_string(n);
    rstore = std::make_unique<Store>((dir / (name + ".db")).string());
    Date today = Date::parse_iso(src.today).value_or(Date::today_china());
    rrun = rstore->begin_run(RunKind::Crawl, today, std::nullopt, nlohmann::json{{"job", "recheck"}, {"audit_run", audit_run}}.dump());
    std::vector<Site> some;
    std::set<std::string> ids;
    for (auto& [id, urls] : open) some.push_back(sites[id]), ids.insert(id);
    rstore->add_sites(rrun, some);
    NetGuard guard(cfg.allow_net);
    CrawlSummary sum;
    {
      Writer writer((dir / (name + ".db")).string(), rrun, WarcOptions{dir / (name + "-warc"), cfg.crawl.warc_rotate_bytes, cfg.crawl.warc_gzip_level, {}});
      Crawler crawler(cfg, guard, writer);
      crawler.keep_evidence(true);
      crawler.audit_date(today);
      crawler.resume(only_these(src.crawl_state(ids), open));
      sum = crawler.run(some);
      writer.flush();
    }
    for (auto& s : sum.sites) rstore->set_site_status(rrun, s.site_id, s.status, s.error, s.limits);
    rstore->finish_run(rrun, RunStatus::Done);
    evidence_prefix = src.keep_evidence(dir / (name + "-warc"));
    out.fetched = sum.pages + sum.checked;
    auto rules = all_rules(cfg);
    RuleContext ctx{today, &cfg};
    views = rstore->load_site_views(rrun);
    for (auto& v : views) {
      for (auto& p : v.pages) answered[v.site.id][p.url] = &p, answered[v.site.id][p.final_url] = &p;
      for (auto& f : judge(v, rules, ctx)) found.insert(key_of(f));
    }
  }

  for (auto& c : claims) {
    Recheck r = verdict(c, audit_run, answered[c.sf.finding.site_id], found);
    if (r.result != RecheckResult::Unmeasured) {
      const Finding& f = c.sf.finding;
      std::string loc = rstore->page_warc(rrun, f.site_id, c.urls.size() > 1 && f.rule == "links.broken" ? c.urls[1] : c.urls.front());
      r.warc = loc.empty() ? "" : evidence_prefix + loc;
    }
    campaign.add_recheck(r);
    out.results.push_back(std::move(r));
  }
  spdlog::info("recheck of audit run {}: {} claims, {} URLs fetched", audit_run, claims.size(), out.fetched);
  return out;
}

}  // namespace govaudit
