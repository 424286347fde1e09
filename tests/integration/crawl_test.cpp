// The crawler against the corpus's real servers (nginx + dnsmasq), judged by nginx's own access
// log: coverage of every reachable site's HTML files, repeats, the calendar trap, robots.txt and
// the User-Agent; and a crawl killed with SIGKILL at a random moment, then resumed.
#include <gtest/gtest.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <random>
#include <set>
#include <sstream>
#include <thread>
#include <utility>

#include "storage/page_rows.hpp"
#include "storage/sqlite.hpp"
#include "storage/store.hpp"
#include "tests/integration/served_corpus.hpp"

namespace fs = std::filesystem;
using govaudit::test::ServedCorpus;
using govaudit::test::sh;

extern char** environ;

namespace {

// The HTML files a site serves, as request paths ("/a/index.html"; list.html.p2 -> "/list.html?page=2").
std::set<std::string> html_files(const fs::path& root) {
  std::set<std::string> out;
  for (auto& e : fs::recursive_directory_iterator(root)) {
    if (!e.is_regular_file()) continue;
    std::string rel = "/" + fs::relative(e.path(), root).generic_string();
    auto dot = rel.rfind(".p");
    if (dot != std::string::npos && dot > 5 && rel.compare(dot - 5, 5, ".html") == 0 &&
        rel.find_first_not_of("0123456789", dot + 2) == std::string::npos)
      out.insert(rel.substr(0, dot) + "?page=" + rel.substr(dot + 2));
    else if (rel.ends_with(".html") || rel.ends_with(".htm") || rel.ends_with(".jsp"))
      out.insert(rel);
  }
  return out;
}

std::string as_file(std::string uri) {
  // "?page=N" alone names a file of its own (list.html.pN); any other query is the same file.
  if (auto q = uri.find('?'); q != std::string::npos &&
      (uri.compare(q, 6, "?page=") != 0 || uri.find_first_not_of("0123456789", q + 6) != std::string::npos))
    uri.resize(q);
  if (uri.ends_with("/")) uri += "index.html";
  return uri;
}

std::set<std::string> reachable_hosts(const nlohmann::json& scenarios, const fs::path& sites_json) {
  std::set<std::string> unreachable;
  for (auto& s : scenarios["sites"])
    if (s["unreachable"].get<bool>()) unreachable.insert(s["id"]);
  std::ifstream in(sites_json);
  std::set<std::string> hosts;
  for (auto& s : nlohmann::json::parse(in))
    if (!unreachable.count(s["id"])) hosts.insert(s["hosts"][0].get<std::string>());
  return hosts;
}

}  // namespace

TEST(Crawl, ReachesEveryPageOfTheSampleOncePolitely) {
  ServedCorpus corpus("coverage", 18091, 5391);
  GOVAUDIT_NEED_CORPUS(corpus);
  fs::path out = corpus.dir() / "out";
  ASSERT_EQ(sh(corpus.command("crawl", out)), 0);
  auto log = corpus.log();
  ASSERT_GT(log.size(), 500u);

  auto hosts = reachable_hosts(corpus.scenarios(), corpus.dir() / "c" / "sites.json");
  ASSERT_EQ(hosts.size(), 7u);
  std::map<std::string, std::set<std::string>> fetched;  // host -> files answered 200
  std::map<std::string, int> robots, calendar;
  std::map<std::string, int> seen;  // host|method|uri|family -> times
  int requests = 0, repeats = 0;
  for (auto& l : log) {
    EXPECT_NE(l.ua.find("govaudit/"), std::string::npos) << l.ua;
    if (l.uri == "/robots.txt") ++robots[l.host];
    if (l.uri.rfind("/hdjl/calendar.html", 0) == 0) ++calendar[l.host];
    if (l.status == 200 && l.method == "GET") fetched[l.host].insert(as_file(l.uri));
    if (!hosts.count(l.host)) continue;
    ++requests;
    std::string key = l.host + "|" + l.method + "|" + l.uri + "|" + (l.addr.find(':') != std::string::npos ? "6" : "4");
    if (++seen[key] > 1 && ++repeats && l.uri != "/") std::cout << "[ repeat   ] " << key << "\n";
  }
  for (auto& h : hosts) {
    auto files = html_files(corpus.www() / h);
    size_t got = 0;
    std::vector<std::string> missed;
    for (auto& f : files)
      if (fetched[h].count(f)) ++got;
      else missed.push_back(f);
    double coverage = double(got) / double(files.size());
    EXPECT_GE(coverage, 0.99) << h << ": " << got << " of " << files.size() << " HTML files; first missed: "
                              << (missed.empty() ? "" : missed[0]);
    EXPECT_EQ(robots[h], 1) << h;
    EXPECT_LE(calendar[h], 100) << h;
    std::cout << "[ coverage ] " << h << ": " << got << "/" << files.size() << " HTML files, calendar trap "
              << calendar[h] << " requests\n";
  }
  // A TRS pager names every page of its list on every page; one stored row per named page.
  {
    govaudit::sqlite::Connection db((out / "govaudit.db").string(), false);
    auto st = db.prepare("SELECT site_id, links FROM page_links");
    size_t pager = 0;
    std::set<std::string> named;
    std::string_view to, tag, text, hidden;
    while (st.step())
      for (govaudit::rows::PackedLinks links(st.blob_view(1)); links.next(to, tag, text, hidden);)
        if (tag == "pager") ++pager, named.insert(st.text(0) + " " + std::string(to));
    EXPECT_GT(pager, 0u);
    EXPECT_EQ(pager, named.size());
  }
  // The IPv6 measurements fetch the homepage again on purpose (once over IPv4 beside the crawl's own
  // fetch, three times over IPv6); the rest are pages fetched twice.
  double share = double(repeats) / requests;
  std::cout << "[ repeats  ] " << repeats << " of " << requests << " requests to the county hosts (" << share * 100 << " %)\n";
  EXPECT_LE(share, 0.02);
  // Politeness as the servers saw it: no host ever had more than crawl.per_host_connections (6).
  auto peak = govaudit::test::peak_connections(log);
  for (auto& [host, n] : peak) {
    if (host != "*") {
      EXPECT_LE(n, 6) << host;
    }
  }
  std::cout << "[ conns    ] at most " << peak["*"] << " connections at once over all hosts\n";
}

