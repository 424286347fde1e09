// The review console's routes on a real database, without sockets: every API endpoint, the token,
// CSRF, escaping of what crawled sites say, reviews carried to a later run, and the reports
// leaving out what was reviewed 误报.
#include "reports/console.hpp"
#include "reports/rectification.hpp"
#include "reports/report.hpp"

#include <gtest/gtest.h>
#include <unistd.h>

#include <fmt/format.h>

#include <chrono>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <sstream>

using namespace govaudit;
using nlohmann::json;
namespace fs = std::filesystem;

namespace {

struct ConsoleFixture : ::testing::Test {
  fs::path dir = fs::temp_directory_path() / ("govaudit_console_" + std::to_string(::getpid()));
  Config cfg = load_config();
  std::unique_ptr<Store> store;
  std::int64_t crawl = 0, audit1 = 0;

  void SetUp() override {
    fs::remove_all(dir);
    fs::create_directories(dir);
    store = std::make_unique<Store>((dir / "govaudit.db").string());
    Date today = *Date::parse_iso("2025-11-20");
    crawl = store->begin_run(RunKind::Crawl, today, std::nullopt, "{}");
    store->add_sites(crawl, {Site{"x", "<script>alert(1)</script>", "http://www.x.gov.cn/", "county", {"www.x.gov.cn"}, "", ""}});
    store->set_site_status(crawl, "x", "done", "", {});
    store->finish_run(crawl, RunStatus::Done);
    audit1 = audit(today);
  }
  void TearDown() override {
    store.reset();
    fs::remove_all(dir);
  }
  std::int64_t audit(const Date& today) {
    auto run = store->begin_run(RunKind::Audit, today, crawl, "{}");
    Finding a("x", "meta.missing", "<img src=x onerror=alert(1)>", "http://www.x.gov.cn/a.html", R"({"missing":["<b>ArticleTitle</b>"]})");
    Finding b("x", "footer.missing_icp", "www.x.gov.cn", "http://www.x.gov.cn/", R"({"identifier":"ICP备案号"})");
    a.severity = Severity::Major;
    b.severity = Severity::Minor;
    store->save_findings(run, {a, b});
    SiteMeasures m;
    m.status = "done";
    store->put_site_measures(run, {{"x", m}});
    store->finish_run(run, RunStatus::Done);
    return run;
  }
  Console console(const std::string& token = "") {
    ConsoleOptions o;
    o.token = token;
    o.warc_root = dir;
    return Console(*store, cfg, o);
  }
  static HttpRequest get(const std::string& target) { return {"GET", target, {}, ""}; }
  static HttpRequest post_json(const std::string& target, const json& body, const std::string& csrf) {
    HttpRequest r{"POST", target, {{"content-type", "application/json"}}, body.dump()};
    if (!csrf.empty()) r.headers["x-csrf-token"] = csrf;
    return r;
  }
  std::int64_t id_of(Console& c, std::int64_t run, const std::string& rule) {
    for (auto& f : json::parse(c.handle(get("/api/findings?run=" + std::to_string(run))).body))
      if (f["rule"] == rule) return f["id"];
    return 0;
  }
};

}  // namespace

TEST_F(ConsoleFixture, ApiListsRunsAndFindingsWithIds) {
  auto c = console();
  auto runs = c.handle(get("/api/runs"));
  ASSERT_EQ(runs.status, 200);
  EXPECT_NE(runs.content_type.find("application/json"), std::string::npos);
  auto r = json::parse(runs.body);
  ASSERT_EQ(r.size(), 1u);
  EXPECT_EQ(r[0]["id"], audit1);
  EXPECT_EQ(r[0]["findings"], 2);
  auto f = json::parse(c.handle(get("/api/findings?run=" + std::to_string(audit1))).body);
  ASSERT_EQ(f.size(), 2u);
  for (auto& x : f) {
    EXPECT_GT(x["id"].get<std::int64_t>(), 0);
    EXPECT_EQ(x["site"], "x");
    EXPECT_TRUE(x["review"].is_null());
  }
  EXPECT_EQ(c.handle(get("/api/findings")).status, 400);
  EXPECT_EQ(c.handle(get("/api/findings?run=999")).status, 404);
  EXPECT_EQ(c.handle(get("/api/nothing")).status, 404);
  EXPECT_EQ(c.handle(get("/findings/abc")).status, 404);  // ids are numbers looked up, never paths
  EXPECT_EQ(c.handle(get("/evidence/..%2F..%2Fetc%2Fpasswd")).status, 404);
}

