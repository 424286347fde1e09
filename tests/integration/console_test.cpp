// `govaudit serve` as a user meets it: the demo's database served on loopback, asked over HTTP
// with libcurl (token, CSRF, evidence, limits, a review carried to the next audit run), and driven
// in headless Chromium (tests/tools/console_browser.mjs) to mark a finding 误报, after which the
// regenerated report lists it under 已复核排除.
#include <arpa/inet.h>
#include <curl/curl.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <thread>

#include "model/strings.hpp"
#include "tests/integration/http_client.hpp"
#include "tests/integration/loopback_server.hpp"
#include "tests/test_helpers.hpp"

namespace fs = std::filesystem;
using nlohmann::json;
using govaudit::test::run_govaudit;
using govaudit::test::sh;
using govaudit::test::http;
using govaudit::test::Served;

namespace {

struct Demo {
  fs::path dir = fs::temp_directory_path() / ("govaudit_console_" + std::to_string(::getpid()));
  fs::path db = dir / "out" / "govaudit.db";
  Demo() {
    fs::remove_all(dir);
    fs::create_directories(dir);
    auto o = run_govaudit({"demo", "-q", "--out", (dir / "out").string()}, dir / "demo.err");
    EXPECT_EQ(o.code, 0) << o.err;
  }
  ~Demo() {
    if (!::testing::Test::HasFailure()) fs::remove_all(dir);
  }
};

// A connection to the console on `port` from the loopback address `from` (another client).
int connect_from_to(const char* from, int port) {
  int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  ::inet_pton(AF_INET, from, &a.sin_addr);
  ::bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a);
  sockaddr_in to{};
  to.sin_family = AF_INET;
  to.sin_port = htons(static_cast<unsigned short>(port));
  ::inet_pton(AF_INET, "127.0.0.1", &to.sin_addr);
  EXPECT_EQ(::connect(fd, reinterpret_cast<sockaddr*>(&to), sizeof to), 0);
  return fd;
}

}  // namespace

TEST(Console, RefusesAnOpenAddressWithoutAToken) {
  Demo d;
  auto o = run_govaudit({"serve", "--db", d.db.string(), "--listen", "0.0.0.0:18571"}, d.dir / "serve.err");
  EXPECT_EQ(o.code, 2);
  EXPECT_NE(o.err.find("--token-file"), std::string::npos) << o.err;
  std::ofstream(d.dir / "short") << "abc\n";
  o = run_govaudit({"serve", "--db", d.db.string(), "--listen", "0.0.0.0:18571", "--token-file", (d.dir / "short").string()}, d.dir / "serve.err");
  EXPECT_EQ(o.code, 2) << o.err;
}