// The global limit, when one is configured, holds over all hosts together; each host keeps its own.
TEST(Crawl, AConfiguredGlobalLimitHoldsOverAllHosts) {
  ServedCorpus corpus("global", 18096, 5396, 4, 40);
  GOVAUDIT_NEED_CORPUS(corpus);
  fs::path cfg = corpus.dir() / "limits.toml";
  std::ofstream(cfg) << "[crawl]\nper_host_connections = 2\nglobal_connections = 3\n";
  ASSERT_EQ(sh(corpus.command("crawl", corpus.dir() / "out") + " --config '" + cfg.string() + "'"), 0);
  auto log = corpus.log();
  ASSERT_GT(log.size(), 100u);
  auto peak = govaudit::test::peak_connections(log);
  EXPECT_LE(peak["*"], 3);
  EXPECT_GE(peak["*"], 2);  // the limit was reached, so the test could have failed
  for (auto& [host, n] : peak) {
    if (host != "*") {
      EXPECT_LE(n, 2) << host;
    }
  }
}

// A site cut short by crawl.max_pages_per_site is said to be so: each of its findings carries the
// limit, and the report names it and does not call it 合格.
TEST(Crawl, ASiteACapCutShortIsSaidToBeAndNeverPassed) {
  ServedCorpus corpus("cap", 18099, 5401, 2, 120);
  GOVAUDIT_NEED_CORPUS(corpus);
  fs::path cfg = corpus.dir() / "cap.toml";
  std::ofstream(cfg) << "[crawl]\nmax_pages_per_site = 40\n";
  fs::path out = corpus.dir() / "out";
  ASSERT_EQ(sh(corpus.command("run", out) + " --config '" + cfg.string() + "'"), 0);
  std::ifstream in(out / "findings.jsonl");
  int findings = 0;
  for (std::string line; std::getline(in, line); ++findings)
    EXPECT_EQ(nlohmann::json::parse(line)["detail"].value("crawl_cut_short", ""), "pages per site (40)") << line;
  EXPECT_GT(findings, 0);
  std::ifstream md_in(out / "report.md");
  std::string md((std::istreambuf_iterator<char>(md_in)), {});
  EXPECT_NE(md.find("采集未完成网站 "), std::string::npos) << md;
  EXPECT_NE(md.find("每站页面数上限 40（crawl.max_pages_per_site）"), std::string::npos) << md;
  EXPECT_EQ(md.find("| 合格 |"), std::string::npos) << md;
}

