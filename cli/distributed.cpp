#include "cli/distributed.hpp"

#include <spdlog/spdlog.h>
#include <unistd.h>

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
#include "crawler/dns.hpp"
#include "model/strings.hpp"
#include "model/url.hpp"
#include "reports/report.hpp"
#include "storage/shared_store.hpp"

namespace govaudit {

namespace fs = std::filesystem;
using nlohmann::json;

namespace {

std::string homepage_host(const Site& s) {
  std::string host = url::host_of(s.homepage);
  return host.empty() ? s.homepage : host;  // not a URL: a unit of its own, and the worker records why
}

// The configuration a run was planned with, as this machine reads it.
Config run_config(const SharedRun& r, const fs::path& dir) {
  std::optional<fs::path> file;
  if (!r.config.empty()) {
    fs::create_directories(dir);
    file = dir / "config.toml";
    std::ofstream(*file) << r.config;
  }
  Config cfg = load_config(file);
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
      std::string host = homepage_host(s);
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
    std::string host = homepage_host(s);
    std::string key = key_of_host.count(host) ? key_of_host[host] : "host:" + host;
    auto [it, fresh] = index.emplace(key, units.size());
    if (fresh) units.push_back({key, {}});
    units[it->second].second.push_back(s);
  }
  std::string today = o.today.empty() ? Date::today_china().iso() : o.today;
  if (!Date::parse_iso(today)) throw std::invalid_argument("--today: '" + today + "' is not a date (YYYY-MM-DD)");
  std::string config_text = o.config_file.empty() ? "" : read_file(o.config_file);
  SharedStore shared(o.uri);
  auto run = shared.create_run(today, json{{"dns", o.dns}, {"allow_net", o.allow_net}, {"sites", o.sites_file}}.dump(), config_text, units);
  spdlog::info("planned run {} in {}: {} sites in {} units (by {})", run, pg::redact(o.uri), sites.size(), units.size(), o.units_by);
  return run;
}

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
    std::vector<Lease> batch;
    try {
      if (!shared) shared = std::make_unique<SharedStore>(o.uri);
      while (int(batch.size()) < o.batch && (o.max_units == 0 || worked + int(batch.size()) < o.max_units)) {
        auto l = shared->claim(owner, ttl, o.max_attempts);
        if (!l) break;
        if (!batch.empty() && l->run != batch.front().run) {  // another run: it waits for the next batch
          shared->release(*l);
          break;
        }
        batch.push_back(std::move(*l));
      }
      if (batch.empty() && o.exit_when_idle && shared->open_units() == 0) break;
    } catch (const pg::Error& e) {
      // The database went away for a while: wait and ask again; what was claimed expires.
      spdlog::warn("worker: {}; retrying in 2 s", e.what());
      shared.reset();
      batch.clear();
    }
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
      Config cfg = run_config(*run, dir);
      Date today = *Date::parse_iso(run->today);
      if (run->kind == "audit") {  // re-judging: each unit's database, as its crawl left it, with this run's rules
        for (size_t i = 0; i < batch.size(); ++i) {
          if (judge(batch[i], cfg, today, dir, artifacts, beat.lost(i), *shared)) ++published;
        }
        continue;
      }
      fs::path db = dir / "govaudit.db", out = dir / "out";
      std::string prefix = "run-" + std::to_string(run_id) + "/units-" + units + "-g" + std::to_string(batch.front().generation) + "/";
      std::vector<Finding> findings;
      std::vector<std::string> evidence;  // per finding: its WARC record under the artifact store
      std::map<std::string, SiteResult> results;
      {
        Store store(db.string());
        auto job = run_job(store, db.string(), cfg, sites, today, json{{"job", "worker"}, {"run", run_id}, {"units", units}}.dump(), out,
                           {out / "warc", false});
        findings = store.findings(job.audit.run);
        for (auto& f : findings) {
          std::string loc = store.page_warc(job.crawl.run, f.site_id, f.url);
          evidence.push_back(loc.empty() ? "" : prefix + loc);
        }
        for (auto& [id, s] : store.site_summaries(job.crawl.run)) results[id] = {id, s.status, s.error, s.pages, s.checked};
      }  // closed: the database file is whole before it is copied
      std::vector<Artifact> files;
      artifacts.put(db.string(), prefix + "govaudit.db");
      files.push_back({prefix + "govaudit.db", "db", std::int64_t(fs::file_size(db))});
      if (fs::exists(out / "warc"))
        for (auto& e : fs::directory_iterator(out / "warc")) {
          artifacts.put(e.path().string(), prefix + "warc/" + e.path().filename().string());
          files.push_back({prefix + "warc/" + e.path().filename().string(), "warc", std::int64_t(fs::file_size(e.path()))});
        }
      for (size_t i = 0; i < batch.size(); ++i) {
        const Lease& l = batch[i];
        Publication pub;
        std::set<std::string> mine;
        for (auto& s : l.sites) mine.insert(s.id), pub.sites.push_back(results[s.id]);
        for (size_t k = 0; k < findings.size(); ++k)
          if (mine.count(findings[k].site_id)) pub.findings.push_back(findings[k]), pub.evidence.push_back(evidence[k]);
        pub.artifacts = files;
        if (beat.lost(i) || !shared->publish(l, pub)) {
          spdlog::warn("worker {}: unit {} of run {} was taken over (generation {} no longer holds the lease); nothing published", owner,
                       l.unit, l.run, l.generation);
          continue;
        }
        ++published;
        spdlog::info("worker {}: published unit {} of run {}: {} findings, {} sites", owner, l.unit, l.run, pub.findings.size(), pub.sites.size());
      }
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

std::unique_ptr<LoadedReport> shared_report_data(const std::string& uri, std::int64_t run_id, const fs::path& store_dir,
                                                 const fs::path& work) {
  SharedStore shared(uri);
  auto runs = shared.runs();
  if (runs.empty()) throw std::invalid_argument("no runs in " + pg::redact(uri));
  std::optional<SharedRun> run = run_id ? shared.run(run_id) : std::optional<SharedRun>(runs.back());
  if (!run) throw std::invalid_argument("no run " + std::to_string(run_id) + " in " + pg::redact(uri));
  auto out = std::make_unique<LoadedReport>();
  out->config = run_config(*run, work);
  ReportData& d = out->data;
  d.config = &out->config;
  d.audit.id = d.crawl.id = run->id;
  d.audit.kind = RunKind::Audit;
  d.audit.today = d.crawl.today = run->today;
  d.audit.started_at = d.crawl.started_at = run->created_at;
  d.audit.status = d.crawl.status = run->status == "done" ? RunStatus::Done : RunStatus::Running;
  DirectoryArtifacts artifacts(store_dir.string());
  std::map<std::string, Site> done_sites;
  std::set<std::string> databases;
  std::vector<std::string> db_keys;
  auto not_audited = [&d](const Site& s, std::string why) {  // listed as such, never silently left out
    SiteSummary ss;
    ss.site = s;
    ss.status = "not_audited";
    ss.error = std::move(why);
    d.sites.push_back(std::move(ss));
  };
  for (auto& u : shared.units(run->id)) {
    if (u.state != "done") {
      std::string why = u.state == "failed"   ? "测评失败（" + std::to_string(u.attempts) + " 次尝试均失败：" + u.error + "）"
                        : u.state == "leased" ? "测评进行中，尚未完成"
                                              : "尚未测评（等待处理）";
      for (auto& s : u.sites) not_audited(s, why);
      continue;
    }
    for (auto& s : u.sites) done_sites.emplace(s.id, s);
    for (auto& a : shared.artifacts(run->id, u.id))
      if (a.kind == "db" && databases.insert(a.key).second) db_keys.push_back(a.key);
  }
  // What the reports read besides the findings (IPv6 measures, evidence, boxes …) comes from the
  // databases the workers made, as `govaudit report` reads them; each published site once.
  int n = 0;
  for (auto& key : db_keys) {
    fs::path local = work / ("part-" + std::to_string(++n) + ".db");
    artifacts.get(key, local.string());
    Store store(local.string());
    auto audit = store.latest_run(RunKind::Audit);
    if (!audit) throw std::runtime_error(key + ": holds no audit");
    auto part = load_report_data(store, out->config, audit->id);
    for (auto& s : part.sites)
      if (done_sites.erase(s.site.id)) d.sites.push_back(std::move(s));
  }
  for (auto& [id, s] : done_sites) not_audited(s, "测评结果缺失（工作单元已完成，但其数据库中没有本站）");
  apply_reviews(d, shared, run->id);
  return out;
}

}  // namespace govaudit