TEST(Console, ApiOverHttpWithTokenCsrfEvidenceAndLimits) {
  Demo d;
  std::string token = "test-token-0123456789abcdef";
  std::ofstream(d.dir / "token") << token << "\n";
  Served s({"--db", d.db.string(), "--listen", "127.0.0.1:18572", "--token-file", (d.dir / "token").string()}, d.dir / "serve.log", 18572);
  std::string auth = "Authorization: Bearer " + token;
  EXPECT_EQ(http("GET", s.base() + "/api/runs").status, 401);
  auto runs = http("GET", s.base() + "/api/runs", {auth});
  ASSERT_EQ(runs.status, 200) << runs.body;
  auto run = json::parse(runs.body).back()["id"].get<std::int64_t>();
  auto findings = json::parse(http("GET", s.base() + "/api/findings?run=" + std::to_string(run), {auth}).body);
  ASSERT_GE(findings.size(), 40u);  // the demo plants every rule

  // Evidence: the stored answer, sandboxed; the first finding with a captured page.
  bool evidence = false;
  for (auto& f : findings) {
    auto e = http("GET", s.base() + "/evidence/" + std::to_string(f["id"].get<std::int64_t>()), {auth});
    if (e.status != 200) continue;
    EXPECT_NE(e.headers.find("Content-Security-Policy: sandbox"), std::string::npos) << e.headers;
    evidence = true;
    break;
  }
  EXPECT_TRUE(evidence);

  std::string id = std::to_string(findings[0]["id"].get<std::int64_t>());
  std::string review = R"({"status":"false_positive","note":"复核：误报"})";
  // A Bearer client holds no cookie a browser could replay: it needs no CSRF token.
  auto ok = http("POST", s.base() + "/api/findings/" + id + "/review", {auth, "Content-Type: application/json"}, review);
  ASSERT_EQ(ok.status, 200) << ok.body;
  EXPECT_EQ(json::parse(ok.body)["review"]["status"], "false_positive");
  // Bodies are bounded.
  EXPECT_EQ(http("POST", s.base() + "/api/findings/" + id + "/review", {auth, "Content-Type: application/json"},
                 std::string(200 * 1024, 'x')).status, 413);

  // The next audit of the same crawl: the finding keeps its review and its history names both runs.
  auto o = run_govaudit({"audit", "-q", "--db", d.db.string(), "--out", (d.dir / "out").string()}, d.dir / "audit.err");
  ASSERT_EQ(o.code, 0) << o.err;
  auto next = json::parse(http("GET", s.base() + "/api/runs", {auth}).body).back()["id"].get<std::int64_t>();
  ASSERT_GT(next, run);
  bool carried = false;
  for (auto& f : json::parse(http("GET", s.base() + "/api/findings?run=" + std::to_string(next), {auth}).body))
    if (f["rule"] == findings[0]["rule"] && f["subject"] == findings[0]["subject"]) {
      carried = f["review"]["status"] == "false_positive";
      auto page = http("GET", s.base() + "/findings/" + std::to_string(f["id"].get<std::int64_t>()), {auth}).body;
      EXPECT_NE(page.find("共 2 批发现"), std::string::npos);
      EXPECT_NE(page.find("复核：误报"), std::string::npos);
    }
  EXPECT_TRUE(carried);
}

TEST(Console, ABrowserMarksAFalsePositiveAndTheReportMovesIt) {
  fs::path tools = fs::path(GOVAUDIT_SOURCE_DIR) / "tests" / "tools";
  if (sh("command -v node >/dev/null && command -v chromium >/dev/null") != 0) GOVAUDIT_NEED_TOOL("node or chromium missing: run scripts/install-deps");
  if (!fs::exists(tools / "node_modules" / "puppeteer-core")) GOVAUDIT_NEED_TOOL("tests/tools/node_modules/puppeteer-core missing: run scripts/install-deps");
  Demo d;
  Served s({"--db", d.db.string(), "--listen", "127.0.0.1:18573"}, d.dir / "serve.log", 18573);
  fs::path shots = fs::path(GOVAUDIT_BIN).parent_path() / "console-screenshots";
  fs::path out = d.dir / "browser.json";
  ASSERT_EQ(sh("node '" + (tools / "console_browser.mjs").string() + "' " + s.base() + " '" + shots.string() + "' > '" + out.string() +
               "' 2> '" + (d.dir / "browser.err").string() + "'"), 0)
      << govaudit::read_file(d.dir / "browser.err");
  json marked = json::parse(govaudit::read_file(out));
  for (auto* png : {"console-overview.png", "console-finding.png", "console-review.png"}) EXPECT_TRUE(fs::exists(shots / png)) << png;

  // The regenerated report: the finding is in the appendix with its reason, out of the lists.
  auto o = run_govaudit({"report", "--db", d.db.string(), "--out", (d.dir / "report").string()}, d.dir / "report.err");
  ASSERT_EQ(o.code, 0) << o.err;
  std::string html = govaudit::read_file(d.dir / "report" / "report.html");
  auto appendix = html.find("附录、已复核排除");
  ASSERT_NE(appendix, std::string::npos);
  EXPECT_NE(html.find(marked["note"].get<std::string>(), appendix), std::string::npos);
  bool in_jsonl = false;
  std::ifstream jl(d.dir / "report" / "findings.jsonl");
  for (std::string line; std::getline(jl, line);) {
    auto j = json::parse(line);
    if (j["rule"] == marked["rule"] && j["subject"] == marked["subject"]) in_jsonl = j["review"]["status"] == "false_positive";
  }
  EXPECT_TRUE(in_jsonl);
}

