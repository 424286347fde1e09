// The whole pipeline against the in-process demo portals on real loopback sockets.
#include <gtest/gtest.h>
#include <sqlite3.h>

#include <algorithm>
#include <chrono>

#include <filesystem>
#include <fstream>
#include <map>
#include <mutex>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>

#include "cli/demo_server.hpp"
#include "cli/demo_site.hpp"
#include "cli/pipeline.hpp"
#include "model/strings.hpp"
#include "model/url.hpp"
#include "reports/history.hpp"
#include "reports/rectification.hpp"
#include "reports/report.hpp"
#include "rules/rule.hpp"
#include "tests/integration/loopback_server.hpp"
#include "tests/test_helpers.hpp"

using namespace govaudit;

namespace {

// The demo portals served on loopback, a configuration pointed at them, and a fresh database.
struct DemoEnv {
  Date today{2025, 11, 20};
  Config cfg = load_config();
  DemoServer server;
  DemoPortal portal;
  std::filesystem::path dir;
  std::string db;

  explicit DemoEnv(const char* name, bool configure = true) {
    portal = make_demo_portal(cfg, today, server.port(), server.has_v6());
    server.set_routes(portal.routes, portal.any_hosts, portal.routes_v6);
    if (configure) configure_for_demo(cfg, portal);
    dir = std::filesystem::temp_directory_path() / (std::string("govaudit_") + name + "_" + std::to_string(::getpid()));
    std::filesystem::remove_all(dir);
    std::filesystem::create_directories(dir);
    db = (dir / "g.db").string();
  }
  ~DemoEnv() {
    std::error_code ec;
    std::filesystem::remove_all(dir, ec);
  }
};

}  // namespace

