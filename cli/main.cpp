// govaudit: one binary, subcommands crawl, audit, report, run, diff, demo, calendar, probe, inspect, serve.
// Exit codes: 0 completed; 1 findings at or above --fail-on; 2 usage or config error; 3 the run failed.
#include <spdlog/spdlog.h>

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <functional>
#include <fstream>
#include <set>
#include <system_error>
#include <sstream>
#include <iostream>
#include <nlohmann/json.hpp>

#include "cli/console_server.hpp"
#include "cli/demo_server.hpp"
#include "cli/distributed.hpp"
#include "storage/pg.hpp"
#include "storage/sqlite.hpp"
#include "storage/shared_store.hpp"
#include "cli/demo_site.hpp"
#include "cli/pipeline.hpp"
#include "cli/recheck.hpp"
#include "cli/redaction.hpp"
#include "config/calendar.hpp"
#include "crawler/availability.hpp"
#include "crawler/fetch_page.hpp"
#include "crawler/styles.hpp"
#include "crawler/inspect.hpp"
#include "crawler/netguard.hpp"
#include "crawler/page_record.hpp"
#include "model/strings.hpp"
#include "reports/history.hpp"
#include "reports/input_text.hpp"
#include "reports/console.hpp"
#include "reports/report.hpp"
#include "reports/review_table.hpp"
#include "model/url.hpp"
#include "rules/content.hpp"
#include "rules/footer.hpp"

using namespace govaudit;
namespace fs = std::filesystem;

