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
#include <thread>

#include "model/strings.hpp"
#include "tests/integration/http_client.hpp"
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
  auto connect_from = [](const char* from) {
    int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    ::inet_pton(AF_INET, from, &a.sin_addr);
    ::bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a);
    sockaddr_in to{};
    to.sin_family = AF_INET;
    to.sin_port = htons(18574);
    ::inet_pton(AF_INET, "127.0.0.1", &to.sin_addr);
    EXPECT_EQ(::connect(fd, reinterpret_cast<sockaddr*>(&to), sizeof to), 0);
    return fd;
  };
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