TEST(DemoPipeline, FindsExactlyThePlantedProblems) {
  DemoEnv env("demo");
  auto& [today, cfg, server, portal, dir, db] = env;
  Store store(db);
  auto crawl = crawl_stage(store, db, cfg, portal.sites, today, "{}");
  EXPECT_EQ(crawl.unreachable, 1);
  auto audit = audit_stage(store, cfg, crawl.run, today);
  std::set<std::string> got, want(portal.planted.begin(), portal.planted.end());
  for (auto& f : store.findings(audit.run)) got.insert(f.site_id + " " + f.rule + " " + f.subject);
  EXPECT_EQ(got, want);
  // The audit's views (a page table, records read from the store as rules ask) judge exactly as
  // the full records in memory do, evidence and all.
  auto whole = [](const Finding& f) { return f.site_id + " " + f.rule + " " + f.subject + " " + f.url + " " + f.detail_json; };
  std::set<std::string> full, audited;
  for (auto& f : judge(store.load_site_views(crawl.run), RuleContext{today, &cfg})) full.insert(whole(f));
  for (auto& f : store.findings(audit.run)) audited.insert(whole(f));
  EXPECT_EQ(full, audited);
  // The moved article's relative attachment link was resolved against where the 301 led.
  int moved_attachment = 0;
  for (auto& v : store.load_site_views(crawl.run))
    for (auto& p : v.pages)
      if (p.url.ends_with("/202501/P020250102_fj.pdf")) moved_attachment = p.status;
  EXPECT_EQ(moved_attachment, 200);
  // robots.txt was asked and the server saw the crawl.
  EXPECT_GT(server.requests(), 20u);
  auto files = report_stage(store, cfg, audit.run, dir);
  EXPECT_EQ(files.size(), 5u);
  // The measures the audit stored make the same report as those measured again from the full
  // records, as a database of an older govaudit gets them.
  auto measures = store.site_measures(audit.run);
  ASSERT_EQ(measures.size(), portal.sites.size());
  EXPECT_TRUE(std::any_of(measures.begin(), measures.end(), [](auto& e) { return !e.second.redirects.empty(); }));
  std::ostringstream stored, remeasured;
  write_html(load_report_data(store, cfg, audit.run), stored);
  sqlite3* raw = nullptr;
  ASSERT_EQ(sqlite3_open(db.c_str(), &raw), SQLITE_OK);
  EXPECT_EQ(sqlite3_exec(raw, "DELETE FROM site_measures", nullptr, nullptr, nullptr), SQLITE_OK);
  sqlite3_close(raw);
  ASSERT_TRUE(store.site_measures(audit.run).empty());
  ensure_measures(store, cfg, audit.run);
  write_html(load_report_data(store, cfg, audit.run), remeasured);
  EXPECT_EQ(stored.str(), remeasured.str());
  EXPECT_THROW(parse_measures("{\"status\": \"done\"}"), std::runtime_error);
  // A duplicate's row names the original and both dates; a leaking message's row its count only.
  int duplicate_rows = 0, phone_rows = 0;
  for (auto& row : rectification_rows(load_report_data(store, cfg, audit.run))) {
    if (row.problem.find("重复，本稿发布于 20") != std::string::npos && row.problem.find("（20") != std::string::npos)
      ++duplicate_rows;
    phone_rows += row.problem.find("含网民手机号码 ") != std::string::npos;
  }
  EXPECT_EQ(duplicate_rows, std::count_if(portal.planted.begin(), portal.planted.end(), [](auto& p) {
              return p.find(" content.duplicate_article ") != std::string::npos;
            }));
  EXPECT_GT(duplicate_rows, 0);
  EXPECT_EQ(phone_rows, std::count_if(portal.planted.begin(), portal.planted.end(),
                                      [](auto& p) { return p.find(" privacy.phone_number ") != std::string::npos; }));
  EXPECT_GT(phone_rows, 0);
  EXPECT_GT(std::filesystem::file_size(dir / "report.html"), 1000u);
  EXPECT_GT(std::filesystem::file_size(dir / "rectification.csv"), 500u);
  EXPECT_GT(std::filesystem::file_size(dir / "report.md"), 500u);
  auto all = store.findings(audit.run);
  auto rows = std::count_if(all.begin(), all.end(),  // manual checks are not rows
                            [](auto& f) { return f.rule.find("manual_check") == std::string::npos; });
  // The workbook read by an independent reader (Python's zipfile + XML, not libxlsxwriter): a 汇总
  // sheet and one per site, frozen headers, filters, and every finding's row.
  std::string check =
      "python3 -c \"import zipfile,sys,re; z=zipfile.ZipFile(sys.argv[1]); wb=z.read('xl/workbook.xml').decode(); "
      "names=re.findall(r'<sheet name=.([^\\x22]+).', wb); assert names[0]=='汇总' and len(names)==1+int(sys.argv[2]), names; "
      "ss=z.read('xl/sharedStrings.xml').decode(); assert '整改时限' in ss and '首页未展示ICP备案编号' in ss; "
      "sheets=[z.read(n).decode() for n in z.namelist() if n.startswith('xl/worksheets/sheet')]; "
      "assert all('state=\\x22frozen\\x22' in x and '<autoFilter' in x for x in sheets); "
      "rows=sum(len(re.findall(r'<row r=', x))-1 for x in sheets[1:]); assert rows==int(sys.argv[3]), rows\" " +
      (dir / "rectification.xlsx").string() + " " + std::to_string(portal.sites.size()) + " " +
      std::to_string(rows);
  EXPECT_EQ(govaudit::test::sh(check), 0);
}

TEST(DemoPipeline, SsrfGuardRefusesLoopbackWithoutAllowNet) {
  DemoEnv env("ssrf", false);
  auto& [today, cfg, server, portal, dir, db] = env;
  for (auto& [h, a] : portal.dns) cfg.dns.static_hosts[h] = {"127.0.0.1"};
  cfg.crawl.retries = 0;
  Store store(db);
  auto crawl = crawl_stage(store, db, cfg, portal.sites, today, "{}");
  EXPECT_EQ(crawl.unreachable, int(portal.sites.size()));
  EXPECT_EQ(server.requests(), 0u);  // nothing connected at all
  auto views = store.load_site_views(crawl.run);
  ASSERT_FALSE(views.empty());
  EXPECT_NE(views[0].error.find("loopback"), std::string::npos) << views[0].error;
}