namespace {

struct Options {
  std::string sites, config, out = "govaudit-out", db, dns, today, allow_net, fail_on;
  std::string cal_from, cal_to;
  std::string inspect_target, inspect_file, inspect_url;
  std::string listen = "127.0.0.1:8080", token_file, warc_root, tls_cert, tls_key;
  int session_idle_minutes = 30, session_max_hours = 12;
  std::string work, store, units_by = "ip", worker_name;
  std::string user_name, user_role, user_sites, file;
  int max_units = 0, lease_seconds = 60, max_attempts = 3, batch = 16;
  bool exit_when_idle = false;
  bool json_out = false, fresh = false, partial = false, delta = false;
  std::string notify;
  std::vector<std::string> cal_add;
  std::int64_t run = 0, from_run = 0, to_run = 0;
  std::vector<std::string> formats;
  int verbose = 0;
  bool quiet = false;
};


struct Usage : std::runtime_error {
  using std::runtime_error::runtime_error;
};

Config make_config(const Options& o) {
  Config cfg = load_config(o.config.empty() ? std::nullopt : std::optional<fs::path>(o.config));
  if (!o.dns.empty()) cfg.dns.servers = split_csv(o.dns);
  for (auto& c : split_csv(o.allow_net)) cfg.allow_net.push_back(c);
  NetGuard check(cfg.allow_net);  // validates the CIDRs now, with a clear error
  if (!o.notify.empty()) {
    if (o.notify.rfind("http://", 0) != 0 && o.notify.rfind("https://", 0) != 0) throw Usage("--notify: expected an http:// or https:// URL");
    cfg.notify.webhook = o.notify;
  }
  return cfg;
}

Date audit_date(const Options& o) {
  if (o.today.empty()) return Date::today_china();
  auto d = Date::parse_iso(o.today);
  if (!d) throw Usage("--today: '" + o.today + "' is not a date (YYYY-MM-DD)");
  return *d;
}

// The SQLite file of a command that works on one machine's store; a shared store's URI is refused
// (never a file named after it, credentials and all).
std::string db_path(const Options& o) {
  if (pg::is_uri(o.db))
    throw Usage("this command works on a SQLite file; with a shared store use plan/worker, report, diff, audit, serve or user");
  return o.db.empty() ? (fs::path(o.out) / "govaudit.db").string() : o.db;
}

// The options that shape a job: `run` continues an unfinished job only when they are the same.
std::string options_json(const Options& o, const char* job) {
  return nlohmann::json{{"job", job}, {"sites", o.sites}, {"config", o.config}, {"dns", o.dns}, {"today", o.today}, {"allow_net", o.allow_net}}.dump();
}

// The severity is the one the finding was judged with (the rule texts of that audit's config);
// findings reviewed 误报 do not count.
int exit_for(Store& store, std::int64_t audit_run, const Options& o) {
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

// One crawl per database at a time: a second would take the first one's unfinished run for a
// killed one and resume it alongside.
class CrawlLock {
 public:
  explicit CrawlLock(const std::string& db) : path_(db + ".lock") {
    fd_ = ::open(path_.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
    if (fd_ < 0) throw std::runtime_error(path_ + ": cannot create the lock file: " + std::strerror(errno));
    if (::flock(fd_, LOCK_EX | LOCK_NB) != 0) {
      ::close(fd_);
      throw Usage(db + ": another govaudit is crawling into this database (" + path_ + " is locked)");
    }
  }
  ~CrawlLock() { ::close(fd_); }
  CrawlLock(const CrawlLock&) = delete;
  CrawlLock& operator=(const CrawlLock&) = delete;

 private:
  std::string path_;
  int fd_ = -1;
};

// Creates the output directory and makes sure files can be written there, before any crawling.
void writable_dir(const fs::path& dir) {
  std::error_code ec;
  fs::create_directories(dir, ec);
  if (ec) throw Usage("cannot create the output directory " + dir.string() + ": " + ec.message());
  fs::path probe = dir / ".govaudit-write-test";
  if (!std::ofstream(probe) || !fs::remove(probe, ec))
    throw Usage("cannot write in the output directory " + dir.string() + ": " + std::strerror(errno));
}

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
  Config cfg = make_config(o);
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

// The database a command reads; it must exist (commands other than crawl/run/probe create nothing).
std::string existing_db(const Options& o) {
  std::string path = db_path(o);
  if (!fs::exists(path)) throw Usage(path + ": no such database (run `govaudit run` or `crawl` first, or give --db)");
  return path;
}

// `id` when given, else the newest finished run of `kind`.
std::int64_t run_or_latest(Store& store, std::int64_t id, RunKind kind, const std::string& path) {
  if (id) return id;
  auto r = store.latest_run(kind);
  if (!r) throw Usage(path + ": holds no finished " + std::string(name(kind)) + " run");
  return r->id;
}

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

// The campaign half of the store --db names: the SQLite file (which must exist) or the shared store.
std::unique_ptr<Campaign> open_campaign(const Options& o) {
  if (pg::is_uri(o.db)) return std::make_unique<SharedStore>(o.db);
  return std::make_unique<Store>(existing_db(o));
}

int cmd_diff(const Options& o) {
  auto store = open_campaign(o);
  std::int64_t to = o.to_run, from = o.from_run;
  auto runs = store->audit_runs();
  for (auto it = runs.rbegin(); !to && it != runs.rend(); ++it)
    if (it->done) to = it->id;
  if (!to) throw Usage("no finished audit run to compare");
  if (!from) {
    auto p = store->previous_audit_run(to);
    if (!p) throw Usage("audit run " + std::to_string(to) + " has no earlier audit run to compare with");
    from = *p;
  }
  for (auto id : {from, to})
    if (!store->audit_run(id)) throw Usage("run " + std::to_string(id) + " is not an audit run");
  FindingDiff d = diff_findings(store->findings(from), store->findings(to));
  if (o.json_out) {
    auto list = [](const std::vector<Finding>& v) {
      nlohmann::json a = nlohmann::json::array();
      for (auto& f : v) a.push_back({{"site", f.site_id}, {"rule", f.rule}, {"subject", f.subject}, {"url", f.url}});
      return a;
    };
    std::cout << nlohmann::json{{"from", from}, {"to", to}, {"new", list(d.added)}, {"persisting", list(d.persisting)},
                                {"resolved", list(d.resolved)}}.dump(2) << "\n";
    return 0;
  }
  std::cout << "audit " << from << " -> " << to << ": 新发现 " << d.added.size() << ", 仍存在 " << d.persisting.size()
            << ", 已整改 " << d.resolved.size() << "\n";
  for (auto [label, v] : {std::pair{"新发现", &d.added}, std::pair{"仍存在", &d.persisting}, std::pair{"已整改", &d.resolved}})
    for (auto& f : *v) std::cout << label << '\t' << f.site_id << '\t' << f.rule << '\t' << f.subject << "\n";
  return 0;
}

int cmd_inspect(const Options& o) {
  Config cfg = make_config(o);
  std::string body, content_type, page_url;
  if (!o.inspect_file.empty()) {
    try {
      body = read_file(o.inspect_file);
    } catch (const std::runtime_error& e) {
      throw Usage(e.what());
    }
    page_url = !o.inspect_url.empty() ? o.inspect_url : "file://" + fs::absolute(o.inspect_file).string();
  } else {
    if (o.inspect_target.empty()) throw Usage("inspect: give a URL, or --file PATH [--url URL]");
    NetGuard guard(cfg.allow_net);
    auto r = fetch_pages(cfg, guard, {o.inspect_target}, cfg.crawl.total_timeout_ms, cfg.crawl.max_body_bytes).front();
    if (r.result.error_kind != ErrorKind::None)
      throw std::runtime_error(o.inspect_target + ": " + std::string(name(r.result.error_kind)) + ": " + r.result.error);
    if (r.result.status >= 400) throw std::runtime_error(o.inspect_target + ": HTTP " + std::to_string(r.result.status));
    body = std::move(r.result.body);
    content_type = r.result.content_type;
    page_url = r.final_url;
  }
  // The stylesheets it links on its own host, fetched as the crawl fetches them.
  std::vector<PageFetch> sheets;
  if (o.inspect_file.empty()) {
    std::vector<std::string> urls;
    for (auto& href : extract::linked_stylesheets(body))
      if (auto to = url::resolve(page_url, href); to && url::host_of(*to) == url::host_of(page_url)) urls.push_back(*to);
    if (!urls.empty()) sheets = fetch_pages(cfg, NetGuard(cfg.allow_net), urls, cfg.crawl.total_timeout_ms, 256 << 10);
  }
  std::vector<std::string_view> css;
  for (auto& s : sheets)
    if (s.result.error_kind == ErrorKind::None && s.result.status >= 200 && s.result.status < 300) css.push_back(s.result.body);
  extract::Page page;
  auto j = inspect_page(body, content_type, page_url, &page, css);
  j["stylesheets"] = nlohmann::json::array();
  for (auto& s : sheets)
    j["stylesheets"].push_back({{"url", s.url}, {"status", s.result.status}, {"error", s.result.error}});
  // The identifiers as the footer rules would judge them, were this page a homepage.
  auto records = link_records(page, "", page_url);
  for (auto& [key, evidence] : identifiers_shown(cfg, page.text, records))
    j["identifiers"][key] = evidence.empty() ? nlohmann::json(nullptr) : nlohmann::json(evidence);
  for (auto& [key, missed] : identifiers_passed_over(cfg, page.text, records))
    if (!missed.empty()) j["identifiers_passed_over"][key] = missed;
  // The content rules on this page alone: the site is the page's own host.
  SiteView view;
  view.site.id = "inspect";
  view.site.homepage = page_url;
  view.site.hosts = {url::host_of(page_url)};
  PageRecord p;
  p.url = p.final_url = page_url;
  p.status = 200;
  p.kind = page_kind(page, false);
  p.text = page.text;  // masked by inspect_page
  p.published = page.published;
  view.pages.push_back(std::move(p));
  view.links = link_records(page, "inspect", page_url);
  RuleContext ctx{Date::today_china(), &cfg};
  j["wording"] = nlohmann::json::array();
  for (auto& f : WordingRule(cfg.content).check(view, ctx))
    j["wording"].push_back({{"rule", f.rule}, {"detail", nlohmann::json::parse(f.detail_json)}});
  std::set<std::string> judged;
  for (auto& f : HiddenLinkRule().check(view, ctx)) judged.insert(f.subject);
  for (auto& l : j["hidden_links"])
    l["judged"] = judged.count(l["url"].get<std::string>()) ? "security.hidden_link" : "normal: own or government host, or a menu of the page";
  std::cout << (o.json_out ? j.dump(2, ' ', false, nlohmann::json::error_handler_t::replace) + "\n" : inspect_summary(j));
  return 0;
}

int cmd_audit(const Options& o) {
  if (pg::is_uri(o.db)) {
    try {
      std::cout << "planned audit run " << plan_audit(o.db, o.run, o.config, o.today) << " (workers judge it)\n";
    } catch (const std::invalid_argument& e) {
      throw Usage(e.what());
    }
    return 0;
  }
  Config cfg = make_config(o);
  std::string path = existing_db(o);
  Store store(path);
  std::int64_t crawl_run = run_or_latest(store, o.run, RunKind::Crawl, path);
  auto info = store.run(crawl_run);
  if (!info || info->kind != RunKind::Crawl) throw Usage("run " + std::to_string(crawl_run) + " is not a crawl run");
  if (info->status != RunStatus::Done)  // its sites not crawled to the end would be judged on part of what they serve
    throw Usage("crawl run " + std::to_string(crawl_run) + " did not finish (" + std::string(name(info->status)) +
                "); `govaudit run` or `crawl` with the same sites continues it");
  Date today = o.today.empty() ? *Date::parse_iso(info->today) : audit_date(o);
  auto audit = audit_stage(store, cfg, crawl_run, today);
  print_outputs(report_stage(store, cfg, audit.run, o.out));
  return exit_for(store, audit.run, o);
}

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
              << not_audited_line(sum) << ")" << (o.partial ? "; writing the reports with them marked 未测评\n" : "; --partial writes the reports anyway, with them marked 未测评\n");
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

int cmd_plan(const Options& o) {
  if (!pg::is_uri(o.db)) throw Usage("plan: --db postgresql://… is required (the shared store)");
  if (o.sites.empty()) throw Usage("plan: --sites FILE is required");
  PlanOptions p{o.db, o.sites, o.config, o.today, o.dns, o.allow_net, o.units_by};
  try {
    std::cout << "planned run " << plan_run(p) << "\n";
  } catch (const std::invalid_argument& e) {
    throw Usage(e.what());
  }
  return 0;
}

int cmd_worker(const Options& o) {
  if (!pg::is_uri(o.db)) throw Usage("worker: --db postgresql://… is required (the shared store)");
  if (o.work.empty() || o.store.empty()) throw Usage("worker: --work DIR and --store DIR are required");
  WorkerOptions w;
  w.uri = o.db;
  w.work = o.work;
  w.store = o.store;
  w.max_units = o.max_units;
  w.exit_when_idle = o.exit_when_idle;
  w.lease_seconds = o.lease_seconds;
  w.max_attempts = o.max_attempts;
  w.name = o.worker_name;
  w.batch = o.batch;
  std::cout << "worker: published " << run_worker(w) << " units\n";
  return 0;
}

int cmd_serve(const Options& o) {
  if (o.db.empty()) throw Usage("serve: --db is required (the database a run wrote, e.g. govaudit-out/govaudit.db, or postgresql://…)");
  Config cfg = make_config(o);
  ServeOptions s;
  s.listen = o.listen;
  s.token_file = o.token_file;
  s.tls_cert = o.tls_cert;
  s.tls_key = o.tls_key;
  if (o.session_idle_minutes < 1 || o.session_max_hours < 1) throw Usage("serve: --session-idle and --session-max are at least 1");
  s.session_idle = std::chrono::minutes(o.session_idle_minutes);
  s.session_max = std::chrono::hours(o.session_max_hours);
  try {
    if (pg::is_uri(o.db)) {
      if (o.store.empty()) throw Usage("serve: --store DIR is required with a shared store (the workers' artifact directory: reports and evidence)");
      SharedStore shared(o.db);
      s.db = pg::redact(o.db);
      s.warc_root = o.warc_root.empty() ? fs::path(o.store) : fs::path(o.warc_root);
      serve_console(s, shared, cfg, [&](std::int64_t run) -> std::unique_ptr<LoadedReport> {
        return shared.run(run) ? shared_report_data(o.db, run) : nullptr;
      });
      return 0;
    }
    if (!fs::exists(o.db)) throw Usage("serve: no database at " + o.db);
    Store store(o.db);
    for (auto& r : store.audit_runs()) ensure_measures(store, cfg, r.id);
    s.db = o.db;
    s.warc_root = o.warc_root.empty() ? fs::absolute(o.db).parent_path() : fs::path(o.warc_root);
    serve_console(s, store, cfg, sqlite_reports(store, cfg));
  } catch (const std::invalid_argument& e) {
    throw Usage(e.what());
  }
  return 0;
}

// govaudit reviews export|import: the 复核表, over either store.
int cmd_reviews(const Options& o, bool import) {
  if (o.db.empty()) throw Usage("reviews: --db is required (the SQLite file or postgresql://…)");
  if (o.file.empty()) throw Usage("reviews: --file FILE.xlsx is required");
  auto store = open_campaign(o);
  std::int64_t run = o.run;
  auto runs = store->audit_runs();
  for (auto it = runs.rbegin(); !run && it != runs.rend(); ++it)
    if (it->done) run = it->id;
  if (!run || !store->audit_run(run)) throw Usage(run ? "run " + std::to_string(run) + " is not an audit run" : "no finished audit run");
  Config cfg = make_config(o);
  if (!import) {
    auto rows = review_rows(*store, cfg, run);
    write_review_table(rows, o.file);
    std::cout << "wrote " << o.file << ": " << rows.size() << " findings of audit run " << run << "\n";
    return 0;
  }
  std::vector<ReviewRow> rows;
  try {
    rows = read_review_table(o.file);
  } catch (const std::runtime_error& e) {
    throw Usage(e.what());
  }
  auto r = import_review_table(*store, run, rows, o.user_name.empty() ? "复核表" : o.user_name);
  for (auto& e : r.errors) std::cerr << "govaudit: " << o.file << ": " << e << "\n";
  if (!r.errors.empty()) {
    std::cerr << "govaudit: " << r.errors.size() << " rows are wrong; nothing was recorded\n";
    return 2;
  }
  std::cout << "audit run " << run << ": " << r.applied << " reviews recorded, " << r.unchanged << " unchanged, " << r.blank
            << " rows without a decision\n";
  return 0;
}

// govaudit user add|list|remove: the console's accounts, in the store the console serves.
int cmd_user(const Options& o, const std::string& action) {
  if (o.db.empty()) throw Usage("user: --db is required (the SQLite file or postgresql://… the console serves)");
  auto store = open_campaign(o);
  if (action == "list") {
    for (auto& a : store->accounts()) {
      std::string sites;
      for (auto& x : a.sites) sites += (sites.empty() ? "" : ",") + x;
      std::cout << a.name << '\t' << name(a.role) << '\t' << (sites.empty() ? "*" : sites) << '\t' << a.created_at << "\n";
    }
    return 0;
  }
  if (o.user_name.empty()) throw Usage("user " + action + ": --name NAME is required");
  if (action == "remove") {
    if (!store->remove_account(o.user_name)) throw Usage("no account named '" + o.user_name + "'");
    std::cout << "removed account " << o.user_name << "\n";
    return 0;
  }
  if (o.user_name.size() > 100) throw Usage("--name: at most 100 bytes");
  if (auto bad = input_problem(o.user_name, false)) throw Usage("--name: " + *bad);
  auto role = role_from(o.user_role);
  if (!role) throw Usage("--role: '" + o.user_role + "' is not a role (evaluator, county, viewer)");
  Account a;
  a.name = o.user_name;
  a.role = *role;
  a.sites = split_csv(o.user_sites);
  if (a.role == Role::County && a.sites.empty()) throw Usage("--role county needs --sites ID,… (the sites this county's staff see)");
  if (a.role != Role::County && !a.sites.empty()) throw Usage("--sites is for county accounts (evaluators and viewers see every site)");
  std::set<std::string> known;
  for (auto& r : store->audit_runs()) known.insert(r.sites.begin(), r.sites.end());
  for (auto& id : a.sites)
    if (!known.count(id)) throw Usage("--sites: no site '" + id + "' in any run of " + (pg::is_uri(o.db) ? pg::redact(o.db) : o.db));
  std::string token = "gat_" + random_hex(24);
  a.token_hash = token_hash(token);
  try {
    store->add_account(a);
  } catch (const std::invalid_argument& e) {
    throw Usage(e.what());
  }
  std::cout << "created account " << a.name << " (" << name(a.role) << (a.sites.empty() ? "" : ": " + o.user_sites)
            << "); its token is shown once, below (only its hash is stored)\n"
            << token << "\n";
  return 0;
}

int cmd_recheck(const Options& o) {
  RecheckSummary sum;
  if (pg::is_uri(o.db)) {
    if (o.store.empty()) throw Usage("recheck: --store DIR is required with a shared store (the units' databases; the evidence goes there)");
    make_config(o);  // checks --config, --dns and --allow-net now, with a clear error
    try {
      sum = recheck_shared({o.db, o.run, o.store, o.work, o.config, o.dns, o.allow_net});
    } catch (const std::invalid_argument& e) {
      throw Usage(e.what());
    }
  } else {
    Config cfg = make_config(o);
    std::string path = existing_db(o);
    CrawlLock lock(path);
    Store store(path);
    std::int64_t run = run_or_latest(store, o.run, RunKind::Audit, path);
    try {
      sum = recheck_claims(store, run, sqlite_recheck_source(store, path, run), cfg);
    } catch (const std::invalid_argument& e) {
      throw Usage(e.what());
    }
  }
  std::int64_t run = sum.audit_run;
  int passed = 0, failed = 0;
  for (auto& r : sum.results) {
    passed += r.result == RecheckResult::Passed;
    failed += r.result == RecheckResult::Failed;
    std::cout << r.site_id << '\t' << r.rule << '\t' << r.subject << '\t' << label(r.result) << '\t' << r.note << "\n";
  }
  std::cout << "recheck of audit run " << run << ": " << sum.results.size() << " claims, " << passed << " 整改通过, " << failed
            << " 整改未通过, " << sum.results.size() - size_t(passed + failed) << " 未能复查; " << sum.fetched << " URLs fetched\n";
  return 0;
}

int cmd_calendar(const Options& o) {
  const Calendar& cal = Calendar::builtin();
  auto date = [](const std::string& s, const char* opt) {
    auto d = Date::parse_iso(s);
    if (!d) throw Usage(std::string(opt) + ": '" + s + "' is not a date (YYYY-MM-DD)");
    return *d;
  };
  auto warn = [&](const Date& d) {
    if (!cal.covers(d))
      std::cerr << "govaudit: warning: " << d.iso() << " is outside the calendar (" << cal.first_year() << "–"
                << cal.last_year() << "); counted Monday–Friday without holidays\n";
  };
  if (!o.cal_add.empty()) {
    Date d = date(o.cal_add[0], "--add");
    int n = 0;
    try {
      n = std::stoi(o.cal_add[1]);
    } catch (...) {
      throw Usage("--add: '" + o.cal_add[1] + "' is not a number of working days");
    }
    if (n < 0) throw Usage("--add: the number of working days must not be negative");
    Date r = cal.add_working_days(d, n);
    warn(d);
    warn(r);
    std::cout << r.iso() << "\n";
    return 0;
  }
  if (o.cal_from.empty() || o.cal_to.empty()) throw Usage("calendar: give --from D1 --to D2, or --add D N");
  Date from = date(o.cal_from, "--from"), to = date(o.cal_to, "--to");
  if (to < from) throw Usage("calendar: --to is before --from");
  if (to.days_since(from) > 366 * 20) throw Usage("calendar: at most 20 years at a time");
  for (Date d = from; d <= to; d = d.plus_days(1)) {
    warn(d);
    std::cout << d.iso() << '\t' << (cal.is_working_day(d) ? "work" : "off") << '\t' << cal.name(d) << '\n';
  }
  return 0;
}

void add_common(CLI::App* app, Options& o, bool sites) {
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

}  // namespace

int main(int argc, char** argv) {
  g_argv = argv;
  CLI::App app{"govaudit: compliance audits of county government portals (政务公开)"};
  app.set_version_flag("--version", std::string("govaudit ") + version());
  app.require_subcommand(1);
  Options o;
  auto* crawl = app.add_subcommand("crawl", "Crawl the sites and store what they serve");
  auto* audit = app.add_subcommand("audit", "Judge a stored crawl (offline) into a new audit run");
  auto* report = app.add_subcommand("report", "Write the reports of a stored audit run");
  auto* run = app.add_subcommand("run", "crawl + audit + report");
  auto* diff = app.add_subcommand("diff", "Compare the findings of two audit runs");
  auto* demo = app.add_subcommand("demo", "Audit the built-in demo portals, served on loopback");
  auto* calendar = app.add_subcommand("calendar", "Working-day calendar: list days or add working days");
  auto* probe = app.add_subcommand("probe", "One round of homepage availability probes (for cron / systemd timers)");
  auto* inspect = app.add_subcommand("inspect", "Show what govaudit reads from one page (URL or saved file)");
  auto* plan = app.add_subcommand("plan", "Plan a run in a shared PostgreSQL store: sites split into work units");
  auto* worker = app.add_subcommand("worker", "Work units of shared runs (any number of workers, on any machines)");
  plan->add_option("--db", o.db, "Shared store, postgresql://… (credentials from the URI or PG* / ~/.pgpass)");
  plan->add_option("--sites", o.sites, "Site list: TOML, CSV or JSON");
  plan->add_option("--config", o.config, "Configuration file (TOML); stored with the run for every worker");
  plan->add_option("--today", o.today, "Audit date YYYY-MM-DD (default: today in China)");
  plan->add_option("--dns", o.dns, "DNS servers, HOST:PORT[,...] (also used by the workers)");
  plan->add_option("--allow-net", o.allow_net, "Address ranges that may be crawled although private, CIDR[,...]");
  plan->add_option("--units-by", o.units_by, "ip: sites sharing an address are one unit (default); host: one unit per homepage host")
      ->check(CLI::IsMember({"ip", "host"}));
  worker->add_option("--db", o.db, "Shared store, postgresql://…");
  worker->add_option("--work", o.work, "Local directory for the units' SQLite and WARC files");
  worker->add_option("--store", o.store, "Artifact store directory (NFS mount, rsync target)");
  worker->add_option("--max-units", o.max_units, "Stop after this many units (0: no limit)");
  worker->add_flag("--exit-when-idle", o.exit_when_idle, "Exit when no unit is pending or leased");
  worker->add_option("--lease-seconds", o.lease_seconds, "Lease time, renewed every third of it (default 60)")->check(CLI::Range(3, 3600));
  worker->add_option("--batch", o.batch, "Units claimed and crawled together (default 16)")->check(CLI::Range(1, 1000));
  worker->add_option("--name", o.worker_name, "This worker's name in the leases (default HOST:PID)");
  worker->add_option("--max-attempts", o.max_attempts, "Attempts before a unit is marked failed (default 3)")->check(CLI::Range(1, 100));
  for (auto* c : {plan, worker}) {
    c->add_flag("-v,--verbose", o.verbose, "More log output");
    c->add_flag("-q,--quiet", o.quiet, "Only warnings and errors");
  }
  auto* serve = app.add_subcommand("serve", "Review console: findings, evidence and reviews in a browser");
  serve->add_option("--db", o.db, "Database a run wrote (govaudit-out/govaudit.db), or the shared store postgresql://…");
  serve->add_option("--store", o.store, "With --db postgresql://…: the artifact store the workers wrote (reports, evidence)");
  serve->add_option("--listen", o.listen, "Address to listen on, HOST:PORT (default 127.0.0.1:8080; others need --token-file)");
  serve->add_option("--token-file", o.token_file, "File holding the access token (clients send Authorization: Bearer …)");
  serve->add_option("--tls-cert", o.tls_cert, "PEM certificate (chain): serve HTTPS; the session cookie is then Secure");
  serve->add_option("--tls-key", o.tls_key, "PEM private key of --tls-cert");
  serve->add_option("--session-idle", o.session_idle_minutes, "Minutes a browser session may stay unused before it ends")->capture_default_str();
  serve->add_option("--session-max", o.session_max_hours, "Hours after its login any browser session ends")->capture_default_str();
  serve->add_option("--warc-root", o.warc_root, "Directory the WARC evidence is under (default: the database's directory)");
  serve->add_option("--config", o.config, "Configuration file (TOML) the reports were made with");
  serve->add_flag("-v,--verbose", o.verbose, "Log every request (repeat for debug)");
  auto* recheck = app.add_subcommand("recheck", "回头看: fetch again only what findings claimed fixed are about, and judge them");
  recheck->add_option("--run", o.run, "Audit run whose claims to check (default: the latest)");
  recheck->add_option("--store", o.store, "With --db postgresql://…: the artifact store the workers wrote");
  recheck->add_option("--work", o.work, "With --db postgresql://…: local scratch directory (default: a temporary one)");
  add_common(recheck, o, false);
  auto* reviews = app.add_subcommand("reviews", "The 复核表: export a run's findings as XLSX, import the decisions back");
  reviews->require_subcommand(1);
  auto* reviews_export = reviews->add_subcommand("export", "Write the run's findings with their review state to --file");
  auto* reviews_import = reviews->add_subcommand("import", "Record the decisions of a filled 复核表 (all or none)");
  for (auto* c : {reviews_export, reviews_import}) {
    c->add_option("--db", o.db, "The store: SQLite file or postgresql://…");
    c->add_option("--run", o.run, "Audit run (default: the latest finished)");
    c->add_option("--file", o.file, "The XLSX file");
    c->add_option("--config", o.config, "Configuration file (TOML) for the rules' titles");
    c->add_flag("-q,--quiet", o.quiet, "Only warnings and errors");
  }
  reviews_import->add_option("--account", o.user_name, "The account the reviews are recorded under (default 复核表)");
  auto* user = app.add_subcommand("user", "Console accounts: add, list, remove");
  user->require_subcommand(1);
  auto* user_add = user->add_subcommand("add", "Add an account; its token is printed once, on the last line");
  auto* user_list = user->add_subcommand("list", "List the accounts (name, role, sites, created)");
  auto* user_remove = user->add_subcommand("remove", "Remove an account (its token stops working)");
  for (auto* c : {user_add, user_list, user_remove}) {
    c->add_option("--db", o.db, "The store the console serves: SQLite file or postgresql://…");
    c->add_flag("-q,--quiet", o.quiet, "Only warnings and errors");
  }
  for (auto* c : {user_add, user_remove}) c->add_option("--name", o.user_name, "Account name (a person or an office)");
  user_add->add_option("--role", o.user_role, "evaluator (everything), county (its sites; may claim fixes), viewer (reads)");
  user_add->add_option("--sites", o.user_sites, "County accounts: the site ids they see, ID[,ID…]");
  inspect->add_option("url", o.inspect_target, "Page to fetch with the crawler's settings");
  inspect->add_option("--file", o.inspect_file, "A saved page instead of fetching");
  inspect->add_option("--url", o.inspect_url, "With --file: the page's URL (resolves its relative links)");
  inspect->add_flag("--json", o.json_out, "One JSON object instead of the summary");
  inspect->add_option("--config", o.config, "Configuration file (TOML)");
  inspect->add_option("--dns", o.dns, "DNS servers to ask instead of the system's, HOST:PORT[,...]");
  inspect->add_option("--allow-net", o.allow_net, "Address ranges that may be fetched although private");
  add_common(crawl, o, true);
  add_common(audit, o, false);
  add_common(report, o, false);
  add_common(run, o, true);
  add_common(demo, o, false);
  add_common(diff, o, false);
  add_common(probe, o, true);
  audit->add_option("--run", o.run, "Crawl run to judge (default: the latest)");
  for (auto* c : {crawl, run})
    c->add_flag("--fresh", o.fresh,
                "Fetch everything anew: start a new crawl run even when the last one was left unfinished, and do not ask "
                "with the last crawl's validators (default: continue it; a page unchanged since the last crawl answers 304)");
  run->add_option("--notify", o.notify, "Webhook URL for the run's new findings (overrides notify.webhook)");
  for (auto* c : {crawl, run})
    c->add_flag("--delta", o.delta,
                "A daily delta: fetch the homepage, the lists and what is new; known articles only when their last check is "
                "crawl.revisit_days old (about 1/revisit_days of them each day); the rest are carried over from the last crawl");
  calendar->add_option("--from", o.cal_from, "First day to list (YYYY-MM-DD)");
  calendar->add_option("--to", o.cal_to, "Last day to list (YYYY-MM-DD)");
  calendar->add_option("--add", o.cal_add, "D N: print the date N working days after D")->expected(2);
  report->add_option("--run", o.run, "Audit run to report (default: the latest)");
  report->add_flag("--partial", o.partial, "Write the reports even when some sites were not audited (they are marked 未测评)");
  report->add_option("--format", o.formats, "Formats to write: html,xlsx,csv,md,jsonl (default: all)")->delimiter(',');
  diff->add_option("--from", o.from_run, "Earlier audit run (default: the one before --to)");
  diff->add_option("--to", o.to_run, "Later audit run (default: the latest)");
  diff->add_flag("--json", o.json_out, "{\"new\": [...], \"persisting\": [...], \"resolved\": [...]}");
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e) == 0 ? 0 : 2;
  }
  const auto secrets = pg::secrets(o.db);
  hide_in_arguments(argc, argv, secrets);
  install_logger(secrets);
  spdlog::set_level(o.quiet ? spdlog::level::warn : o.verbose >= 2 ? spdlog::level::debug : spdlog::level::info);
  try {
    if (app.got_subcommand(crawl)) return cmd_run(o, true);
    if (app.got_subcommand(run)) return cmd_run(o, false);
    if (app.got_subcommand(audit)) return cmd_audit(o);
    if (app.got_subcommand(report)) return cmd_report(o);
    if (app.got_subcommand(demo)) return cmd_demo(o);
    if (app.got_subcommand(calendar)) return cmd_calendar(o);
    if (app.got_subcommand(probe)) return cmd_probe(o);
    if (app.got_subcommand(inspect)) return cmd_inspect(o);
    if (app.got_subcommand(diff)) return cmd_diff(o);
    if (app.got_subcommand(serve)) return cmd_serve(o);
    if (app.got_subcommand(plan)) return cmd_plan(o);
    if (app.got_subcommand(worker)) return cmd_worker(o);
    if (app.got_subcommand(recheck)) return cmd_recheck(o);
    if (app.got_subcommand(reviews)) return cmd_reviews(o, reviews->got_subcommand(reviews_import));
    if (app.got_subcommand(user))
      return cmd_user(o, user->got_subcommand(user_add) ? "add" : user->got_subcommand(user_list) ? "list" : "remove");
  } catch (const Usage& e) {
    std::cerr << "govaudit: " << pg::scrub(e.what(), secrets) << "\n";
    return 2;
  } catch (const ConfigError& e) {
    std::cerr << "govaudit: " << e.what() << "\n";
    return 2;
  } catch (const std::exception& e) {
    std::cerr << "govaudit: run failed: " << pg::scrub(e.what(), secrets) << "\n";
    // A full or read-only disk is told by the error's type and errno, not by its wording.
    bool no_room = false;
    if (auto* s = dynamic_cast<const sqlite::StorageError*>(&e)) no_room = s->no_room;
    else if (auto* s = dynamic_cast<const std::system_error*>(&e)) no_room = s->code().category() == std::generic_category() && sqlite::no_room_errno(s->code().value());
    if (no_room)
      std::cerr << "govaudit: is the disk full, or the output directory read-only? What was stored is kept: "
                   "the same command continues the crawl once there is room.\n";
    return 3;
  }
  return 2;
}
