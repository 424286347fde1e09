// A campaign over either store: sites that were not audited are never a pass (a shared run no worker
// touched, a SQLite crawl that never ended), console accounts and their scopes (a county sees and
// claims only its own sites; 404 for the rest), Bearer clients without CSRF, cookie sessions with a
// token of their own and an Origin check, batch reviews, and `govaudit user` — over SQLite and a
// real PostgreSQL server started by the test.
#include <gtest/gtest.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <memory>
#include <nlohmann/json.hpp>

#include "cli/distributed.hpp"
#include "model/strings.hpp"
#include "reports/console.hpp"
#include "reports/review_table.hpp"
#include "storage/shared_store.hpp"
#include "storage/store.hpp"
#include "model/url.hpp"
#include "tests/integration/pg_server.hpp"
#include "tests/integration/served_corpus.hpp"
#include "tests/test_helpers.hpp"

namespace fs = std::filesystem;
using namespace govaudit;
using govaudit::test::PgServer;
using govaudit::test::sh;
using nlohmann::json;

namespace {

fs::path scratch(const std::string& name) {
  fs::path d = fs::temp_directory_path() / ("govaudit_campaign_" + name + "_" + std::to_string(::getpid()));
  fs::remove_all(d);
  fs::create_directories(d);
  return d;
}

std::string bin() { return std::string("'") + GOVAUDIT_BIN + "'"; }

const std::vector<Site> kSites = {Site{"anping", "安平县人民政府", "http://www.anping.gov.cn/", "county", {"www.anping.gov.cn"}, "", ""},
                                  Site{"bocheng", "博城县人民政府", "http://www.bocheng.gov.cn/", "county", {"www.bocheng.gov.cn"}, "", ""}};

std::vector<Finding> planted(const std::string& site) {
  Finding a(site, "footer.missing_icp", "www." + site + ".gov.cn", "http://www." + site + ".gov.cn/", R"({"identifier":"ICP备案号"})");
  Finding b(site, "links.broken", "http://www." + site + ".gov.cn/gone.html", "http://www." + site + ".gov.cn/", R"({"status":404})");
  a.severity = Severity::Minor;
  b.severity = Severity::Major;
  return {a, b};
}

// What an audit measured of a site besides its findings (each field something the reports show).
SiteMeasures measured(const std::string& site) {
  SiteMeasures m;
  m.status = "done";
  m.ipv6.host = "www." + site + ".gov.cn";
  m.ipv6.has_aaaa = site == "anping";
  m.ipv6.home_v4_ok = m.ipv6.home_v4_total = 3;
  m.ipv6.link2_ok = 17, m.ipv6.link2_total = 20;
  m.boxes.push_back({"县长信箱", "http://www." + site + ".gov.cn/xx/", 12, 10, Date::parse_iso("2025-10-01"), 4.5, {}, false});
  m.a11y.pages = 5, m.a11y.images = 9, m.a11y.images_without_alt = 2;
  m.search = SearchState::Works;
  m.pages = 10, m.checked = 2, m.probes = 7, m.probes_failed = 1;
  m.warc["http://www." + site + ".gov.cn/"] = "warc/" + site + ".warc.gz#0";
  return m;
}

// One audit run of both sites, findings on each, in the store under test.
struct Backend {
  virtual ~Backend() = default;
  virtual Campaign& store() = 0;
  virtual std::int64_t run() = 0;
  virtual ReportLoader reports(const Config& cfg) = 0;
};

struct SqliteBackend : Backend {
  fs::path dir = scratch("sqlite");
  Store s{(dir / "govaudit.db").string()};
  std::int64_t audit = 0;
  SqliteBackend() {
    Date today = *Date::parse_iso("2025-11-20");
    auto crawl = s.begin_run(RunKind::Crawl, today, std::nullopt, "{}");
    s.add_sites(crawl, kSites);
    for (auto& site : kSites) s.set_site_status(crawl, site.id, "done", "", {});
    s.finish_run(crawl, RunStatus::Done);
    audit = s.begin_run(RunKind::Audit, today, crawl, "{}");
    auto f = planted("anping"), g = planted("bocheng");
    f.insert(f.end(), g.begin(), g.end());
    s.save_findings(audit, f);
    s.put_site_measures(audit, {{"anping", measured("anping")}, {"bocheng", measured("bocheng")}});
    s.finish_run(audit, RunStatus::Done);
  }
  ~SqliteBackend() override { fs::remove_all(dir); }
  Campaign& store() override { return s; }
  std::int64_t run() override { return audit; }
  ReportLoader reports(const Config& cfg) override { return sqlite_reports(s, cfg); }
};

struct PgBackend : Backend {
  PgServer& pg;
  std::unique_ptr<SharedStore> s;
  std::int64_t id = 0;
  explicit PgBackend(PgServer& server) : pg(server), s(std::make_unique<SharedStore>(server.uri())) {
    id = s->create_run("2025-11-20", "{}", "", {{"host:www.anping.gov.cn", {kSites[0]}}, {"host:www.bocheng.gov.cn", {kSites[1]}}});
    for (int i = 0; i < 2; ++i) {
      auto l = s->claim("test", std::chrono::seconds(60), 3);
      Publication p;
      p.findings = planted(l->sites[0].id);
      p.sites.push_back({l->sites[0].id, "done", "", 10, 2});
      p.measures[l->sites[0].id] = measured(l->sites[0].id);
      EXPECT_TRUE(s->publish(*l, p));
    }
  }
  Campaign& store() override { return *s; }
  std::int64_t run() override { return id; }
  ReportLoader reports(const Config&) override {
    return [this](std::int64_t run) { return shared_report_data(pg.uri(), run); };
  }
};

HttpRequest get(const std::string& target, const std::string& token = "") {
  HttpRequest r{"GET", target, {{"host", "127.0.0.1:8080"}}, ""};
  if (!token.empty()) r.headers["authorization"] = "Bearer " + token;
  return r;
}

HttpRequest post(const std::string& target, const json& body, const std::string& token = "") {
  HttpRequest r{"POST", target, {{"host", "127.0.0.1:8080"}, {"content-type", "application/json"}}, body.dump()};
  if (!token.empty()) r.headers["authorization"] = "Bearer " + token;
  return r;
}

std::string account(Campaign& store, const std::string& name, Role role, std::vector<std::string> sites = {}) {
  std::string token = "tok_" + name + "_" + random_hex(8);
  Account a;
  a.name = name;
  a.role = role;
  a.sites = std::move(sites);
  a.token_hash = token_hash(token);
  store.add_account(a);
  return token;
}

// What every store must do for the console: scopes, roles, CSRF only for cookie sessions.
void accounts_and_scopes(Backend& b) {
  Config cfg = load_config();
  Campaign& store = b.store();
  std::string evaluator = account(store, "评估组", Role::Evaluator);
  std::string county = account(store, "安平县政务公开办", Role::County, {"anping"});
  std::string viewer = account(store, "观察员", Role::Viewer);
  EXPECT_THROW(account(store, "观察员", Role::Viewer), std::invalid_argument);
  ConsoleOptions o;
  o.hosts = {"127.0.0.1:8080"};
  Console c(store, cfg, o, b.reports(cfg));
  std::string run = std::to_string(b.run());

  // What the audit measured of each site is read as it was stored, the same over both stores.
  auto loaded = b.reports(cfg)(b.run());
  ASSERT_TRUE(loaded);
  ASSERT_EQ(loaded->data.sites.size(), 2u);
  for (auto& s : loaded->data.sites) EXPECT_EQ(measures_json(s), measures_json(measured(s.site.id))) << s.site.id;
  EXPECT_EQ(loaded->data.findings.size(), 4u);

  // No token: nothing (accounts exist, so the console is not open).
  EXPECT_EQ(c.handle(get("/api/runs")).status, 401);
  EXPECT_EQ(c.handle(get("/api/runs", "nonsense")).status, 401);

  // A county sees its own site's findings only; the others are not found.
  auto all = json::parse(c.handle(get("/api/findings?run=" + run, evaluator)).body);
  ASSERT_EQ(all.size(), 4u);
  auto mine = json::parse(c.handle(get("/api/findings?run=" + run, county)).body);
  ASSERT_EQ(mine.size(), 2u);
  for (auto& f : mine) EXPECT_EQ(f["site"], "anping");
  std::string theirs, own_icp, own_link;
  for (auto& f : all) {
    std::string id = std::to_string(f["id"].get<std::int64_t>());
    if (f["site"] == "bocheng" && theirs.empty()) theirs = id;
    if (f["site"] == "anping") (f["rule"] == "footer.missing_icp" ? own_icp : own_link) = id;
  }
  for (auto* path : {"/api/findings/", "/findings/", "/evidence/"}) EXPECT_EQ(c.handle(get(path + theirs, county)).status, 404) << path;
  EXPECT_EQ(c.handle(post("/api/findings/" + theirs + "/review", {{"status", "fixed"}}, county)).status, 404);
  EXPECT_EQ(c.handle(get("/api/findings/" + own_icp, county)).status, 200);
  auto page = c.handle(get("/runs/" + run, county));
  ASSERT_EQ(page.status, 200);
  EXPECT_EQ(page.body.find("博城县"), std::string::npos);
  EXPECT_EQ(page.body.find("bocheng"), std::string::npos);
  auto report = c.handle(get("/runs/" + run + "/report", county));
  ASSERT_EQ(report.status, 200);
  EXPECT_EQ(report.body.find("博城县"), std::string::npos);

  // A county may claim a fix (a Bearer POST needs no CSRF token) and nothing else; the review names it.
  auto claim = c.handle(post("/api/findings/" + own_icp + "/review", {{"status", "fixed"}, {"note", "已补备案号"}}, county));
  ASSERT_EQ(claim.status, 200) << claim.body;
  EXPECT_EQ(json::parse(claim.body)["review"]["account"], "安平县政务公开办");
  EXPECT_EQ(c.handle(post("/api/findings/" + own_link + "/review", {{"status", "false_positive"}, {"note", "不是死链"}}, county)).status, 403);
  EXPECT_EQ(c.handle(post("/api/findings/" + own_link + "/review", {{"status", "confirmed"}}, viewer)).status, 403);
  auto fp = c.handle(post("/api/findings/" + own_link + "/review", {{"status", "false_positive"}, {"note", "目标页存在"}}, evaluator));
  ASSERT_EQ(fp.status, 200) << fp.body;
  auto history = store.reviews_of("anping", "links.broken", "http://www.anping.gov.cn/gone.html");
  ASSERT_EQ(history.size(), 1u);
  EXPECT_EQ(history[0].account, "评估组");

  // Batch: one decision for several findings, all or none.
  auto batch = c.handle(post("/api/reviews", {{"ids", json::array({std::stoll(theirs), std::stoll(own_icp)})}, {"status", "confirmed"}}, evaluator));
  ASSERT_EQ(batch.status, 200) << batch.body;
  EXPECT_EQ(json::parse(batch.body).size(), 2u);
  auto refused = c.handle(post("/api/reviews", {{"ids", json::array({std::stoll(own_icp), std::stoll(theirs)})}, {"status", "fixed"}}, county));
  EXPECT_EQ(refused.status, 404);
  EXPECT_EQ(store.reviews_of("anping", "footer.missing_icp", "www.anping.gov.cn").size(), 2u);  // the claim and the batch, not the refused

  // A browser: the token once at login, then a cookie session with a CSRF token of its own.
  HttpRequest login{"POST", "/login", {{"host", "127.0.0.1:8080"}, {"content-type", "application/x-www-form-urlencoded"}}, "token=" + county};
  auto in = c.handle(login);
  ASSERT_EQ(in.status, 303);
  std::string session;
  for (auto& [k, v] : in.headers)
    if (k == "Set-Cookie") session = v.substr(0, v.find(';'));
  ASSERT_FALSE(session.empty());
  HttpRequest ask = get("/api/session");
  ask.headers["cookie"] = session;
  auto s = json::parse(c.handle(ask).body);
  EXPECT_EQ(s["account"], "安平县政务公开办");
  std::string csrf = s["csrf"];
  ASSERT_EQ(csrf.size(), 64u);
  EXPECT_NE(csrf, c.csrf_token());  // not the process's
  HttpRequest form{"POST", "/findings/" + own_icp + "/review",
                   {{"host", "127.0.0.1:8080"}, {"content-type", "application/x-www-form-urlencoded"}, {"cookie", session}}, "status=fixed&note=x"};
  EXPECT_EQ(c.handle(form).status, 403);  // no token
  form.body += "&csrf=" + csrf;
  form.headers["origin"] = "http://evil.example";
  EXPECT_EQ(c.handle(form).status, 403);  // another origin
  form.headers["origin"] = "http://127.0.0.1:8080";
  EXPECT_EQ(c.handle(form).status, 303);
  // A second login gets another token; the first session's does not work for it.
  auto again = c.handle(login);
  std::string session2;
  for (auto& [k, v] : again.headers)
    if (k == "Set-Cookie") session2 = v.substr(0, v.find(';'));
  form.headers["cookie"] = session2;
  EXPECT_EQ(c.handle(form).status, 403);
  // Logout ends the session.
  HttpRequest out{"POST", "/logout", {{"host", "127.0.0.1:8080"}, {"cookie", session}, {"content-type", "application/x-www-form-urlencoded"}}, "csrf=" + csrf};
  EXPECT_EQ(c.handle(out).status, 303);
  EXPECT_EQ(c.handle(ask).status, 401);

  // Accounts come and go.
  EXPECT_TRUE(store.remove_account("观察员"));
  EXPECT_FALSE(store.remove_account("观察员"));
  EXPECT_EQ(c.handle(get("/api/runs", viewer)).status, 401);
  EXPECT_EQ(store.accounts().size(), 2u);
}

}  // namespace