TEST(DemoPipeline, ANightlyRunReusesRecentAnswersOfOtherHosts) {
  DemoEnv env("reuse");
  auto& [today, cfg, server, portal, dir, db] = env;
  // Counted by host: the county sites' own request count may differ by curl's retry of a
  // reused connection that the server closed, which depends on timing.
  auto national = [&] {
    size_t n = 0;
    for (auto& h : portal.any_hosts) n += server.requests_to(h);
    return n;
  };
  Store store(db);
  auto first = crawl_stage(store, db, cfg, portal.sites, today, "{}");
  size_t after_first = national();
  ASSERT_GT(after_first, 0u);
  auto second = crawl_stage(store, db, cfg, portal.sites, today, "{}");
  size_t second_requests = national() - after_first;  // IPv6 probes of links remain per site
  int external = 0, reused = 0;
  std::set<std::string> distinct;  // sites linking the same URL share one answer, even within a run
  // Checks of national hosts (a site's own stylesheets are fetched anew by every crawl).
  auto national_check = [&](const PageRecord& p) {
    auto u = url::parts(p.url);
    return p.kind == PageKind::External && p.status == 200 && u &&
           std::count(portal.any_hosts.begin(), portal.any_hosts.end(), u->host) > 0;
  };
  for (auto& v : store.load_site_views(first.run))
    for (auto& p : v.pages)
      if (national_check(p)) ++external, distinct.insert(p.url);
  for (auto& v : store.load_site_views(second.run))
    for (auto& p : v.pages) reused += national_check(p);
  ASSERT_GT(external, 0);
  ASSERT_LT(distinct.size(), size_t(external));  // the demo has links shared by several sites
  EXPECT_LE(second_requests + distinct.size(), after_first);  // the link checks were not repeated
  EXPECT_EQ(reused, external);  // and are still recorded for every site that links them
  // With reuse off, they are asked again.
  cfg.crawl.reuse_external_hours = 0;
  size_t before_third = national();
  crawl_stage(store, db, cfg, portal.sites, today, "{}");
  EXPECT_EQ(national() - before_third, after_first);
}

TEST(DemoPipeline, DiffShowsExactlyWhatChangedOnTheServedSite) {
  DemoEnv env("diff");
  auto& [today, cfg, server, portal, dir, db] = env;
  Store store(db);
  auto a1 = audit_stage(store, cfg, crawl_stage(store, db, cfg, portal.sites, today, "{}").run, today);
  // Re-judging the same crawl on the same day changes nothing.
  auto again = audit_stage(store, cfg, store.run(a1.run)->crawl_run.value(), today);
  auto same = diff_findings(store.findings(a1.run), store.findings(again.run));
  EXPECT_TRUE(same.added.empty());
  EXPECT_TRUE(same.resolved.empty());
  EXPECT_EQ(same.persisting.size(), store.findings(a1.run).size());
  // The county fixes its ICP number; another loses its 找错 entry.
  auto routes = portal.routes;
  auto fix = [](std::string& body, const std::string& from, const std::string& to) {
    auto p = body.find(from);
    ASSERT_NE(p, std::string::npos) << from;
    body.replace(p, from.size(), to);
  };
  for (const char* path : {"/", "/index.html"}) {
    fix(routes["www.shifan.gov.cn.test"][path].body, "</p><p>", "皖ICP备05012345号</p><p>");
    std::string& hexie = routes["www.hexie.gov.cn.test"][path].body;
    auto a = hexie.find("<a href=\"http://zfwzzc.www.gov.cn.test");
    ASSERT_NE(a, std::string::npos);
    hexie.erase(a, hexie.find("</a>", a) + 4 - a);  // the whole 找错 entry goes
  }
  server.set_routes(routes, portal.any_hosts, portal.routes_v6);
  auto a2 = audit_stage(store, cfg, crawl_stage(store, db, cfg, portal.sites, today, "{}").run, today);
  auto d = diff_findings(store.findings(a1.run), store.findings(a2.run));
  ASSERT_EQ(d.resolved.size(), 1u);
  EXPECT_EQ(d.resolved[0].site_id + " " + d.resolved[0].rule, "shifan footer.missing_icp");
  ASSERT_EQ(d.added.size(), 1u);
  EXPECT_EQ(d.added[0].site_id + " " + d.added[0].rule, "hexie footer.missing_jiucuo");
  EXPECT_EQ(d.persisting.size(), store.findings(a1.run).size() - 1);
  // The list marks each finding against the previous run.
  auto data = load_report_data(store, cfg, a2.run);
  auto rows = rectification_rows(data);
  int fresh = 0;
  for (auto& r : rows) fresh += r.status == "新发现";
  EXPECT_EQ(fresh, 1);
}

