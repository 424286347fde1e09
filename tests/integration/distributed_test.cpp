// Several workers sharing one PostgreSQL (a real server, started here with initdb and pg_ctl on a
// Unix socket): the corpus sample planned as units, a worker killed with SIGKILL in the middle of
// its unit, others (one started later) finishing the run. Every site is published exactly once,
// the killed unit's generation moved on, a late publish of the old generation changes nothing, and
// the shared store's report holds the findings a single-process `govaudit run` finds.
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <set>
#include <thread>
#include <tuple>

#include "model/strings.hpp"
#include "storage/shared_store.hpp"
#include "tests/integration/http_client.hpp"
#include "tests/integration/pg_server.hpp"
#include "tests/integration/served_corpus.hpp"

namespace fs = std::filesystem;
using govaudit::test::ServedCorpus;
using govaudit::test::sh;
using govaudit::test::PgServer;
using govaudit::test::start;
using govaudit::test::finish;
using govaudit::test::http;
using govaudit::test::Served;

namespace {

std::set<std::tuple<std::string, std::string, std::string>> finding_keys(const fs::path& jsonl) {
  std::set<std::tuple<std::string, std::string, std::string>> out;
  std::ifstream in(jsonl);
  for (std::string line; std::getline(in, line);) {
    auto j = nlohmann::json::parse(line);
    out.insert({j["site"].get<std::string>(), j["rule"].get<std::string>(), j["subject"].get<std::string>()});
  }
  return out;
}

// `govaudit plan` of the served corpus into the shared store, a unit per site; its exit status.
int plan(const ServedCorpus& corpus, const std::string& uri) {
  auto a = corpus.args(corpus.dir() / "unused");  // crawl -q --sites … --dns … --today … --allow-net … --out …
  return sh(std::string("'") + GOVAUDIT_BIN + "' plan -q --db '" + uri + "' --sites '" + a[4] + "' --dns " + a[6] + " --today " + a[8] +
            " --allow-net " + a[10] + " --units-by host");
}

}  // namespace