TEST(Campaign, AccountsAndScopesOverSqlite) {
  SqliteBackend b;
  accounts_and_scopes(b);
}

TEST(Campaign, AccountsAndScopesOverPostgres) {
  PgServer pg(55435);
  if (!pg.skip().empty()) GOVAUDIT_NEED_TOOL(pg.skip());
  ASSERT_TRUE(pg.error().empty()) << pg.error();
  PgBackend b(pg);
  accounts_and_scopes(b);
}

// A SQLite crawl that never ended: `report` says so and exits 3; --partial writes every site as 未测评.
TEST(Campaign, ACrawlThatNeverEndedIsNotAuditedAndNotPassed) {
  fs::path d = scratch("stopped");
  {
    Store s((d / "govaudit.db").string());
    auto crawl = s.begin_run(RunKind::Crawl, *Date::parse_iso("2025-11-20"), std::nullopt, "{}");
    s.add_sites(crawl, kSites);
    s.set_site_status(crawl, "anping", "done", "", {});  // one site crawled, then the run was killed
  }
  std::string db = (d / "govaudit.db").string();
  EXPECT_EQ(sh(bin() + " report --db '" + db + "' --out '" + (d / "out").string() + "' 2> '" + (d / "err").string() + "'"), 3);
  EXPECT_NE(read_file(d / "err").find("2 of 2 sites were not audited"), std::string::npos) << read_file(d / "err");
  EXPECT_FALSE(fs::exists(d / "out" / "report.md"));
  ASSERT_EQ(sh(bin() + " report --partial --db '" + db + "' --out '" + (d / "out").string() + "' 2>/dev/null >/dev/null"), 0);
  std::string md = read_file(d / "out" / "report.md"), html = read_file(d / "out" / "report.html");
  EXPECT_NE(md.find("未测评网站 2 个"), std::string::npos) << md;
  EXPECT_EQ(md.find("| 合格 |"), std::string::npos) << md;
  EXPECT_EQ(html.find(">合格<"), std::string::npos);
  EXPECT_EQ(html.find("未发现问题"), std::string::npos);
  // Nor may an audit judge it.
  EXPECT_EQ(sh(bin() + " audit -q --db '" + db + "' --run 1 --out '" + (d / "out").string() + "' 2>/dev/null"), 2);
  fs::remove_all(d);
}