TEST(DemoPipeline, ReportRendersToA4PdfInHeadlessChromium) {
  if (govaudit::test::sh("command -v chromium >/dev/null") != 0) GOVAUDIT_NEED_TOOL("chromium is not installed (scripts/install-deps)");
  DemoEnv env("pdf");
  auto& [today, cfg, server, portal, dir, db] = env;
  Store store(db);
  auto audit = audit_stage(store, cfg, crawl_stage(store, db, cfg, portal.sites, today, "{}").run, today);
  report_stage(store, cfg, audit.run, dir, {"html"});
  auto pdf = dir / "report.pdf";
  std::string cmd = "timeout 120 chromium --headless --no-sandbox --disable-gpu --disable-quic --no-first-run "
                    "--disable-background-networking --disable-component-update --disable-sync --user-data-dir=" +
                    (dir / "chromium").string() + " --no-pdf-header-footer --print-to-pdf=" + pdf.string() + " file://" +
                    (dir / "report.html").string() + " >" + (dir / "chromium.log").string() + " 2>&1";
  EXPECT_EQ(govaudit::test::sh(cmd), 0);
  ASSERT_TRUE(std::filesystem::exists(pdf));
  EXPECT_GT(std::filesystem::file_size(pdf), 20000u);
  std::ifstream in(pdf, std::ios::binary);
  char magic[5] = {0};
  in.read(magic, 4);
  EXPECT_STREQ(magic, "%PDF");
}

TEST(DemoPipeline, EveryExchangeIsInWarcFilesThatWarcioReads) {
  DemoEnv env("warc");
  auto& [today, cfg, server, portal, dir, db] = env;
  std::filesystem::path tools = GOVAUDIT_SOURCE_DIR "/tests/tools";
  ASSERT_TRUE(std::filesystem::exists(tools / "node_modules" / "warcio")) << "run scripts/install-deps (npm warcio)";
  // Per-host settings: a header and a cookie for one county only.
  std::string county = portal.sites[0].hosts[0];
  cfg.crawl.hosts[county].headers = {"X-Audit-Token: demo-42"};
  cfg.crawl.hosts[county].cookies = "session=abc";
  Store store(db);
  auto crawl = crawl_stage(store, db, cfg, portal.sites, today, "{}", {dir / "warc", false});
  ASSERT_EQ(govaudit::test::sh("node '" + (tools / "warc_read.mjs").string() + "' '" + (dir / "warc").string() +
                               "'/*.warc.gz > '" + (dir / "warc.json").string() + "'"), 0);
  std::ifstream in(dir / "warc.json");
  auto warc = nlohmann::json::parse(in);
  EXPECT_TRUE(warc["errors"].empty()) << warc["errors"].dump();
  std::map<std::string, nlohmann::json> responses;  // "file#offset" -> record
  std::set<std::string> answered;                    // response ids with their request
  int requests = 0;
  for (auto& r : warc["records"]) {
    EXPECT_EQ(r["version"], "WARC/1.1");
    if (r["type"] == "response") {
      EXPECT_TRUE(r["digest_ok"].get<bool>()) << r["uri"];
      responses["warc/" + r["file"].get<std::string>() + "#" + std::to_string(r["offset"].get<long>())] = r;
    } else if (r["type"] == "request") {
      ++requests;
      answered.insert(r["concurrent_to"].get<std::string>());
      auto& h = r["headers"];
      EXPECT_NE(h.value("user-agent", "").find("govaudit/"), std::string::npos);
      bool ours = r["uri"].get<std::string>().find("//" + county + ":") != std::string::npos;
      EXPECT_EQ(h.value("x-audit-token", ""), ours ? "demo-42" : "") << r["uri"];
      EXPECT_EQ(h.value("cookie", ""), ours ? "session=abc" : "") << r["uri"];
    }
  }
  EXPECT_EQ(requests, int(responses.size()));
  int robots = 0;  // robots.txt answers are kept with their text
  for (auto& [where, r] : responses)
    if (r["uri"].get<std::string>().ends_with("/robots.txt") && r["status"] == 200) {
      ++robots;
      EXPECT_GT(r["payload_bytes"].get<long>(), 0) << where;
    }
  EXPECT_GT(robots, 0);
  for (auto& [where, r] : responses) EXPECT_TRUE(answered.count(r["id"].get<std::string>())) << where;
  // Every stored answer cites its response record.
  int cited = 0;
  for (auto& v : store.load_site_views(crawl.run))
    for (auto& p : v.pages) {
      if (p.status == 0) continue;  // nothing answered: nothing to keep
      auto it = responses.find(p.crawl().warc);
      ASSERT_NE(it, responses.end()) << p.url << " cites '" << p.crawl().warc << "'";
      EXPECT_EQ(it->second["uri"], p.final_url);
      EXPECT_EQ(it->second["status"], p.status) << p.url;
      // The body is evidence too, parsed or not (a file showing ID numbers is withheld on purpose).
      if (p.bytes > 0 && !(p.kind == PageKind::Attachment && p.id_count > 0)) {
        EXPECT_GT(it->second["payload_bytes"].get<long>(), 0) << p.url;
      }
      ++cited;
    }
  EXPECT_GT(cited, 100);
  // The report cites the record of each finding's page.
  auto audit = audit_stage(store, cfg, crawl.run, today);
  std::ostringstream html;
  write_html(load_report_data(store, cfg, audit.run), html);
  EXPECT_NE(html.str().find("存档：warc/govaudit-run"), std::string::npos);
}