TEST(Distributed, WorkersShareOneStoreAndAKilledWorkersUnitIsRedone) {
  PgServer pg(55433);
  if (!pg.skip().empty()) GOVAUDIT_NEED_TOOL(pg.skip());
  ASSERT_TRUE(pg.error().empty()) << pg.error();
  ServedCorpus corpus("dist", 18098, 5398, 8, 40);
  GOVAUDIT_NEED_CORPUS(corpus);
  fs::path d = corpus.dir();
  std::string uri = pg.uri();
  ASSERT_EQ(plan(corpus, uri), 0);

  govaudit::SharedStore store(uri);
  auto run = store.runs().back().id;
  ASSERT_EQ(store.units(run).size(), 8u);
  auto worker = [&](const std::string& name, int batch = 2) {
    return start({"worker", "-q", "--db", uri, "--work", (d / ("work-" + name)).string(), "--store", (d / "store").string(),
                  "--exit-when-idle", "--lease-seconds", "3", "--batch", std::to_string(batch), "--name", name},
                 d / (name + ".log"));
  };
  // The first worker is killed as soon as it holds a unit: in the middle of its crawl.
  pid_t first = worker("w1");
  std::optional<govaudit::WorkUnit> held;
  for (int i = 0; i < 400 && !held; ++i) {
    for (auto& u : store.units(run))
      if (u.state == "leased") held = u;
    if (!held) std::this_thread::sleep_for(std::chrono::milliseconds(25));
  }
  ASSERT_TRUE(held) << "the first worker never claimed a unit";
  kill(first, SIGKILL);
  finish(first);
  EXPECT_EQ(store.units(run)[size_t(held->id - 1)].state, "leased");  // killed mid-unit: nothing published

  pid_t w2 = worker("w2"), w3 = worker("w3");
  std::this_thread::sleep_for(std::chrono::seconds(2));
  pid_t w4 = worker("w4");  // a fourth, started later
  for (pid_t p : {w2, w3, w4}) EXPECT_EQ(finish(p), 0);

  auto units = store.units(run);
  for (auto& u : units) EXPECT_EQ(u.state, "done") << "unit " << u.id << ": " << u.error;
  EXPECT_GT(units[size_t(held->id - 1)].generation, held->generation);  // reclaimed after the lease expired
  auto results = store.site_results(run);
  std::set<std::string> published;
  for (auto& r : results) EXPECT_TRUE(published.insert(r.site_id).second) << r.site_id << " published twice";
  EXPECT_EQ(published.size(), 8u);

  // The killed worker's publish, replayed late with its old generation: rejected, nothing changes.
  auto before = store.findings(run).size();
  govaudit::Lease stale{run, held->id, held->generation, 1, held->sites, ""};
  govaudit::Publication p;
  p.findings.push_back(govaudit::Finding(held->sites[0].id, "links.broken", "stale", "http://stale/"));
  EXPECT_FALSE(store.publish(stale, p));
  EXPECT_EQ(store.findings(run).size(), before);

  // The shared store's report holds what one process finds on the same corpus.
  ASSERT_EQ(sh(std::string("'") + GOVAUDIT_BIN + "' report -q --db '" + uri + "' --out '" +
               (d / "shared").string() + "' >/dev/null"),
            0);
  auto single = corpus.args(d / "single");
  single[1] = "run";
  std::string cmd;
  for (auto& s : single) cmd += "'" + s + "' ";
  ASSERT_EQ(sh(cmd + ">/dev/null 2>&1"), 0);
  auto shared = finding_keys(d / "shared" / "findings.jsonl"), alone = finding_keys(d / "single" / "findings.jsonl");
  EXPECT_GT(alone.size(), 60u);
  EXPECT_EQ(shared, alone);

  // The console over the shared store: an evaluator's and a county's token, the API lists the run's
  // findings (the county only its own), evidence from the artifact store, and a 误报 made there
  // leaves the shared report's 整改清单.
  auto token = [&](const std::string& args) {
    EXPECT_EQ(sh(std::string("'") + GOVAUDIT_BIN + "' user add --db '" + uri + "' " + args + " > '" + (d / "token").string() + "'"), 0);
    std::string out = govaudit::read_file(d / "token");
    out.pop_back();
    return out.substr(out.rfind('\n') + 1);
  };
  std::string county_site = store.units(run).front().sites.front().id;
  std::string evaluator = token("--name 评估组 --role evaluator"), county = token("--name 县 --role county --sites " + county_site);
  {
    Served console({"--db", uri, "--store", (d / "store").string(), "--listen", "127.0.0.1:18574"}, d / "serve.log", 18574);
    std::string base = console.base() + "/api/findings?run=" + std::to_string(run);
    auto all = nlohmann::json::parse(http("GET", base, {"Authorization: Bearer " + evaluator}).body);
    ASSERT_EQ(all.size(), shared.size());
    auto mine = nlohmann::json::parse(http("GET", base, {"Authorization: Bearer " + county}).body);
    ASSERT_FALSE(mine.empty());
    for (auto& f : mine) EXPECT_EQ(f["site"], county_site);
    std::int64_t other = 0, evidence = 0;
    for (auto& f : all) {
      if (f["site"] != county_site && !other) other = f["id"];
      if (!evidence && http("GET", console.base() + "/evidence/" + std::to_string(f["id"].get<std::int64_t>()), {"Authorization: Bearer " + evaluator}).status == 200)
        evidence = f["id"];
    }
    EXPECT_GT(evidence, 0);  // the WARC record the worker published, read from the artifact store
    EXPECT_EQ(http("GET", console.base() + "/findings/" + std::to_string(other), {"Authorization: Bearer " + county}).status, 404);
    auto& target = all[0];
    auto fp = http("POST", console.base() + "/api/findings/" + std::to_string(target["id"].get<std::int64_t>()) + "/review",
                   {"Authorization: Bearer " + evaluator, "Content-Type: application/json"}, R"({"status":"false_positive","note":"复核：误报"})");
    ASSERT_EQ(fp.status, 200) << fp.body;
    EXPECT_EQ(nlohmann::json::parse(fp.body)["review"]["account"], "评估组");
    auto page = http("GET", console.base() + "/runs/" + std::to_string(run), {"Authorization: Bearer " + evaluator});
    EXPECT_NE(page.body.find("工作单元"), std::string::npos);
    ASSERT_EQ(sh(std::string("'") + GOVAUDIT_BIN + "' report -q --db '" + uri + "' --run " +
                 std::to_string(run) + " --out '" + (d / "reviewed").string() + "' >/dev/null"),
              0);
    auto reviewed = finding_keys(d / "reviewed" / "findings.jsonl");
    EXPECT_EQ(reviewed, shared);  // the export keeps it, with its review
    std::string csv = govaudit::read_file(d / "reviewed" / "rectification.csv"), before_csv = govaudit::read_file(d / "shared" / "rectification.csv");
    auto rows = [](const std::string& t) { return std::count(t.begin(), t.end(), '\n'); };
    EXPECT_EQ(rows(csv) + 1, rows(before_csv));  // one row fewer in the 整改清单
    std::ifstream jl(d / "reviewed" / "findings.jsonl");
    bool marked = false;
    for (std::string line; std::getline(jl, line);) {
      auto j = nlohmann::json::parse(line);
      if (j["site"] == target["site"] && j["rule"] == target["rule"] && j["subject"] == target["subject"])
        marked = j.contains("review") && j["review"]["status"] == "false_positive";
    }
    EXPECT_TRUE(marked);
  }

  // A second round of the same sites: `diff` over the shared store finds nothing new, nothing fixed.
  ASSERT_EQ(plan(corpus, uri), 0);
  EXPECT_EQ(finish(worker("w5", 8)), 0);
  ASSERT_EQ(sh(std::string("'") + GOVAUDIT_BIN + "' diff --db '" + uri + "' --json > '" + (d / "diff.json").string() + "'"), 0);
  auto diff = nlohmann::json::parse(govaudit::read_file(d / "diff.json"));
  EXPECT_EQ(diff["from"], run);
  EXPECT_TRUE(diff["new"].empty()) << diff["new"].dump();
  EXPECT_TRUE(diff["resolved"].empty()) << diff["resolved"].dump();
  EXPECT_EQ(diff["persisting"].size(), shared.size());

  // Re-judging the first round with other rules, leased out per database the same way: the same
  // findings, less the ones the new threshold no longer makes.
  std::ofstream(d / "lenient.toml") << "[thresholds]\nmeta_missing_max_share = 1.0\n";
  ASSERT_EQ(sh(std::string("'") + GOVAUDIT_BIN + "' audit -q --db '" + uri + "' --run " + std::to_string(run) + " --config '" +
               (d / "lenient.toml").string() + "' >/dev/null"),
            0);
  auto judged = store.runs().back();
  EXPECT_EQ(judged.kind, "audit");
  EXPECT_EQ(judged.parent, run);
  EXPECT_EQ(finish(worker("w6", 8)), 0);
  for (auto& u : store.units(judged.id)) EXPECT_EQ(u.state, "done") << u.error;
  std::set<std::tuple<std::string, std::string, std::string>> expected, got;
  for (auto& k : shared)
    if (std::get<1>(k) != "meta.missing") expected.insert(k);
  for (auto& f : store.findings(judged.id)) got.insert({f.site_id, f.rule, f.subject});
  EXPECT_LT(expected.size(), shared.size());  // the first round had meta.missing findings
  EXPECT_EQ(got, expected);
}