// A shared run planned but never worked: no site 合格, every site 未测评, exit 3 (0 with --partial).
TEST(Campaign, APlannedRunNoWorkerTouchedIsNotAudited) {
  PgServer pg(55436);
  if (!pg.skip().empty()) GOVAUDIT_NEED_TOOL(pg.skip());
  ASSERT_TRUE(pg.error().empty()) << pg.error();
  fs::path d = scratch("planned");
  std::ofstream(d / "sites.toml") << "[[site]]\nid = \"anping\"\nname = \"安平县\"\nhomepage = \"http://www.anping.gov.cn/\"\n"
                                     "[[site]]\nid = \"bocheng\"\nname = \"博城县\"\nhomepage = \"http://www.bocheng.gov.cn/\"\n";
  std::string uri = pg.uri();
  ASSERT_EQ(sh(bin() + " plan -q --db '" + uri + "' --sites '" + (d / "sites.toml").string() + "' --units-by host --today 2025-11-20"), 0);
  std::string report = bin() + " report --db '" + uri + "' --out '" + (d / "out").string() + "'";
  EXPECT_EQ(sh(report + " 2> '" + (d / "err").string() + "' >/dev/null"), 3);
  EXPECT_NE(read_file(d / "err").find("2 of 2 sites were not audited"), std::string::npos) << read_file(d / "err");
  EXPECT_FALSE(fs::exists(d / "out" / "report.html"));
  ASSERT_EQ(sh(report + " --partial 2>/dev/null >/dev/null"), 0);
  for (auto* f : {"report.md", "report.html", "rectification.csv"}) ASSERT_TRUE(fs::exists(d / "out" / f)) << f;
  std::string md = read_file(d / "out" / "report.md"), html = read_file(d / "out" / "report.html");
  EXPECT_NE(md.find("未测评网站 2 个（尚未测评（等待处理） 2 个）"), std::string::npos) << md;
  EXPECT_EQ(md.find("| 合格 |"), std::string::npos) << md;
  EXPECT_EQ(md.find("100.0"), std::string::npos) << md;
  EXPECT_EQ(html.find(">合格<"), std::string::npos);
  EXPECT_EQ(html.find("100.0"), std::string::npos);
  fs::remove_all(d);
}