TEST(Crawl, AKilledCrawlResumesWhereItStopped) {
  ServedCorpus corpus("resume", 18092, 5392);
  GOVAUDIT_NEED_CORPUS(corpus);
  fs::path whole = corpus.dir() / "whole", resumed = corpus.dir() / "resumed";

  // The uninterrupted reference.
  auto t0 = std::chrono::steady_clock::now();
  ASSERT_EQ(sh(corpus.command("crawl", whole)), 0);
  double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  auto whole_log = corpus.log();

  // Killed at a random moment within the crawl (when the servers have seen a random share of the
  // uninterrupted crawl's requests), then the same command again.
  std::streamoff mark = corpus.log_size();
  std::mt19937 rng(std::random_device{}());
  double share = std::uniform_real_distribution<double>(0.15, 0.85)(rng);
  size_t target = size_t(share * double(whole_log.size()));
  auto args = corpus.args(resumed);
  std::vector<char*> argv;
  for (auto& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);
  pid_t pid = 0;
  ASSERT_EQ(posix_spawn(&pid, argv[0], nullptr, nullptr, argv.data(), environ), 0);
  while (corpus.log(mark).size() < target && ::waitpid(pid, nullptr, WNOHANG) == 0)
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
  ::kill(pid, SIGKILL);
  int status = 0;
  ::waitpid(pid, &status, 0);
  ASSERT_TRUE(WIFSIGNALED(status)) << "the crawl ended before the kill";
  std::cout << "[ killed   ] at " << int(share * 100) << " % of the requests of a " << int(seconds * 1000) << " ms crawl\n";
  {
    govaudit::sqlite::Connection db((resumed / "govaudit.db").string(), false);
    auto check = db.prepare("PRAGMA integrity_check");
    ASSERT_TRUE(check.step());
    EXPECT_EQ(check.text(0), "ok");
  }
  size_t before_resume = corpus.log(mark).size();
  ASSERT_EQ(sh(corpus.command("crawl", resumed)), 0);
  auto resumed_log = corpus.log(mark);

  // Same stored pages (and what the rules read from them) as the uninterrupted crawl.
  int link3 = 0;
  auto pages = [&](const fs::path& out) {
    govaudit::Store store((out / "govaudit.db").string());
    auto run = store.latest_run(govaudit::RunKind::Crawl);
    EXPECT_TRUE(run.has_value());
    std::set<std::string> set;
    for (auto& v : store.load_site_views(run->id)) {
      // Which variants of an endless calendar fill the per-path query limit depends on timing.
      auto cut = [&](const std::string& u) {
        for (auto& l : v.limits)
          if (auto on = l.find(") on "); l.rfind("query variants", 0) == 0 && on != std::string::npos &&
                                          u.find(l.substr(on + 5) + "?") != std::string::npos)
            return true;
        return false;
      };
      // A page reached through two URLs (an alias host that redirects, an old address) is stored
      // under the one met first, which timing decides; its content is what must not differ.
      for (auto& p : v.pages) {
        if (cut(p.url) || p.error.rfind("redirects to ", 0) == 0) continue;
        std::string where = p.crawl().digest.empty() ? p.url : p.final_url;
        set.insert(p.site_id + " " + where + " " + std::to_string(p.status) + " " + std::string(govaudit::name(p.kind)) + " " + std::string(govaudit::name(p.error_kind)) + " " + p.crawl().digest);
      }
      // Third-level IPv6 probes follow the second-level pages, and a second-level link to an alias
      // host that redirects decides which page is second level only once it is answered: their
      // count is compared below, not their URLs.
      for (auto& p : v.probes)
        if (p.purpose == govaudit::ProbePurpose::Link3) ++link3;
        else set.insert("probe " + p.site_id + " " + p.url + " " + std::to_string(p.family) + " " + std::string(govaudit::name(p.purpose)));
      set.insert("site " + v.site.id + " " + v.status);
    }
    return set;
  };
  auto a = pages(whole);
  int link3_whole = std::exchange(link3, 0);
  auto b = pages(resumed);
  EXPECT_GT(link3_whole, 0);
  EXPECT_NEAR(link3, link3_whole, link3_whole / 10 + 1);
  EXPECT_EQ(a.size(), b.size());
  std::vector<std::string> only_a, only_b;
  std::set_difference(a.begin(), a.end(), b.begin(), b.end(), std::back_inserter(only_a));
  std::set_difference(b.begin(), b.end(), a.begin(), a.end(), std::back_inserter(only_b));
  EXPECT_TRUE(only_a.empty()) << only_a.size() << " only in the uninterrupted crawl, e.g. " << (only_a.empty() ? "" : only_a[0]);
  EXPECT_TRUE(only_b.empty()) << only_b.size() << " only in the resumed crawl, e.g. " << (only_b.empty() ? "" : only_b[0]);

  // The same findings.
  auto findings = [&](const fs::path& out) {
    std::string o = " -q --out '" + out.string() + "'";
    EXPECT_EQ(sh("'" GOVAUDIT_BIN "' audit --today 2025-11-20" + o + " && '" GOVAUDIT_BIN "' report --format jsonl" + o + " >/dev/null"), 0);
    std::set<std::string> set;
    std::ifstream in(out / "findings.jsonl");
    for (std::string line; std::getline(in, line);) {
      auto j = nlohmann::json::parse(line);
      set.insert(j["site"].get<std::string>() + " " + j["rule"].get<std::string>() + " " + j["subject"].get<std::string>());
    }
    return set;
  };
  auto fa = findings(whole);
  EXPECT_GT(fa.size(), 50u);
  EXPECT_EQ(fa, findings(resumed));

  // Fetched again: at most what was in flight when the kill came (transfers up to the global
  // connection limit, pages waiting for a parser, records waiting for the writer — each page makes
  // at least one: the crawler holds back when those queues fill), and robots.txt once more per host.
  std::set<std::string> hosts;
  for (auto& l : resumed_log) hosts.insert(l.host);
  long extra = long(resumed_log.size()) - long(whole_log.size());
  long bound = 64 + 32 * 2 + 2 * long(govaudit::Writer::kBatch) + long(hosts.size());
  std::cout << "[ resumed  ] " << before_resume << " requests before the kill, " << resumed_log.size() - before_resume
            << " after; " << extra << " more than the uninterrupted crawl (" << whole_log.size() << "), bound " << bound << "\n";
  EXPECT_LE(extra, bound);
}