// The database goes away while workers crawl and comes back: they wait, claim again, and every site
// is published once.
// A site a cap cut short, over the shared store: the worker's findings carry the limit, and the
// report written from PostgreSQL names the site and does not call it 合格.
TEST(Distributed, ASiteACapCutShortIsSaidOverTheSharedStore) {
  PgServer pg(55440);
  if (!pg.skip().empty()) GOVAUDIT_NEED_TOOL(pg.skip());
  ASSERT_TRUE(pg.error().empty()) << pg.error();
  ServedCorpus corpus("cap_pg", 18101, 5402, 2, 120);
  GOVAUDIT_NEED_CORPUS(corpus);
  fs::path d = corpus.dir();
  std::ofstream(d / "cap.toml") << "[crawl]\nmax_pages_per_site = 40\n";
  auto a = corpus.args(d / "unused");
  ASSERT_EQ(sh(std::string("'") + GOVAUDIT_BIN + "' plan -q --db '" + pg.uri() + "' --sites '" + a[4] + "' --dns " + a[6] +
               " --today " + a[8] + " --allow-net " + a[10] + " --config '" + (d / "cap.toml").string() + "'"),
            0);
  EXPECT_EQ(finish(start({"worker", "-q", "--db", pg.uri(), "--work", (d / "work").string(), "--store", (d / "store").string(),
                          "--exit-when-idle"},
                         d / "worker.log")),
            0);
  ASSERT_EQ(sh(std::string("'") + GOVAUDIT_BIN + "' report -q --db '" + pg.uri() + "' --out '" + (d / "out").string() + "' >/dev/null"), 0);
  std::ifstream in(d / "out" / "findings.jsonl");
  int findings = 0;
  for (std::string line; std::getline(in, line); ++findings)
    EXPECT_EQ(nlohmann::json::parse(line)["detail"].value("crawl_cut_short", ""), "pages per site (40)") << line;
  EXPECT_GT(findings, 0);
  std::ifstream md_in(d / "out" / "report.md");
  std::string md((std::istreambuf_iterator<char>(md_in)), {});
  EXPECT_NE(md.find("每站页面数上限 40（crawl.max_pages_per_site）"), std::string::npos) << md;
  EXPECT_EQ(md.find("| 合格 |"), std::string::npos) << md;
}