// `govaudit user`: the token once, alone on the last line; clear errors that change nothing.
TEST(Campaign, UserCommandsAddListRemoveAndRefuseBadInput) {
  SqliteBackend b;
  std::string db = (b.dir / "govaudit.db").string(), out = (b.dir / "user.out").string(), err = (b.dir / "user.err").string();
  auto user = [&](const std::string& args) { return sh(bin() + " user " + args + " --db '" + db + "' > '" + out + "' 2> '" + err + "'"); };
  ASSERT_EQ(user("add --name 安平县 --role county --sites anping"), 0) << read_file(err);
  std::string printed = read_file(out);
  ASSERT_FALSE(printed.empty());
  printed.pop_back();
  std::string token = printed.substr(printed.rfind('\n') + 1);
  EXPECT_EQ(token.rfind("gat_", 0), 0u) << printed;
  auto a = b.s.account_by_token_hash(token_hash(token));
  ASSERT_TRUE(a);
  EXPECT_EQ(a->role, Role::County);
  EXPECT_EQ(a->sites, std::vector<std::string>{"anping"});
  // Only its hash is stored (grep in a process of its own: closing a descriptor of the database file
  // here would drop this process's SQLite locks on it).
  EXPECT_EQ(sh("cat '" + db + "'* | grep -c '" + token + "' >/dev/null"), 1);

  EXPECT_EQ(user("add --name x --role admin"), 2);
  EXPECT_NE(read_file(err).find("not a role"), std::string::npos);
  EXPECT_EQ(user("add --name y --role county --sites nowhere"), 2);
  EXPECT_NE(read_file(err).find("no site 'nowhere'"), std::string::npos);
  EXPECT_EQ(user("add --name z --role county"), 2);
  EXPECT_EQ(user("add --name 安平县 --role viewer"), 2);  // the name is taken
  EXPECT_EQ(b.s.accounts().size(), 1u);

  ASSERT_EQ(user("list"), 0);
  EXPECT_NE(read_file(out).find("安平县\tcounty\tanping"), std::string::npos) << read_file(out);
  ASSERT_EQ(user("remove --name 安平县"), 0);
  EXPECT_EQ(user("remove --name 安平县"), 2);
  EXPECT_TRUE(b.s.accounts().empty());
}