TEST_F(ConsoleFixture, EveryPostNeedsTheCsrfToken) {
  auto c = console();
  auto id = id_of(c, audit1, "meta.missing");
  json body = {{"status", "confirmed"}, {"note", "ok"}};
  EXPECT_EQ(c.handle(post_json("/api/findings/" + std::to_string(id) + "/review", body, "")).status, 403);
  EXPECT_EQ(c.handle(post_json("/api/findings/" + std::to_string(id) + "/review", body, "wrong")).status, 403);
  // A form post from another site: no token either.
  HttpRequest form{"POST", "/findings/" + std::to_string(id) + "/review", {{"content-type", "application/x-www-form-urlencoded"}},
                   "status=false_positive&note=x"};
  EXPECT_EQ(c.handle(form).status, 403);
  EXPECT_TRUE(store->reviews_of("x", "meta.missing", "<img src=x onerror=alert(1)>").empty());
  // With the token from the session endpoint it is stored.
  std::string csrf = json::parse(c.handle(get("/api/session")).body)["csrf"];
  EXPECT_EQ(csrf, c.csrf_token());
  auto ok = c.handle(post_json("/api/findings/" + std::to_string(id) + "/review", body, csrf));
  ASSERT_EQ(ok.status, 200) << ok.body;
  EXPECT_EQ(json::parse(ok.body)["review"]["status"], "confirmed");
  form.body += "&csrf=" + csrf;
  auto redirected = c.handle(form);
  EXPECT_EQ(redirected.status, 303);
  EXPECT_EQ(store->reviews_of("x", "meta.missing", "<img src=x onerror=alert(1)>").size(), 2u);
}

TEST_F(ConsoleFixture, AFalsePositiveNeedsItsReasonAndAStatusMustBeKnown) {
  auto c = console();
  auto id = std::to_string(id_of(c, audit1, "meta.missing"));
  auto csrf = c.csrf_token();
  EXPECT_EQ(c.handle(post_json("/api/findings/" + id + "/review", {{"status", "false_positive"}, {"note", "  "}}, csrf)).status, 400);
  EXPECT_EQ(c.handle(post_json("/api/findings/" + id + "/review", {{"status", "deleted"}}, csrf)).status, 400);
  EXPECT_EQ(c.handle(post_json("/api/findings/999/review", {{"status", "confirmed"}}, csrf)).status, 404);
  HttpRequest bad{"POST", "/api/findings/" + id + "/review", {{"content-type", "application/json"}, {"x-csrf-token", csrf}}, "[1,2"};
  EXPECT_EQ(c.handle(bad).status, 400);
}