TEST(Distributed, WorkersOutlastADatabaseThatGoesAway) {
  PgServer pg(55434);
  if (!pg.skip().empty()) GOVAUDIT_NEED_TOOL(pg.skip());
  ASSERT_TRUE(pg.error().empty()) << pg.error();
  ServedCorpus corpus("dist_outage", 18097, 5397, 8, 40);
  GOVAUDIT_NEED_CORPUS(corpus);
  fs::path d = corpus.dir();
  std::string uri = pg.uri();
  ASSERT_EQ(plan(corpus, uri), 0);
  std::vector<pid_t> workers;
  for (const char* name : {"a", "b"})
    workers.push_back(start({"worker", "-q", "--db", uri, "--work", (d / ("work-" + std::string(name))).string(), "--store",
                             (d / "store").string(), "--exit-when-idle", "--lease-seconds", "3", "--batch", "1", "--name", name},
                            d / (std::string(name) + ".log")));
  {
    govaudit::SharedStore store(uri);
    auto run = store.runs().back().id;
    bool some_done = false;
    for (int i = 0; i < 600 && !some_done; ++i) {
      for (auto& u : store.units(run)) some_done = some_done || u.state == "done";
      if (!some_done) std::this_thread::sleep_for(std::chrono::milliseconds(25));
    }
    ASSERT_TRUE(some_done);
    int open = 0;
    for (auto& u : store.units(run)) open += u.state != "done";
    ASSERT_GT(open, 0);  // the server goes away with work still to do
  }
  pg.outage(std::chrono::seconds(3));
  for (pid_t p : workers) EXPECT_EQ(finish(p), 0);
  govaudit::SharedStore store(uri);
  auto run = store.runs().back().id;
  for (auto& u : store.units(run)) EXPECT_EQ(u.state, "done") << "unit " << u.id << ": " << u.error;
  std::set<std::string> published;
  for (auto& r : store.site_results(run)) EXPECT_TRUE(published.insert(r.site_id).second) << r.site_id << " published twice";
  EXPECT_EQ(published.size(), 8u);
  std::string logs = govaudit::read_file(d / "a.log") + govaudit::read_file(d / "b.log");
  EXPECT_EQ(logs.find("password"), std::string::npos);
}