// 回头看 on a served corpus: two findings claimed fixed, one really fixed there (the missing page put
// back) and one not; `recheck` fetches only what they rest on and tells them apart.
// Two claims of 已整改 on a served corpus's audit, one really fixed (a broken link's page put back)
// and one not (a footer): `recheck` tells them apart in a few requests, over either store. `command`
// runs the recheck; `warc_root` is where the console reads evidence.
struct RecheckCase {
  Campaign& store;
  std::int64_t run;
  govaudit::test::ServedCorpus& corpus;
  std::string command;
  fs::path warc_root;
};

void recheck_tells_a_fix_from_a_claim(const RecheckCase& t) {
  std::optional<StoredFinding> fixed, claimed;
  for (auto& sf : t.store.stored_findings(t.run)) {
    const Finding& f = sf.finding;
    auto host = url::host_of(f.subject);
    if (!fixed && f.rule == "links.broken" && url::host_of(f.url) == host && fs::exists(t.corpus.www() / host)) fixed = sf;
    else if (!claimed && f.rule.rfind("footer.", 0) == 0) claimed = sf;
  }
  ASSERT_TRUE(fixed && claimed) << "the corpus has no own-host broken link or footer finding";
  // Without a claim there is nothing to recheck: a clear error, nothing fetched.
  EXPECT_EQ(sh(t.command + " 2>/dev/null >/dev/null"), 2);
  for (auto* sf : {&*fixed, &*claimed}) {
    Review r;
    r.site_id = sf->finding.site_id;
    r.rule = sf->finding.rule;
    r.subject = sf->finding.subject;
    r.run = t.run;
    r.status = ReviewStatus::Fixed;
    r.note = "已整改";
    t.store.add_review(r);
  }
  // The county puts the missing page back; the footer stays as it was.
  auto u = url::parts(fixed->finding.subject);
  fs::path page = t.corpus.www() / u->host / u->path.substr(1);
  if (u->path.back() == '/') page /= "index.html";
  fs::create_directories(page.parent_path());
  std::ofstream(page) << "<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>已恢复</title></head><body><p>页面已恢复。</p></body></html>";

  auto from = t.corpus.log_size();
  fs::path log = t.corpus.dir() / "recheck.out";
  ASSERT_EQ(sh(t.command + " > '" + log.string() + "' 2>&1"), 0) << read_file(log);
  auto requests = t.corpus.log(from);
  EXPECT_LE(requests.size(), 30u) << "a recheck is not a crawl";
  EXPECT_GE(requests.size(), 2u);
  auto results = t.store.rechecks_for(t.run);
  ASSERT_EQ(results.size(), 2u);
  EXPECT_EQ(results.at(key_of(fixed->finding)).result, RecheckResult::Passed) << results.at(key_of(fixed->finding)).note;
  EXPECT_EQ(results.at(key_of(claimed->finding)).result, RecheckResult::Failed) << results.at(key_of(claimed->finding)).note;
  std::string evidence = results.at(key_of(claimed->finding)).warc;  // the new evidence, where the console reads it
  ASSERT_FALSE(evidence.empty());
  EXPECT_TRUE(fs::exists(t.warc_root / evidence.substr(0, evidence.find('#')))) << evidence;

  // The console's finding object carries it; the finding page shows it.
  Config cfg = load_config();
  ConsoleOptions o;
  o.warc_root = t.warc_root;
  Console c(t.store, cfg, o, [](std::int64_t) { return nullptr; });
  auto j = json::parse(c.handle(get("/api/findings/" + std::to_string(fixed->id))).body);
  EXPECT_EQ(j["recheck"]["result"], "整改通过") << j.dump();
  auto failed = c.handle(get("/findings/" + std::to_string(claimed->id))).body;
  EXPECT_NE(failed.find("回头看：整改未通过"), std::string::npos);
}