// One client holding many idle connections gets no more than its share; another client (another
// loopback address) is still served, and the holder is served again once it lets go.
TEST(Console, OneClientCannotHoldEveryConnection) {
  Demo d;
  Served s({"--db", d.db.string(), "--listen", "127.0.0.1:18574"}, d.dir / "serve.log", 18574);
  auto connect_from = [](const char* from) { return connect_from_to(from, 18574); };
  auto closed_by_server = [](int fd) {  // the server closed it: a read sees the end at once
    timeval tv{2, 0};
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    char c;
    return ::recv(fd, &c, 1, 0) == 0;
  };
  std::vector<int> held;
  for (int i = 0; i < 16; ++i) held.push_back(connect_from("127.0.0.3"));
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  int extra = connect_from("127.0.0.3");
  EXPECT_TRUE(closed_by_server(extra));  // the 17th of one address
  ::close(extra);
  EXPECT_EQ(http("GET", s.base() + "/").status, 200);  // 127.0.0.1 is another client
  for (int fd : held) ::close(fd);
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  int again = connect_from("127.0.0.3");
  std::string req = "GET / HTTP/1.1\r\nHost: 127.0.0.1:18574\r\nConnection: close\r\n\r\n";
  ASSERT_EQ(::send(again, req.data(), req.size(), MSG_NOSIGNAL), ssize_t(req.size()));
  char buf[16] = {};
  timeval tv{5, 0};
  setsockopt(again, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  EXPECT_GT(::recv(again, buf, sizeof buf - 1, 0), 0);
  EXPECT_EQ(std::string(buf).rfind("HTTP/1.1", 0), 0u) << buf;
  ::close(again);
}

// HTTPS with a certificate made here: the API answers over it, the login's cookie is Secure, a
// plain-HTTP client and one that does not trust the certificate get nothing, and the server goes on.
TEST(Console, ServesHttpsWithASecureSessionCookie) {
  Demo d;
  fs::path cert = d.dir / "cert.pem", key = d.dir / "key.pem";
  ASSERT_EQ(sh("openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 2 -subj /CN=127.0.0.1 "
               "-addext subjectAltName=IP:127.0.0.1 -keyout '" + key.string() + "' -out '" + cert.string() + "' 2>/dev/null"), 0);
  std::string token = "test-token-0123456789abcdef";
  std::ofstream(d.dir / "token") << token << "\n";
  std::vector<std::string> args = {"--db", d.db.string(), "--listen", "127.0.0.1:18575", "--token-file", (d.dir / "token").string(),
                                   "--tls-cert", cert.string(), "--tls-key", key.string()};
  {
    Served s(args, d.dir / "serve.log", 18575, cert.string());
    std::string auth = "Authorization: Bearer " + token;
    EXPECT_EQ(s.base().rfind("https://", 0), 0u);
    EXPECT_EQ(http("GET", s.base() + "/api/runs", {auth}, "", cert.string()).status, 200);
    auto in = http("POST", s.base() + "/login", {"Content-Type: application/x-www-form-urlencoded"}, "token=" + token, cert.string());
    ASSERT_EQ(in.status, 303) << in.body;
    auto set = in.headers.find("Set-Cookie: govaudit_session=");
    ASSERT_NE(set, std::string::npos) << in.headers;
    std::string line = in.headers.substr(set, in.headers.find("\r\n", set) - set);
    EXPECT_NE(line.find("; Secure"), std::string::npos) << line;
    EXPECT_NE(line.find("HttpOnly"), std::string::npos) << line;
    EXPECT_EQ(http("GET", "http://127.0.0.1:18575/api/runs", {auth}).status, 0);  // no clear text on the TLS port
    EXPECT_EQ(http("GET", s.base() + "/api/runs", {auth}).status, 0);            // the system does not trust it
    EXPECT_EQ(http("GET", s.base() + "/api/runs", {auth}, "", cert.string()).status, 200);
  }
  // A key that is not a key: a clear refusal naming the files, not the directories they are in.
  args.back() = (d.dir / "token").string();
  args.insert(args.begin(), "serve");
  auto o = run_govaudit(args, d.dir / "bad.err");
  EXPECT_EQ(o.code, 2);
  EXPECT_NE(o.err.find("--tls-key"), std::string::npos) << o.err;
  EXPECT_EQ(o.err.find(d.dir.string()), std::string::npos) << o.err;
}

// Out of file descriptors: the accept loop waits and retries instead of spinning, and once the
// connections holding them are gone the console serves again.
TEST(Console, RunningOutOfDescriptorsNeitherSpinsNorStops) {
  Demo d;
  Served s({"--db", d.db.string(), "--listen", "127.0.0.1:18576"}, d.dir / "serve.log", 18576, "", 64);
  ASSERT_EQ(http("GET", s.base() + "/").status, 200);
  std::vector<int> held;
  for (const char* from : {"127.0.0.10", "127.0.0.11", "127.0.0.12", "127.0.0.13", "127.0.0.14"})
    for (int i = 0; i < 15; ++i) held.push_back(connect_from_to(from, 18576));  // under the per-client cap: only descriptors run out
  std::this_thread::sleep_for(std::chrono::milliseconds(500));
  auto cpu_ticks = [&] {
    std::string stat = govaudit::read_file(fs::path("/proc") / std::to_string(s.pid()) / "stat");
    std::istringstream rest(stat.substr(stat.rfind(')') + 2));
    std::string field;
    long utime = 0, stime = 0;
    for (int i = 3; i <= 15 && rest >> field; ++i)  // fields 14 and 15: user and system time
      if (i == 14) utime = std::stol(field);
      else if (i == 15) stime = std::stol(field);
    return utime + stime;
  };
  long before = cpu_ticks();
  std::this_thread::sleep_for(std::chrono::seconds(2));
  long used = cpu_ticks() - before;
  EXPECT_LT(used, sysconf(_SC_CLK_TCK) / 2) << "CPU ticks in 2 s while out of descriptors";  // a spin would use ~2 s
  EXPECT_NE(govaudit::read_file(d.dir / "serve.log").find("cannot accept a connection"), std::string::npos);
  for (int fd : held) ::close(fd);
  std::this_thread::sleep_for(std::chrono::milliseconds(500));
  EXPECT_EQ(http("GET", s.base() + "/").status, 200);
}

// A crawled site whose answer smuggles headers behind a bare CR (Set-Cookie, Refresh): after
// `govaudit run`, neither the evidence nor the finding page sends a header the site chose, on the
// wire or in a real browser (no cookie planted, no navigation away).
TEST(Console, ACrawledSiteChoosesNoHeaderOfTheConsole) {
  fs::path tools = fs::path(GOVAUDIT_SOURCE_DIR) / "tests" / "tools";
  if (sh("command -v node >/dev/null && command -v chromium >/dev/null") != 0) GOVAUDIT_NEED_TOOL("node or chromium missing: run scripts/install-deps");
  if (!fs::exists(tools / "node_modules" / "puppeteer-core")) GOVAUDIT_NEED_TOOL("tests/tools/node_modules/puppeteer-core missing: run scripts/install-deps");
  govaudit::test::LoopbackServer site([](int c) {
    govaudit::test::LoopbackServer::read_head(c);
    std::string body = "<html><head><meta charset=\"utf-8\"><title>注入测试县人民政府</title></head><body><p>首页</p></body></html>";
    std::string answer = "HTTP/1.1 200 OK\r\nContent-Type: text/html\rSet-Cookie: planted=via-crawl; Path=/\r\n"
                         "X-Note: a\rRefresh: 0; url=http://evil.example/\r\nContent-Length: " + std::to_string(body.size()) +
                         "\r\nConnection: close\r\n\r\n" + body;
    ::send(c, answer.data(), answer.size(), MSG_NOSIGNAL);
    ::close(c);
  });
  fs::path dir = fs::temp_directory_path() / ("govaudit_console_crlf_" + std::to_string(::getpid()));
  fs::remove_all(dir);
  fs::create_directories(dir);
  std::string host = "www.crlf.gov.cn.test";
  std::ofstream(dir / "sites.toml") << "[[site]]\nid = \"crlf\"\nname = \"注入测试县\"\nhomepage = \"http://" << host << ":" << site.port() << "/\"\n";
  std::ofstream(dir / "config.toml") << "[crawl]\nrespect_robots = false\nretries = 0\n[tls]\nhttps_port = 9\n[dns.static]\n\"" << host
                                     << "\" = [\"127.0.0.1\"]\n";
  auto run = run_govaudit({"run", "-q", "--sites", (dir / "sites.toml").string(), "--config", (dir / "config.toml").string(), "--out",
                           (dir / "out").string(), "--today", "2025-11-20", "--allow-net", "127.0.0.0/8"},
                          dir / "run.err");
  ASSERT_EQ(run.code, 0) << run.err;
  Served s({"--db", (dir / "out" / "govaudit.db").string(), "--listen", "127.0.0.1:18577"}, dir / "serve.log", 18577);
  auto runs = json::parse(http("GET", s.base() + "/api/runs").body);
  ASSERT_FALSE(runs.empty());
  std::string evidence, finding;
  for (auto& f : json::parse(http("GET", s.base() + "/api/findings?run=" + std::to_string(runs.back()["id"].get<std::int64_t>())).body)) {
    std::string id = std::to_string(f["id"].get<std::int64_t>());
    if (http("GET", s.base() + "/evidence/" + id).status == 200) {
      evidence = s.base() + "/evidence/" + id;
      finding = s.base() + "/findings/" + id;
      break;
    }
  }
  ASSERT_FALSE(evidence.empty()) << "no finding on the homepage with its evidence";
  for (auto& url : {evidence, finding}) {
    auto r = http("GET", url);
    ASSERT_EQ(r.status, 200) << url;
    EXPECT_EQ(r.headers.find("planted"), std::string::npos) << url << "\n" << r.headers;
    EXPECT_EQ(r.headers.find("Refresh"), std::string::npos) << url << "\n" << r.headers;
    EXPECT_EQ(r.headers.find("evil.example"), std::string::npos) << url << "\n" << r.headers;
    EXPECT_EQ(r.headers.find('\r', r.headers.find("Content-Type:")), r.headers.find("\r\n", r.headers.find("Content-Type:")));
  }
  fs::path out = dir / "browser.json";
  ASSERT_EQ(sh("node '" + (tools / "console_cookies.mjs").string() + "' '" + finding + "' '" + evidence + "' > '" + out.string() + "' 2> '" +
               (dir / "browser.err").string() + "'"), 0)
      << govaudit::read_file(dir / "browser.err");
  auto seen = json::parse(govaudit::read_file(out));
  EXPECT_TRUE(seen["cookies"].empty()) << seen.dump();
  EXPECT_TRUE(seen["left"].empty()) << seen.dump();

  // The WARC files gone: the pages say so without naming a file of this machine; the log names it.
  int moved = 0;
  for (auto& e : fs::recursive_directory_iterator(dir / "out"))
    if (e.path().string().find(".warc") != std::string::npos && e.is_regular_file()) fs::rename(e.path(), dir / e.path().filename()), ++moved;
  ASSERT_GT(moved, 0);
  auto gone = http("GET", evidence), page = http("GET", finding);
  EXPECT_EQ(gone.status, 404);
  EXPECT_EQ(page.status, 200);
  for (auto* body : {&gone.body, &page.body}) {
    EXPECT_EQ(body->find(dir.string()), std::string::npos) << *body;
    EXPECT_EQ(body->find(".warc"), std::string::npos) << *body;
  }
  EXPECT_NE(page.body.find("存档无法读取"), std::string::npos);
  EXPECT_NE(govaudit::read_file(dir / "serve.log").find(dir.string()), std::string::npos);
  if (!::testing::Test::HasFailure()) fs::remove_all(dir);
}
