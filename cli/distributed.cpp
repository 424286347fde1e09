#include "cli/distributed.hpp"

#include <spdlog/spdlog.h>
#include <unistd.h>

#include <algorithm>
#include <boost/asio/io_context.hpp>
#include <chrono>
#include <condition_variable>
#include <fstream>
#include <map>
#include <mutex>
#include <set>
#include <nlohmann/json.hpp>
#include <thread>

#include "cli/pipeline.hpp"
#include "config/sites.hpp"
#include "crawler/net/dns.hpp"
#include "model/clock.hpp"
#include "model/strings.hpp"
#include "model/url.hpp"
#include "reports/report.hpp"
#include "storage/shared_store.hpp"

namespace govaudit {

namespace fs = std::filesystem;
using nlohmann::json;

namespace {

std::string unit_host(const Site& s) {
  std::string host = url::host_of(s.homepage);
  return host.empty() ? s.homepage : host;  // not a URL: a unit of its own, and the worker records why
}

// The configuration a run was planned with, as this machine reads it.
Config run_config(const SharedRun& r) {
  Config cfg = load_config_text(r.config, "(the configuration of shared run " + std::to_string(r.id) + ")");
  auto o = json::parse(r.options, nullptr, false);
  if (o.is_object()) {
    if (auto d = split_csv(o.value("dns", "")); !d.empty()) cfg.dns.servers = d;
    for (auto& c : split_csv(o.value("allow_net", ""))) cfg.allow_net.push_back(c);
  }
  return cfg;
}

// Renews leases every third of their time on a connection of its own, until stopped; a lease
// found lost is not renewed again (and its unit is not published).
class Heartbeat {
 public:
  Heartbeat(const std::string& uri, const std::vector<Lease>& leases, std::chrono::seconds ttl)
      : lost_(leases.size(), false), thread_([this, uri, leases, ttl] {
          std::unique_ptr<SharedStore> db;
          std::unique_lock lock(m_);
          while (!cv_.wait_for(lock, ttl / 3, [this] { return stop_; })) {
            try {
              if (!db) db = std::make_unique<SharedStore>(uri);
              for (size_t i = 0; i < leases.size(); ++i)
                if (!lost_[i] && !db->renew(leases[i], ttl)) {
                  lost_[i] = true;
                  spdlog::warn("worker: lost the lease of unit {} of run {} (generation {})", leases[i].unit, leases[i].run,
                               leases[i].generation);
                }
            } catch (const std::exception& e) {  // the database away for a while: try again at the next beat
              spdlog::warn("worker: could not renew leases: {}", e.what());
              db.reset();
            }
          }
        }) {}
  ~Heartbeat() {
    {
      std::lock_guard lock(m_);
      stop_ = true;
    }
    cv_.notify_all();
    thread_.join();
  }
  bool lost(size_t i) {
    std::lock_guard lock(m_);
    return lost_[i];
  }