TEST_F(ConsoleFixture, ATokenGuardsEveryPageAndTheBrowserGetsAStrictCookie) {
  std::string token = "s3cret-token-0123456789";
  auto c = console(token);
  EXPECT_EQ(c.handle(get("/api/runs")).status, 401);
  auto page = c.handle(get("/"));
  EXPECT_EQ(page.status, 303);  // to the login form
  HttpRequest bearer = get("/api/runs");
  bearer.headers["authorization"] = "Bearer " + token;
  EXPECT_EQ(c.handle(bearer).status, 200);
  bearer.headers["authorization"] = "Bearer " + token + "x";
  EXPECT_EQ(c.handle(bearer).status, 401);
  // Login: the form's CSRF token and the access token give a session cookie.
  HttpRequest login{"POST", "/login", {{"content-type", "application/x-www-form-urlencoded"}}, "token=" + token + "&csrf=" + c.csrf_token()};
  auto r = c.handle(login);
  ASSERT_EQ(r.status, 303);
  std::string set_cookie;
  for (auto& [k, v] : r.headers)
    if (k == "Set-Cookie") set_cookie = v;
  EXPECT_NE(set_cookie.find("HttpOnly"), std::string::npos);
  EXPECT_NE(set_cookie.find("SameSite=Strict"), std::string::npos);
  HttpRequest with_cookie = get("/");
  with_cookie.headers["cookie"] = "a=b; " + set_cookie.substr(0, set_cookie.find(';'));
  EXPECT_EQ(c.handle(with_cookie).status, 200);
  HttpRequest wrong{"POST", "/login", {{"content-type", "application/x-www-form-urlencoded"}}, "token=nope&csrf=" + c.csrf_token()};
  EXPECT_EQ(c.handle(wrong).status, 403);
}

TEST_F(ConsoleFixture, WhatSitesSayIsShownAsText) {
  auto c = console();
  auto run = c.handle(get("/runs/" + std::to_string(audit1)));
  ASSERT_EQ(run.status, 200);
  auto id = std::to_string(id_of(c, audit1, "meta.missing"));
  auto finding = c.handle(get("/findings/" + id));
  ASSERT_EQ(finding.status, 200);
  for (auto* body : {&run.body, &finding.body}) {
    EXPECT_EQ(body->find("<script>alert"), std::string::npos);
    EXPECT_EQ(body->find("<img src=x"), std::string::npos);
    EXPECT_EQ(body->find("<b>ArticleTitle"), std::string::npos);
  }
  EXPECT_NE(run.body.find("&lt;script&gt;alert(1)&lt;/script&gt;"), std::string::npos);
  EXPECT_NE(finding.body.find("&lt;img src=x onerror=alert(1)&gt;"), std::string::npos);
  bool csp = false;
  for (auto& [k, v] : run.headers) csp = csp || (k == "Content-Security-Policy" && v.find("default-src 'none'") != std::string::npos);
  EXPECT_TRUE(csp);
}