TEST(DemoPipeline, RemapCrawlsAStagingCopyUnderItsProductionNames) {
  DemoEnv env("remap");
  auto& [today, cfg, server, portal, dir, db] = env;
  const Site& staging = portal.sites[0];
  std::string port = ":" + std::to_string(server.port());
  Site prod = staging;
  prod.id = "prod";
  prod.hosts = {"www.prod.gov.cn.test"};
  prod.homepage = "http://www.prod.gov.cn.test" + port + "/";
  Store store(db);
  auto as_itself = store.load_site_views(crawl_stage(store, db, cfg, {staging}, today, "{}").run);
  cfg.crawl.remap = {{prod.homepage, staging.homepage}};
  auto as_prod = store.load_site_views(crawl_stage(store, db, cfg, {prod}, today, "{}", {{}, true}).run);
  ASSERT_EQ(as_itself.size(), 1u);
  ASSERT_EQ(as_prod.size(), 1u);
  auto renamed = [&](std::string u) {
    if (u.rfind(staging.homepage, 0) == 0) u = prod.homepage + u.substr(staging.homepage.size());
    return u;
  };
  std::set<std::string> want, got;
  for (auto& p : as_itself[0].pages) want.insert(renamed(p.url) + " " + std::to_string(p.status) + " " + std::string(name(p.kind)) + " " + p.title);
  for (auto& p : as_prod[0].pages) {
    got.insert(p.url + " " + std::to_string(p.status) + " " + std::string(name(p.kind)) + " " + p.title);
    EXPECT_EQ(p.url.find(staging.hosts[0]), std::string::npos) << p.url;
  }
  EXPECT_GT(want.size(), 30u);
  EXPECT_EQ(got, want);
}

// A link hidden by a rule of the site's own stylesheet is seen as one hidden by a <style> block;
// the stylesheet is fetched once however many pages link it, one that does not answer holds
// nothing up, and one on another host is not fetched.
TEST(DemoPipeline, AStylesheetOfTheSiteHidesSpamNotItsOwnMenu) {
  DemoEnv env("styles");
  auto& [today, cfg, server, portal, dir, db] = env;
  std::string host;
  for (auto& [h, paths] : portal.routes)
    if (paths.count("/css/site.css")) host = h;
  ASSERT_FALSE(host.empty());
  auto routes = portal.routes;
  int linking = 0;
  for (auto& [path, resp] : routes[host]) {
    auto head = resp.body.find("</head>");
    if (resp.content_type.find("html") == std::string::npos || head == std::string::npos) continue;
    resp.body.insert(head, "<link rel=stylesheet href=\"/css/site.css\"><LINK REL=\"stylesheet\" HREF=\"/css/gone.css\">"
                           "<link rel=\"stylesheet\" href=\"http://cdn.elsewhere.test/x.css\">");
    ++linking;
  }
  ASSERT_GT(linking, 10);
  server.set_routes(routes, portal.any_hosts, portal.routes_v6);
  Store store(db);
  auto crawl = crawl_stage(store, db, cfg, portal.sites, today, "{}");
  auto audit = audit_stage(store, cfg, crawl.run, today);
  std::map<std::string, int> fetched;
  for (auto& v : store.load_site_views(crawl.run))
    for (auto& p : v.pages)
      if (p.url.ends_with(".css")) ++fetched[p.url.substr(p.url.find("/css/"))];
  EXPECT_EQ(fetched, (std::map<std::string, int>{{"/css/gone.css", 1}, {"/css/site.css", 1}}));
  std::set<std::string> hidden;
  for (auto& f : store.findings(audit.run))
    if (f.rule == "security.hidden_link") hidden.insert(f.subject.substr(f.subject.find(".test") + 5));
  std::string port = ":" + std::to_string(server.port());
  EXPECT_EQ(hidden, (std::set<std::string>{port + "/", port + "/lhc/", port + "/ssc/"}));
}