 private:
  std::mutex m_;
  std::condition_variable cv_;
  bool stop_ = false;
  std::vector<bool> lost_;
  std::thread thread_;
};

// The measures of a unit's sites, their evidence locations made keys under the artifact store.
std::map<std::string, SiteMeasures> published_measures(const std::map<std::string, SiteMeasures>& all, const std::set<std::string>& mine,
                                                       const std::string& prefix) {
  std::map<std::string, SiteMeasures> out;
  for (auto& [id, m] : all)
    if (mine.count(id)) {
      auto& p = out[id] = m;
      for (auto& [url, loc] : p.warc) loc = prefix + loc;
    }
  return out;
}

// Judges the database a unit of an audit run names and publishes the unit; false when its lease was lost.
bool judge(const Lease& l, const Config& cfg, const Date& today, const fs::path& dir, ArtifactStore& artifacts, bool lost,
           SharedStore& shared) {
  fs::path db = dir / ("unit-" + std::to_string(l.unit) + ".db");
  artifacts.get(l.source, db.string());
  Publication pub;
  {
    Store store(db.string());
    auto crawl = store.latest_run(RunKind::Crawl);
    if (!crawl) throw std::runtime_error(l.source + ": holds no crawl");
    auto audit = audit_stage(store, cfg, crawl->id, today);
    std::set<std::string> mine;
    for (auto& s : l.sites) mine.insert(s.id);
    // The evidence stays where the crawl's workers put it, beside the database judged.
    std::string prefix = fs::path(l.source).parent_path().string() + "/";
    for (auto& f : store.findings(audit.run))
      if (mine.count(f.site_id)) {
        std::string loc = store.page_warc(crawl->id, f.site_id, f.url);
        pub.evidence.push_back(loc.empty() ? "" : prefix + loc);
        pub.findings.push_back(f);
      }
    for (auto& [id, s] : store.site_summaries(crawl->id))
      if (mine.count(id)) pub.sites.push_back({id, s.status, s.error, s.pages, s.checked});
    pub.measures = published_measures(store.site_measures(audit.run), mine, prefix);
  }
  std::string key = "run-" + std::to_string(l.run) + "/unit-" + std::to_string(l.unit) + "-g" + std::to_string(l.generation) + "/govaudit.db";
  artifacts.put(db.string(), key);
  pub.artifacts.push_back({key, "db", std::int64_t(fs::file_size(db))});
  if (lost || !shared.publish(l, pub)) {
    spdlog::warn("worker: unit {} of run {} was taken over (generation {}); nothing published", l.unit, l.run, l.generation);
    return false;
  }
  spdlog::info("worker: judged and published unit {} of run {}: {} findings", l.unit, l.run, pub.findings.size());
  return true;
}

}  // namespace

std::int64_t plan_audit(const std::string& uri, std::int64_t parent_id, const std::string& config_file, const std::string& today) {
  SharedStore shared(uri);
  std::optional<SharedRun> parent;
  if (parent_id) parent = shared.run(parent_id);
  else
    for (auto& r : shared.runs())
      if (r.kind == "crawl" && r.status == "done") parent = r;
  if (!parent || parent->kind != "crawl") throw std::invalid_argument("no finished crawl run to judge in " + pg::redact(uri));
  // One unit per database the crawl's workers made (a batch of its units), with those units' sites.
  std::vector<std::pair<std::string, std::vector<Site>>> units;
  std::map<std::string, size_t> index;
  int skipped = 0;
  for (auto& u : shared.units(parent->id)) {
    std::string key;
    for (auto& a : shared.artifacts(parent->id, u.id))
      if (a.kind == "db") key = a.key;
    if (u.state != "done" || key.empty()) {
      skipped += int(u.sites.size());
      continue;
    }
    auto [it, fresh] = index.emplace(key, units.size());
    if (fresh) units.push_back({key, {}});
    auto& sites = units[it->second].second;
    sites.insert(sites.end(), u.sites.begin(), u.sites.end());
  }
  if (units.empty()) throw std::invalid_argument("run " + std::to_string(parent->id) + " has no published unit to judge");
  if (skipped) spdlog::warn("{} sites of run {} were not crawled to the end; they are not judged", skipped, parent->id);
  std::string config = config_file.empty() ? parent->config : read_file(config_file);
  auto id = shared.create_audit_run(parent->id, today.empty() ? parent->today : today, config, units);
  spdlog::info("planned audit run {} of crawl run {}: {} units", id, parent->id, units.size());
  return id;
}

std::int64_t plan_run(const PlanOptions& o) {
  Config cfg = load_config(o.config_file.empty() ? std::nullopt : std::optional<fs::path>(o.config_file));
  if (!o.dns.empty()) cfg.dns.servers = split_csv(o.dns);
  auto sites = load_sites(o.sites_file);
  if (sites.empty()) throw std::invalid_argument("plan: no sites in " + o.sites_file);
  std::map<std::string, std::string> key_of_host;  // homepage host -> unit key
  if (o.units_by == "ip") {
    // Sites whose homepage hosts share an address are one unit: one process keeps that server's
    // per-IP politeness. Names that do not resolve stay units of their own (the worker records why).
    boost::asio::io_context io;
    Resolver resolver(io, cfg.dns);
    for (auto& s : sites) {
      std::string host = unit_host(s);
      if (key_of_host.count(host)) continue;
      key_of_host[host] = "host:" + host;
      resolver.resolve(host, [&key_of_host, host](const HostAnswer& a) {
        if (!a.v4.empty()) key_of_host[host] = a.v4.front();
        else if (!a.v6.empty()) key_of_host[host] = a.v6.front();
      });
    }
    io.run();
  } else if (o.units_by != "host") {
    throw std::invalid_argument("plan: --units-by ip|host");
  }
  std::vector<std::pair<std::string, std::vector<Site>>> units;
  std::map<std::string, size_t> index;
  for (auto& s : sites) {
    std::string host = unit_host(s);
    std::string key = key_of_host.count(host) ? key_of_host[host] : "host:" + host;
    auto [it, fresh] = index.emplace(key, units.size());
    if (fresh) units.push_back({key, {}});
    units[it->second].second.push_back(s);
  }
  std::string today = o.today.empty() ? Date::today_china().iso() : o.today;
  if (!Date::parse_iso(today)) throw std::invalid_argument("--today: '" + today + "' is not a date (YYYY-MM-DD)");
  std::string config_text = o.config_file.empty() ? "" : read_file(o.config_file);
  SharedStore shared(o.uri);
  auto run = shared.create_run(today, json{{"dns", o.dns}, {"allow_net", o.allow_net}, {"sites", o.sites_file}, {"fresh", o.fresh}}.dump(), config_text, units);
  spdlog::info("planned run {} in {}: {} sites in {} units (by {})", run, pg::redact(o.uri), sites.size(), units.size(), o.units_by);
  return run;
}

namespace {

// Claims up to o.batch units of one run (another run's unit waits for the next batch). Empty when
// none is open, or when the database is away for a while (then `shared` is reset: what was
// claimed expires).
std::vector<Lease> claim_batch(std::unique_ptr<SharedStore>& shared, const WorkerOptions& o, const std::string& owner,
                               std::chrono::seconds ttl, int worked, bool& idle) {
  std::vector<Lease> batch;
  try {
    if (!shared) shared = std::make_unique<SharedStore>(o.uri);
    while (int(batch.size()) < o.batch && (o.max_units == 0 || worked + int(batch.size()) < o.max_units)) {
      auto l = shared->claim(owner, ttl, o.max_attempts);
      if (!l) break;
      if (!batch.empty() && l->run != batch.front().run) {
        shared->release(*l);
        break;
      }
      batch.push_back(std::move(*l));
    }
    idle = batch.empty() && shared->open_units() == 0;
  } catch (const pg::Error& e) {
    spdlog::warn("worker: {}; retrying in 2 s", e.what());
    shared.reset();
    batch.clear();
  }
  return batch;
}

// A new batch's database starts with the last crawl of each of its sites in an earlier run of the
// store (each from its unit's database), so that its pages are asked again with their validators;
// the earlier WARC records stay in the artifact store, where the revisits refer to them by key.
void take_over_earlier_crawls(SharedStore& shared, DirectoryArtifacts& artifacts, Store& store, const std::vector<Site>& sites,
                              std::int64_t run_id, const Date& today, const fs::path& dir) {
  std::vector<std::string> ids;
  for (auto& s : sites) ids.push_back(s.id);
  std::map<std::string, std::vector<Site>> by_db;
  auto earlier = shared.earlier_crawls(run_id, ids);
  for (auto& s : sites)
    if (auto k = earlier.find(s.id); k != earlier.end()) by_db[k->second].push_back(s);
  for (auto& [key, of] : by_db) {
    fs::path copy = dir / "earlier.db";
    try {  // without it the sites are fetched anew: slower, never wrong
      artifacts.get(key, copy.string());
      Store{copy.string()};  // an older govaudit's database is brought to this schema first
      std::string prefix = key.substr(0, key.size() - std::string("govaudit.db").size());
      if (auto run = store.import_crawl(copy.string(), of, prefix, today))
        spdlog::info("{} sites: asked again with the validators of their crawl in {} (crawl run {} here)", of.size(), key, run);
    } catch (const std::exception& e) {
      spdlog::warn("{} sites: their earlier crawl in {} cannot be taken over ({}); fetched anew", of.size(), key, e.what());
    }
    std::error_code ec;
    for (auto* suffix : {"", "-wal", "-shm", ".lock"}) fs::remove(copy.string() + suffix, ec);
  }
}

// Crawls, audits and reports the batch's sites as one job into `dir`, puts its database and WARC
// files in the artifact store, and publishes each unit whose lease still holds. Returns how many.
int crawl_and_publish(const std::vector<Lease>& batch, const std::vector<Site>& sites, const std::string& units, const SharedRun& run,
                      const fs::path& dir, DirectoryArtifacts& artifacts, Heartbeat& beat, SharedStore& shared, const std::string& owner) {
  std::int64_t run_id = batch.front().run;
  Config cfg = run_config(run);
  cfg.notify.webhook.clear();  // a unit is part of a run, not a run: no message per unit
  Date today = *Date::parse_iso(run.today);
  fs::path db = dir / "govaudit.db", out = dir / "out";
  bool fresh_db = !fs::exists(db);
  std::string prefix = "run-" + std::to_string(run_id) + "/units-" + units + "-g" + std::to_string(batch.front().generation) + "/";
  std::vector<Finding> findings;
  std::vector<std::string> evidence;  // per finding: its WARC record under the artifact store
  std::map<std::string, SiteResult> results;
  std::map<std::string, SiteMeasures> measures;
  {
    Store store(db.string());
    CrawlOptions crawl{out / "warc", json::parse(run.options, nullptr, false).value("fresh", false)};
    crawl.earlier_warc_root = artifacts.root();
    if (fresh_db && !crawl.fresh) take_over_earlier_crawls(shared, artifacts, store, sites, run_id, today, dir);
    auto job = run_job(store, db.string(), cfg, sites, today, json{{"job", "worker"}, {"run", run_id}, {"units", units}}.dump(), out, crawl);
    findings = store.findings(job.audit.run);
    for (auto& f : findings) {
      std::string loc = store.page_warc(job.crawl.run, f.site_id, f.url);
      evidence.push_back(loc.empty() ? "" : prefix + loc);
    }
    for (auto& [id, s] : store.site_summaries(job.crawl.run)) results[id] = {id, s.status, s.error, s.pages, s.checked};
    measures = store.site_measures(job.audit.run);
  }  // closed: the database file is whole before it is copied
  std::vector<Artifact> files;
  artifacts.put(db.string(), prefix + "govaudit.db");
  files.push_back({prefix + "govaudit.db", "db", std::int64_t(fs::file_size(db))});
  if (fs::exists(out / "warc"))
    for (auto& e : fs::directory_iterator(out / "warc")) {
      artifacts.put(e.path().string(), prefix + "warc/" + e.path().filename().string());
      files.push_back({prefix + "warc/" + e.path().filename().string(), "warc", std::int64_t(fs::file_size(e.path()))});
    }
  int published = 0;
  for (size_t i = 0; i < batch.size(); ++i) {
    const Lease& l = batch[i];
    Publication pub;
    std::set<std::string> mine;
    for (auto& s : l.sites) mine.insert(s.id), pub.sites.push_back(results[s.id]);
    pub.measures = published_measures(measures, mine, prefix);
    for (size_t k = 0; k < findings.size(); ++k)
      if (mine.count(findings[k].site_id)) pub.findings.push_back(findings[k]), pub.evidence.push_back(evidence[k]);
    pub.artifacts = files;
    if (beat.lost(i) || !shared.publish(l, pub)) {
      spdlog::warn("worker {}: unit {} of run {} was taken over (generation {} no longer holds the lease); nothing published", owner,
                   l.unit, l.run, l.generation);
      continue;
    }
    ++published;
    spdlog::info("worker {}: published unit {} of run {}: {} findings, {} sites", owner, l.unit, l.run, pub.findings.size(), pub.sites.size());
  }
  return published;
}

}  // namespace

int run_worker(const WorkerOptions& o) {
  std::string owner = o.name;
  if (owner.empty()) {
    char host[256] = {0};
    gethostname(host, sizeof host - 1);
    owner = std::string(host) + ":" + std::to_string(::getpid());
  }
  DirectoryArtifacts artifacts(o.store.string());
  std::unique_ptr<SharedStore> shared;
  auto ttl = std::chrono::seconds(o.lease_seconds);
  int published = 0, worked = 0;
  while (o.max_units == 0 || worked < o.max_units) {
    // A batch of units of one run, crawled together by one engine: a worker keeps its machine as
    // busy as one `govaudit run` over the same sites would (units one by one left it mostly waiting).
    bool idle = false;
    std::vector<Lease> batch = claim_batch(shared, o, owner, ttl, worked, idle);
    if (batch.empty() && idle && o.exit_when_idle) break;
    if (batch.empty()) {
      std::this_thread::sleep_for(std::chrono::seconds(2));
      continue;
    }
    worked += int(batch.size());
    std::int64_t run_id = batch.front().run;
    std::vector<Site> sites;
    std::string units;
    for (auto& l : batch) {
      sites.insert(sites.end(), l.sites.begin(), l.sites.end());
      units += (units.empty() ? "" : "+") + std::to_string(l.unit);
    }
    spdlog::info("worker {}: run {}, units {}: {} sites", owner, run_id, units, sites.size());
    // The same units claimed again on this machine continue from their database.
    fs::path dir = o.work / ("run-" + std::to_string(run_id)) / ("units-" + units);
    Heartbeat beat(o.uri, batch, ttl);
    try {
      auto run = shared->run(run_id);
      if (!run) throw std::runtime_error("run " + std::to_string(run_id) + " is gone");
      fs::create_directories(dir);
      if (run->kind == "audit") {  // re-judging: each unit's database, as its crawl left it, with this run's rules
        Config cfg = run_config(*run);
        Date today = *Date::parse_iso(run->today);
        for (size_t i = 0; i < batch.size(); ++i)
          if (judge(batch[i], cfg, today, dir, artifacts, beat.lost(i), *shared)) ++published;
        continue;
      }
      published += crawl_and_publish(batch, sites, units, *run, dir, artifacts, beat, *shared, owner);
    } catch (const std::exception& e) {
      spdlog::error("worker {}: units {} of run {} failed: {}", owner, units, run_id, e.what());
      try {
        for (auto& l : batch) shared->fail(l, e.what(), o.max_attempts);
      } catch (const std::exception&) {
        shared.reset();  // the leases expire and the units are claimed again
      }
    }
  }
  return published;
}

std::unique_ptr<LoadedReport> shared_report_data(const std::string& uri, std::int64_t run_id) {
  SharedStore shared(uri);
  auto runs = shared.runs();
  if (runs.empty()) throw std::invalid_argument("no runs in " + pg::redact(uri));
  std::optional<SharedRun> run = run_id ? shared.run(run_id) : std::optional<SharedRun>(runs.back());
  if (!run) throw std::invalid_argument("no run " + std::to_string(run_id) + " in " + pg::redact(uri));
  auto out = std::make_unique<LoadedReport>();
  out->config = run_config(*run);
  ReportData& d = out->data;
  d.config = &out->config;
  d.audit.id = d.crawl.id = run->id;
  d.audit.kind = RunKind::Audit;
  d.audit.today = d.crawl.today = run->today;
  d.audit.started_at = d.crawl.started_at = run->created_at;
  d.audit.status = d.crawl.status = run->status == "done" ? RunStatus::Done : RunStatus::Running;
  auto measures = shared.site_measures(run->id);
  for (auto& u : shared.units(run->id))
    for (auto& site : u.sites) {  // every site listed: not audited ones as such, never silently left out
      SiteSummary s;
      auto m = measures.find(site.id);
      if (u.state == "done" && m != measures.end()) static_cast<SiteMeasures&>(s) = std::move(m->second);
      s.site = site;
      if (!site_audited(s)) {
        s.status = "not_audited";
        s.error = u.state == "failed"   ? "测评失败（" + std::to_string(u.attempts) + " 次尝试均失败：" + u.error + "）"
                  : u.state == "leased" ? "测评进行中，尚未完成"
                  : u.state == "done"   ? "测评结果缺失（工作单元已完成，但没有本站的测评数据）"
                                        : "尚未测评（等待处理）";
      }
      d.sites.push_back(std::move(s));
    }
  apply_reviews(d, shared, run->id);
  return out;
}

RecheckSummary recheck_shared(const SharedRecheck& o) {
  SharedStore shared(o.uri);
  auto runs = shared.runs();
  if (runs.empty()) throw std::invalid_argument("no runs in " + pg::redact(o.uri));
  std::optional<SharedRun> run = o.run ? shared.run(o.run) : std::optional<SharedRun>(runs.back());
  if (!run) throw std::invalid_argument("no run " + std::to_string(o.run) + " in " + pg::redact(o.uri));
  Config cfg = o.config_file.empty() ? run_config(*run) : load_config(fs::path(o.config_file));
  if (!o.dns.empty()) cfg.dns.servers = split_csv(o.dns);
  for (auto& c : split_csv(o.allow_net)) cfg.allow_net.push_back(c);
  DirectoryArtifacts artifacts(o.store.string());
  bool scratch = o.work.empty();
  fs::path work = scratch ? fs::temp_directory_path() / ("govaudit-recheck-" + std::to_string(::getpid())) : o.work;
  std::string id = std::to_string(run->id), stamp = now_iso_utc();
  stamp.erase(std::remove_if(stamp.begin(), stamp.end(), [](char c) { return c == ':' || c == '-'; }), stamp.end());
  RecheckSource src;
  std::map<std::string, std::vector<std::string>> databases;  // site -> its unit's database keys
  for (auto& u : shared.units(run->id)) {
    std::vector<std::string> keys;
    for (auto& a : shared.artifacts(run->id, u.id))
      if (a.kind == "db") keys.push_back(a.key);
    for (auto& s : u.sites) src.sites[s.id] = s, databases[s.id] = keys;
  }
  src.today = run->today;
  src.dir = work / ("recheck-run-" + id + "-" + stamp);
  src.crawl_state = [&](const std::set<std::string>& sites) {
    std::set<std::string> keys;
    for (auto& s : sites) keys.insert(databases[s].begin(), databases[s].end());
    CrawlState all;
    int n = 0;
    for (auto& key : keys) {
      fs::path local = src.dir / ("unit-" + std::to_string(++n) + ".db");
      artifacts.get(key, local.string());
      Store unit(local.string());
      auto crawl = unit.latest_run(RunKind::Crawl);
      if (!crawl) throw std::runtime_error(key + ": holds no crawl");
      auto st = unit.crawl_state(crawl->id);
      all.frontier.insert(all.frontier.end(), st.frontier.begin(), st.frontier.end());
      all.pages.insert(all.pages.end(), st.pages.begin(), st.pages.end());
      all.probes.insert(all.probes.end(), st.probes.begin(), st.probes.end());
      all.dns.insert(all.dns.end(), st.dns.begin(), st.dns.end());
      all.limits.insert(all.limits.end(), st.limits.begin(), st.limits.end());
    }
    return all;
  };
  // Each recheck's evidence under a key of its own: two machines rechecking one run never collide.
  std::string prefix = "run-" + id + "/recheck-" + stamp + "-" + std::to_string(::getpid()) + "/";
  src.keep_evidence = [&](const fs::path& warc) {
    if (fs::exists(warc))
      for (auto& e : fs::directory_iterator(warc))
        artifacts.put(e.path().string(), prefix + warc.filename().string() + "/" + e.path().filename().string());
    return prefix;
  };
  struct Cleanup {
    fs::path dir;
    ~Cleanup() {
      std::error_code ec;
      if (!dir.empty()) fs::remove_all(dir, ec);
    }
  } cleanup{scratch ? work : src.dir};  // the units' databases are copies; the evidence is in the store
  return recheck_claims(shared, run->id, src, cfg);
}

}  // namespace govaudit