TEST(Campaign, RecheckTellsARealFixFromAClaimInAFewRequests) {
  govaudit::test::ServedCorpus corpus("recheck", 18095, 5395, 3, 40);
  GOVAUDIT_NEED_CORPUS(corpus);
  fs::path out = corpus.dir() / "out";
  ASSERT_EQ(sh(corpus.command("run", out) + " >/dev/null 2>&1"), 0);
  std::string recheck;  // the run's options but the site list: the claims name their sites
  auto a = corpus.args(out);
  a[1] = "recheck";
  for (size_t i = 0; i < a.size(); ++i)
    if (a[i] == "--sites") ++i;
    else recheck += "'" + a[i] + "' ";
  std::string db = (out / "govaudit.db").string();
  Store s(db);
  auto audit = s.latest_run(RunKind::Audit)->id;
  recheck_tells_a_fix_from_a_claim({s, audit, corpus, recheck, out});
  if (HasFatalFailure()) return;

  // Evidence files gone: the browser is told so, never where they were.
  Config cfg = load_config();
  ConsoleOptions o;
  o.warc_root = out;
  Console c(s, cfg, o);
  auto claimed = s.rechecks_for(audit);
  std::int64_t id = 0;
  for (auto& sf : s.stored_findings(audit))
    if (auto it = claimed.find(key_of(sf.finding)); it != claimed.end() && it->second.result == RecheckResult::Failed) id = sf.id;
  fs::rename(out / "warc", out / "warc.away");
  auto gone = c.handle(get("/evidence/" + std::to_string(id)));
  EXPECT_EQ(gone.status, 404);
  EXPECT_EQ(gone.body.find(out.string()), std::string::npos);
  EXPECT_EQ(c.handle(get("/findings/" + std::to_string(id))).body.find(out.string()), std::string::npos);
  fs::rename(out / "warc.away", out / "warc");

  // The 整改清单 written again says it too.
  ASSERT_EQ(sh(bin() + " report -q --db '" + db + "' --out '" + out.string() + "' >/dev/null"), 0);
  std::string csv = read_file(out / "rectification.csv");
  EXPECT_NE(csv.find("回头看：整改未通过"), std::string::npos);
  EXPECT_NE(csv.find("回头看：整改通过"), std::string::npos);
}

// The same over the shared store: the audited crawl read from the units' databases in the artifact
// store, the new evidence put there; the shared report's 整改清单 says it.
TEST(Campaign, RecheckOverTheSharedStore) {
  PgServer pg(55438);
  if (!pg.skip().empty()) GOVAUDIT_NEED_TOOL(pg.skip());
  ASSERT_TRUE(pg.error().empty()) << pg.error();
  govaudit::test::ServedCorpus corpus("recheck_pg", 18100, 5400, 3, 40);
  GOVAUDIT_NEED_CORPUS(corpus);
  fs::path d = corpus.dir();
  std::string uri = pg.uri();
  auto a = corpus.args(d / "unused");  // crawl -q --sites … --dns … --today … --allow-net … --out …
  ASSERT_EQ(sh(bin() + " plan -q --db '" + uri + "' --sites '" + a[4] + "' --dns " + a[6] + " --today " + a[8] + " --allow-net " + a[10]), 0);
  ASSERT_EQ(sh(bin() + " worker -q --db '" + uri + "' --work '" + (d / "work").string() + "' --store '" + (d / "store").string() +
               "' --exit-when-idle"), 0);
  SharedStore s(uri);
  auto run = s.audit_runs().back().id;
  std::string recheck = bin() + " recheck -q --db '" + uri + "' --store '" + (d / "store").string() + "'";
  EXPECT_EQ(sh(bin() + " recheck -q --db '" + uri + "' 2>/dev/null"), 2);  // where the units' files are: not said
  recheck_tells_a_fix_from_a_claim({s, run, corpus, recheck, d / "store"});
  if (HasFatalFailure()) return;
  ASSERT_EQ(sh(bin() + " report -q --db '" + uri + "' --out '" + (d / "out").string() + "' >/dev/null"), 0);
  std::string csv = read_file(d / "out" / "rectification.csv");
  EXPECT_NE(csv.find("回头看：整改未通过"), std::string::npos);
  EXPECT_NE(csv.find("回头看：整改通过"), std::string::npos);
}

