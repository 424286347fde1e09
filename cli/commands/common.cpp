#include "cli/commands/common.hpp"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <iostream>
#include <nlohmann/json.hpp>

#include "crawler/net/netguard.hpp"
#include "model/strings.hpp"
#include "storage/pg.hpp"
#include "storage/shared_store.hpp"

namespace govaudit::cli {

namespace fs = std::filesystem;

void add_common(CLI::App* app, Common& o, bool sites) {
  if (sites) app->add_option("--sites", o.sites, "Site list: TOML, CSV (also 网站名称/首页网址 headers) or JSON");
  app->add_option("--config", o.config, "Configuration file (TOML) overriding the defaults");
  app->add_option("--out", o.out, "Output directory")->capture_default_str();
  app->add_option("--db", o.db, "Database file (default OUT/govaudit.db)");
  app->add_option("--dns", o.dns, "DNS servers to ask instead of the system's, HOST:PORT[,...]");
  app->add_option("--today", o.today, "Audit date YYYY-MM-DD (default: today in China)");
  app->add_option("--allow-net", o.allow_net, "Address ranges that may be crawled although private, CIDR[,...]");
  app->add_option("--fail-on", o.fail_on, "Exit 1 when a finding of this severity or worse exists")
      ->check(CLI::IsMember({"minor", "major", "veto"}));
  app->add_flag("-v,--verbose", o.verbose, "More log output (repeat for debug)");
  app->add_flag("-q,--quiet", o.quiet, "Only warnings and errors");
}

Config make_config(const Common& o, const std::string& notify) {
  Config cfg = load_config(o.config.empty() ? std::nullopt : std::optional<fs::path>(o.config));
  if (!o.dns.empty()) cfg.dns.servers = split_csv(o.dns);
  for (auto& c : split_csv(o.allow_net)) cfg.allow_net.push_back(c);
  NetGuard check(cfg.allow_net);  // validates the CIDRs now, with a clear error
  if (!notify.empty()) {
    if (notify.rfind("http://", 0) != 0 && notify.rfind("https://", 0) != 0) throw Usage("--notify: expected an http:// or https:// URL");
    cfg.notify.webhook = notify;
  }
  return cfg;
}

Date audit_date(const Common& o) {
  if (o.today.empty()) return Date::today_china();
  auto d = Date::parse_iso(o.today);
  if (!d) throw Usage("--today: '" + o.today + "' is not a date (YYYY-MM-DD)");
  return *d;
}

std::string db_path(const Common& o) {
  if (pg::is_uri(o.db))
    throw Usage("this command works on a SQLite file; with a shared store use plan/worker, report, diff, audit, serve or user");
  return o.db.empty() ? (fs::path(o.out) / "govaudit.db").string() : o.db;
}

std::string existing_db(const Common& o) {
  std::string path = db_path(o);
  if (!fs::exists(path)) throw Usage(path + ": no such database (run `govaudit run` or `crawl` first, or give --db)");
  return path;
}

std::int64_t run_or_latest(Store& store, std::int64_t id, RunKind kind, const std::string& path) {
  if (id) return id;
  auto r = store.latest_run(kind);
  if (!r) throw Usage(path + ": holds no finished " + std::string(name(kind)) + " run");
  return r->id;
}

std::unique_ptr<Campaign> open_campaign(const Common& o) {
  if (pg::is_uri(o.db)) return std::make_unique<SharedStore>(o.db);
  return std::make_unique<Store>(existing_db(o));
}

std::string options_json(const Common& o, const char* job) {
  return nlohmann::json{{"job", job}, {"sites", o.sites}, {"config", o.config}, {"dns", o.dns}, {"today", o.today}, {"allow_net", o.allow_net}}.dump();
}

int exit_for(Store& store, std::int64_t audit_run, const Common& o) {
  if (o.fail_on.empty()) return 0;
  Severity min = severity_from(o.fail_on);  // checked by the option's validator
  auto reviews = store.reviews_for(audit_run);
  for (auto& f : store.findings(audit_run)) {
    auto r = reviews.find({f.site_id, f.rule, f.subject});
    if (f.severity >= min && !(r != reviews.end() && r->second.status == ReviewStatus::FalsePositive)) return 1;
  }
  return 0;
}

void print_outputs(const std::vector<fs::path>& files) {
  for (auto& f : files) std::cout << "wrote " << f.string() << "\n";
}

void writable_dir(const fs::path& dir) {
  std::error_code ec;
  fs::create_directories(dir, ec);
  if (ec) throw Usage("cannot create the output directory " + dir.string() + ": " + ec.message());
  fs::path probe = dir / ".govaudit-write-test";
  if (!std::ofstream(probe) || !fs::remove(probe, ec))
    throw Usage("cannot write in the output directory " + dir.string() + ": " + std::strerror(errno));
}

CrawlLock::CrawlLock(const std::string& db) : path_(db + ".lock") {
  fd_ = ::open(path_.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
  if (fd_ < 0) throw std::runtime_error(path_ + ": cannot create the lock file: " + std::strerror(errno));
  if (::flock(fd_, LOCK_EX | LOCK_NB) != 0) {
    ::close(fd_);
    throw Usage(db + ": another govaudit is crawling into this database (" + path_ + " is locked)");
  }
}

CrawlLock::~CrawlLock() { ::close(fd_); }

}  // namespace govaudit::cli