// After a run, the webhook gets the run's new veto findings once: all of them after the first run,
// nothing after a run that finds nothing new, exactly the new one after a page gains an ID number;
// in the text form group robots accept when asked. A dead webhook leaves the run and its reports be.
TEST(DemoPipeline, AWebhookGetsTheNewVetoFindingsOnce) {
  DemoEnv env("notify");
  auto& [today, cfg, server, portal, dir, db] = env;
  std::mutex mu;
  std::vector<std::string> posted;
  govaudit::test::LoopbackServer hook([&](int c) {
    std::string req = govaudit::test::LoopbackServer::read_head(c);
    auto head_end = req.find("\r\n\r\n");
    auto cl = ascii_lower(req).find("content-length:");
    size_t want = cl == std::string::npos ? 0 : std::stoul(req.substr(cl + 15));
    std::string body = head_end == std::string::npos ? "" : req.substr(head_end + 4);
    char buf[4096];
    while (body.size() < want) {
      ssize_t n = ::recv(c, buf, sizeof buf, 0);
      if (n <= 0) break;
      body.append(buf, size_t(n));
    }
    {
      std::lock_guard lock(mu);
      posted.push_back(body);
    }
    std::string ok = "HTTP/1.1 200 OK\r\nContent-Length: 2\r\nConnection: close\r\n\r\nok";
    ::send(c, ok.data(), ok.size(), MSG_NOSIGNAL);
    ::close(c);
  });
  cfg.notify.webhook = "http://127.0.0.1:" + std::to_string(hook.port()) + "/hook";
  Store store(db);
  auto run = [&] { return run_job(store, db, cfg, portal.sites, today, "{}", dir / "out", {dir / "warc", false}); };
  auto first = run();
  size_t vetoes = 0;
  for (auto& f : store.findings(first.audit.run)) vetoes += f.severity == Severity::Veto;
  ASSERT_GT(vetoes, 0u);
  ASSERT_EQ(posted.size(), 1u);
  auto j = nlohmann::json::parse(posted[0]);
  EXPECT_EQ(j["new_findings"].get<size_t>(), vetoes);
  for (auto& f : j["findings"]) EXPECT_EQ(f["severity"], "veto");
  run();  // the same content: nothing new
  EXPECT_EQ(posted.size(), 1u);
  // A page gains a resident ID number: one new veto finding, sent as a robot's text message.
  auto routes = portal.routes;
  std::string host = portal.sites[0].hosts[0];
  std::vector<std::string> articles;
  for (auto& [p, resp] : routes[host])
    if (p.find("/t2025") != std::string::npos && resp.body.find("</body>") != std::string::npos) articles.push_back(p);
  ASSERT_GE(articles.size(), 2u);
  std::string path = articles[0];
  auto& page = routes[host][path].body;
  page.insert(page.find("</body>"), "<p>联系人身份证号码：340823198503121238</p>");
  server.set_routes(routes, portal.any_hosts, portal.routes_v6);
  cfg.notify.format = "text";
  run();
  ASSERT_EQ(posted.size(), 2u);
  auto t = nlohmann::json::parse(posted[1]);
  EXPECT_EQ(t["msgtype"], "text");
  std::string content = t["text"]["content"];
  EXPECT_NE(content.find("新发现单项否决问题 1 个"), std::string::npos) << content;
  EXPECT_NE(content.find(path), std::string::npos) << content;
  EXPECT_EQ(content.find("340823198503121238"), std::string::npos);  // the number itself is never sent
  // Nobody listens: the run still ends well and writes its reports.
  cfg.notify.webhook = "http://127.0.0.1:9/hook";
  cfg.notify.attempts = 2;
  cfg.notify.format = "json";
  auto& other = routes[host][articles[1]].body;
  other.insert(other.find("</body>"), "<p>经办人身份证号码：340823198503121238</p>");
  server.set_routes(routes, portal.any_hosts, portal.routes_v6);
  std::filesystem::remove_all(dir / "out");
  auto t0 = std::chrono::steady_clock::now();
  auto last = run();
  EXPECT_GE(std::chrono::steady_clock::now() - t0, std::chrono::seconds(1));  // it waited to try again
  EXPECT_GT(last.audit.run, 0);
  EXPECT_TRUE(std::filesystem::exists(dir / "out" / "report.html"));
  EXPECT_EQ(posted.size(), 2u);
}