// The password of a connection string, however written (user:PW@, ?password=, a percent-encoded key
// libpq decodes, sslpassword, a bad %-escape libpq quotes back), appears in no output of any command
// that takes --db, against a server that is not there; nor in the process title while one waits.
TEST(Campaign, NoCommandPrintsTheDatabasePassword) {
  fs::path d = scratch("secret");
  std::ofstream(d / "sites.toml") << "[[site]]\nid = \"anping\"\nname = \"安平县\"\nhomepage = \"http://www.anping.gov.cn/\"\n";
  const std::vector<std::string> uris = {
      "postgresql://audit:s3cretpw@127.0.0.1:1/govaudit", "postgresql://audit@127.0.0.1:1/govaudit?pass%77ord=s3cretpw",
      "postgresql://audit@127.0.0.1:1/govaudit?sslpassword=s3cretpw&PASSWORD=s3cr%65tpw", "postgres://audit@127.0.0.1:1/g?password=s3cretpw%zz"};
  std::string sites = " --sites '" + (d / "sites.toml").string() + "'";
  const std::vector<std::string> commands = {"serve --store st", "report", "diff", "audit", "user list", "plan" + sites,
                                             "probe" + sites, "crawl" + sites, "recheck", "reviews export --file x.xlsx",
                                             "worker --work w --store st --exit-when-idle"};
  for (auto& uri : uris)
    for (auto& cmd : commands) {
      // The worker waits for its server to come back: it is stopped after a few of its retries.
      int rc = sh("cd '" + d.string() + "' && timeout 3 " + bin() + " " + cmd + " --db '" + uri + "' > out 2> err");
      std::string all = read_file(d / "out") + read_file(d / "err");
      EXPECT_NE(rc, 0) << cmd;
      EXPECT_FALSE(all.empty()) << cmd;  // it said why
      EXPECT_EQ(all.find("s3cr"), std::string::npos) << cmd << " " << uri << "\n" << all;
    }
  EXPECT_FALSE(fs::exists(d / "postgresql:"));  // the SQLite-only commands refuse the URI: no file named after it
  EXPECT_FALSE(fs::exists(d / "postgres:"));

  // A server that takes the connection and never answers: the command waits, and ps shows stars.
  int listener = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ASSERT_EQ(::bind(listener, reinterpret_cast<sockaddr*>(&a), sizeof a), 0);
  ASSERT_EQ(::listen(listener, 4), 0);
  socklen_t len = sizeof a;
  ::getsockname(listener, reinterpret_cast<sockaddr*>(&a), &len);
  std::string uri = "postgresql://audit@127.0.0.1:" + std::to_string(ntohs(a.sin_port)) + "/g?pass%77ord=s3cretpw";
  ASSERT_EQ(sh(bin() + " report --db '" + uri + "' > '" + (d / "out").string() + "' 2>&1 & echo $! > '" + (d / "pid").string() + "'"), 0);
  std::string pid = trim(read_file(d / "pid"));
  pollfd connected{listener, POLLIN, 0};  // it has parsed its arguments once it connects
  ASSERT_EQ(::poll(&connected, 1, 10000), 1);
  std::string title = read_file(fs::path("/proc") / pid / "cmdline");
  EXPECT_NE(title.find("pass%77ord=********"), std::string::npos) << title;
  EXPECT_EQ(title.find("s3cr"), std::string::npos) << title;
  sh("kill " + pid);
  ::close(listener);
  fs::remove_all(d);
}