TEST_F(ConsoleFixture, ReviewsCarryOverAndAFixStillFoundFails) {
  auto c = console();
  auto csrf = c.csrf_token();
  auto fp = std::to_string(id_of(c, audit1, "meta.missing"));
  auto fixed = std::to_string(id_of(c, audit1, "footer.missing_icp"));
  ASSERT_EQ(c.handle(post_json("/api/findings/" + fp + "/review", {{"status", "false_positive"}, {"note", "元数据在 JS 中输出"}, {"reviewer", "张三"}}, csrf)).status, 200);
  ASSERT_EQ(c.handle(post_json("/api/findings/" + fixed + "/review", {{"status", "fixed"}, {"note", "已补备案号"}}, csrf)).status, 200);
  auto now = json::parse(c.handle(get("/api/findings?run=" + std::to_string(audit1))).body);
  for (auto& f : now) EXPECT_EQ(f["review"]["state"], f["rule"] == "meta.missing" ? "false_positive" : "fix_claimed");

  // The next run finds both again: the 误报 holds, the fix claimed has not passed.
  auto audit2 = audit(*Date::parse_iso("2025-11-27"));
  auto later = json::parse(c.handle(get("/api/findings?run=" + std::to_string(audit2))).body);
  ASSERT_EQ(later.size(), 2u);
  for (auto& f : later) {
    EXPECT_EQ(f["history"], "persisting");
    EXPECT_EQ(f["review"]["state"], f["rule"] == "meta.missing" ? "false_positive" : "fix_failed") << f.dump();
  }
  auto page = c.handle(get("/findings/" + std::to_string(id_of(c, audit2, "footer.missing_icp")))).body;
  EXPECT_NE(page.find("整改未通过"), std::string::npos);
  EXPECT_NE(page.find("首次发现：第 " + std::to_string(audit1) + " 批"), std::string::npos);
  EXPECT_NE(page.find("已补备案号"), std::string::npos);

  // The reports: the 误报 leaves the score, the lists and the counts, and is listed with its reason.
  auto d = load_report_data(*store, cfg, audit2);
  ASSERT_EQ(d.findings.size(), 1u);
  EXPECT_EQ(d.findings[0].rule, "footer.missing_icp");
  ASSERT_EQ(d.excluded.size(), 1u);
  for (auto& row : rectification_rows(d)) EXPECT_EQ(row.problem.find("元数据"), std::string::npos);
  std::ostringstream html;
  write_html(d, html);
  EXPECT_NE(html.str().find("已复核排除"), std::string::npos);
  EXPECT_NE(html.str().find("元数据在 JS 中输出"), std::string::npos);
  EXPECT_NE(html.str().find("整改未通过"), std::string::npos);
  std::ostringstream jl;
  write_jsonl(d.excluded, jl, &d);
  EXPECT_EQ(json::parse(jl.str())["review"]["status"], "false_positive");
  // The console's overview counts what the report counts.
  auto overview = c.handle(get("/runs/" + std::to_string(audit2))).body;
  EXPECT_NE(overview.find("已复核排除 1 项"), std::string::npos);
  EXPECT_NE(overview.find(fmt::format("{:.1f}", summarize(d).verdicts["x"].score)), std::string::npos);
}

TEST_F(ConsoleFixture, AWrongHostIsRefused) {
  ConsoleOptions o;
  o.hosts = {"127.0.0.1:8080"};
  Console c(*store, cfg, o);
  HttpRequest r = get("/api/runs");
  r.headers["host"] = "evil.example:8080";
  EXPECT_EQ(c.handle(r).status, 421);
  r.headers["host"] = "127.0.0.1:8080";
  EXPECT_EQ(c.handle(r).status, 200);
}

// A browser session ends after its idle time and, used or not, after its absolute time; a logout ends
// it at once. Failed logins from one address lock that address out for a while, not others.
TEST_F(ConsoleFixture, SessionsExpireAndRepeatedFailedLoginsLockOut) {
  auto t = std::chrono::steady_clock::time_point{} + std::chrono::hours(1000);
  ConsoleOptions o;
  o.token = "a-token-of-twenty-characters";
  o.session_idle = std::chrono::minutes(30);
  o.session_max = std::chrono::hours(2);
  o.login_failures = 3;
  o.lockout = std::chrono::minutes(15);
  o.now = [&] { return t; };
  Console c(*store, cfg, o);
  auto login = [&](const std::string& token, const std::string& peer) {
    HttpRequest r{"POST", "/login", {{"content-type", "application/x-www-form-urlencoded"}}, "token=" + token};
    r.peer = peer;
    auto out = c.handle(r);
    std::string cookie;
    for (auto& [k, v] : out.headers)
      if (k == "Set-Cookie") cookie = v.substr(0, v.find(';'));
    return std::pair(out.status, cookie);
  };
  auto page = [&](const std::string& cookie) {
    HttpRequest r = get("/");
    r.headers["cookie"] = cookie;
    return c.handle(r).status;
  };
  auto [status, s] = login(o.token, "10.0.0.1");
  ASSERT_EQ(status, 303);
  for (int i = 0; i < 4; ++i) {  // used every 25 minutes: alive until 2 hours after the login
    t += std::chrono::minutes(25);
    EXPECT_EQ(page(s), 200) << i;
  }
  t += std::chrono::minutes(25);  // 2 h 5 min after the login
  EXPECT_EQ(page(s), 303);
  auto s2 = login(o.token, "10.0.0.1").second;
  t += std::chrono::minutes(31);  // idle too long
  EXPECT_EQ(page(s2), 303);
  auto s3 = login(o.token, "10.0.0.1").second;
  HttpRequest out{"POST", "/logout", {{"cookie", s3}}, ""};
  auto bye = c.handle(out);
  EXPECT_EQ(bye.status, 303);
  EXPECT_NE(bye.headers.back().second.find("Max-Age=0"), std::string::npos);
  EXPECT_EQ(page(s3), 303);

  for (int i = 0; i < 3; ++i) EXPECT_EQ(login("wrong-" + std::to_string(i), "10.0.0.9").first, 403);
  EXPECT_EQ(login(o.token, "10.0.0.9").first, 429);  // locked: even the right token waits
  EXPECT_EQ(login(o.token, "10.0.0.2").first, 303);  // another address is not
  t += std::chrono::minutes(16);
  EXPECT_EQ(login(o.token, "10.0.0.9").first, 303);
}