namespace {

// The 复核表 of `b`'s run, filled as an evaluator would (误报 with a reason, 已整改, 确认, a blank row).
std::vector<ReviewRow> filled_table(Backend& b, const fs::path& file) {
  Config cfg = load_config();
  write_review_table(review_rows(b.store(), cfg, b.run()), file.string());
  auto rows = read_review_table(file.string());
  EXPECT_EQ(rows.size(), 4u);
  const char* decisions[] = {"误报", "已整改", "确认", ""};
  for (size_t i = 0; i < rows.size() && i < 4; ++i) {
    EXPECT_FALSE(rows[i].check.empty());
    rows[i].decision = decisions[i];
    rows[i].note = i == 0 ? "人工核实：页面有该标识" : i == 1 ? "已补充" : "";
    rows[i].reviewer = "李四";
  }
  return rows;
}

void review_table_round_trip(Backend& b, const fs::path& dir) {
  auto rows = filled_table(b, dir / "复核表.xlsx");
  write_review_table(rows, (dir / "filled.xlsx").string());  // as Excel would save it
  auto back = read_review_table((dir / "filled.xlsx").string());
  ASSERT_EQ(back.size(), rows.size());
  EXPECT_EQ(back[0].decision, "误报");
  EXPECT_EQ(back[0].note, "人工核实：页面有该标识");

  // Wrong rows: reported by row, and nothing recorded.
  auto wrong = back;
  wrong[1].id = wrong[0].id;  // a changed id: the fingerprint no longer matches
  wrong[2].decision = "作废";
  wrong[3].decision = "确认";
  wrong[3].id = "999999";
  wrong[0].note.clear();  // 误报 without its reason
  auto bad = import_review_table(b.store(), b.run(), wrong, "复核表");
  EXPECT_EQ(bad.errors.size(), 4u);
  EXPECT_EQ(bad.applied, 0);
  EXPECT_TRUE(b.store().reviews_for(b.run()).empty());

  auto ok = import_review_table(b.store(), b.run(), back, "复核表");
  EXPECT_TRUE(ok.errors.empty());
  EXPECT_EQ(ok.applied, 3);
  EXPECT_EQ(ok.blank, 1);
  auto again = import_review_table(b.store(), b.run(), back, "复核表");  // the same sheet twice: nothing new
  EXPECT_EQ(again.applied, 0);
  EXPECT_EQ(again.unchanged, 3);
  EXPECT_THROW(read_review_table((dir / "nothing.xlsx").string()), std::runtime_error);
  std::ofstream(dir / "not.xlsx") << "编号,网站\n";
  EXPECT_THROW(read_review_table((dir / "not.xlsx").string()), std::runtime_error);
}

}  // namespace

// The 复核表 round trip records exactly what the same decisions made in the console record.
TEST(Campaign, ReviewTableRoundTripMatchesTheConsole) {
  SqliteBackend sheet, console;
  review_table_round_trip(sheet, sheet.dir);
  Config cfg = load_config();
  Console c(console.s, cfg, ConsoleOptions{});
  auto rows = filled_table(console, console.dir / "复核表.xlsx");
  for (auto& r : rows) {
    if (r.decision.empty()) continue;
    std::string status = r.decision == "误报" ? "false_positive" : r.decision == "已整改" ? "fixed" : "confirmed";
    HttpRequest req = post("/api/findings/" + r.id + "/review", {{"status", status}, {"note", r.note}, {"reviewer", r.reviewer}});
    req.headers["x-csrf-token"] = c.csrf_token();
    ASSERT_EQ(c.handle(req).status, 200);
  }
  auto a = sheet.s.reviews_for(sheet.run()), b = console.s.reviews_for(console.run());
  ASSERT_EQ(a.size(), 3u);
  ASSERT_EQ(a.size(), b.size());
  for (auto& [key, r] : a) {
    ASSERT_TRUE(b.count(key));
    EXPECT_EQ(r.status, b.at(key).status);
    EXPECT_EQ(r.note, b.at(key).note);
    EXPECT_EQ(r.reviewer, b.at(key).reviewer);
  }
  // The CLI: export, then an import of a sheet that does not parse changes nothing (exit 2).
  std::string db = (sheet.dir / "govaudit.db").string();
  EXPECT_EQ(sh(bin() + " reviews export --db '" + db + "' --file '" + (sheet.dir / "cli.xlsx").string() + "' >/dev/null"), 0);
  EXPECT_EQ(read_review_table((sheet.dir / "cli.xlsx").string()).size(), 4u);
  EXPECT_EQ(sh(bin() + " reviews import --db '" + db + "' --file '" + (sheet.dir / "not.xlsx").string() + "' 2>/dev/null"), 2);
  EXPECT_EQ(sh(bin() + " reviews import --db '" + db + "' --file '" + (sheet.dir / "filled.xlsx").string() + "' >/dev/null"), 0);
}

TEST(Campaign, ReviewTableRoundTripOverPostgres) {
  PgServer pg(55437);
  if (!pg.skip().empty()) GOVAUDIT_NEED_TOOL(pg.skip());
  ASSERT_TRUE(pg.error().empty()) << pg.error();
  PgBackend b(pg);
  fs::path dir = scratch("pgtable");
  review_table_round_trip(b, dir);
  EXPECT_EQ(b.store().reviews_for(b.run()).size(), 3u);
  fs::remove_all(dir);
}