// What a person writes is stored only as text: not bytes that are not UTF-8, no control character
// (a note may break lines), no bidirectional override that would make a note read otherwise.
TEST_F(ConsoleFixture, ReviewTextMustBeTextWithoutControlsOrBidiOverrides) {
  auto c = console();
  auto id = std::to_string(id_of(c, audit1, "meta.missing"));
  auto review = [&](const std::string& note, const std::string& reviewer) {
    return c.handle(post_json("/api/findings/" + id + "/review", {{"status", "false_positive"}, {"note", note}, {"reviewer", reviewer}},
                              c.csrf_token()));
  };
  // nlohmann::json refuses to dump invalid UTF-8: such a body is built by hand.
  HttpRequest raw{"POST", "/findings/" + id + "/review", {{"content-type", "application/x-www-form-urlencoded"}},
                  "status=false_positive&note=%FF%FEx&csrf=" + c.csrf_token()};
  auto bad_bytes = c.handle(raw);
  EXPECT_EQ(bad_bytes.status, 400);
  EXPECT_NE(bad_bytes.body.find("UTF-8"), std::string::npos) << bad_bytes.body;
  EXPECT_EQ(review(std::string("a\0b", 3), "").status, 400);
  auto bidi = review("见附件\u202Efdp.exe", "");
  EXPECT_EQ(bidi.status, 400);
  EXPECT_NE(bidi.body.find("U+202E"), std::string::npos) << bidi.body;
  EXPECT_EQ(review("ok", "张\u2066三").status, 400);
  EXPECT_EQ(review("ok", "张三\n李四").status, 400);  // a name is one line
  EXPECT_TRUE(store->reviews_for(audit1).empty());
  auto good = review("元数据在脚本中输出；\n已人工核实。", "张三");
  EXPECT_EQ(good.status, 200) << good.body;
}

TEST_F(ConsoleFixture, ItsWordsAreTheConfiguredWords) {
  apply_config_text(cfg, "[wording.console]\nruns = \"评估轮次\"\nshown = \"合计 {n} 条\"\n"
                         "[wording.columns]\nconsole_findings = [\"ID\", \"站点\", \"分类\", \"问题\", \"对象\", \"级别\", \"变化\", \"审核\"]\n",
                    "user.toml");
  auto c = console();
  auto runs = c.handle(get("/"));
  ASSERT_EQ(runs.status, 200);
  EXPECT_NE(runs.body.find("<h1>评估轮次</h1>"), std::string::npos);
  EXPECT_EQ(runs.body.find("测评批次"), std::string::npos);  // the header's link too
  auto run = c.handle(get("/runs/" + std::to_string(audit1)));
  ASSERT_EQ(run.status, 200);
  EXPECT_NE(run.body.find("合计 2 条"), std::string::npos);
  EXPECT_NE(run.body.find("<th>ID</th><th>站点</th>"), std::string::npos);
}
