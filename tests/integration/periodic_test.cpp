// Periodic runs on a served corpus made a week older by ../shared/corpus/evolve.py: a run into the
// database of the last one asks again with the stored validators, and finds exactly what a fresh
// full run over the same files finds, for a fraction of the bytes (nginx's own access log).
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <string>

#include "storage/shared_store.hpp"
#include "storage/sqlite.hpp"
#include "storage/warc.hpp"
#include "tests/integration/pg_server.hpp"
#include "tests/integration/served_corpus.hpp"
#include "tests/test_helpers.hpp"

namespace fs = std::filesystem;
using govaudit::test::ServedCorpus;
using govaudit::test::sh;

namespace {

std::set<std::string> findings(const fs::path& out) {
  std::set<std::string> s;
  std::ifstream in(out / "findings.jsonl");
  for (std::string line; std::getline(in, line);) {
    auto j = nlohmann::json::parse(line);
    s.insert(j["site"].get<std::string>() + " " + j["rule"].get<std::string>() + " " + j["subject"].get<std::string>());
  }
  return s;
}

// site rule subject -> whether the finding says it rests on a page not checked again this run
std::map<std::string, bool> unchecked(const fs::path& out) {
  std::map<std::string, bool> m;
  std::ifstream in(out / "findings.jsonl");
  for (std::string line; std::getline(in, line);) {
    auto j = nlohmann::json::parse(line);
    m[j["site"].get<std::string>() + " " + j["rule"].get<std::string>() + " " + j["subject"].get<std::string>()] =
        j["detail"].contains("not_rechecked_since");
  }
  return m;
}

// site rule subject -> the URLs its finding rests on (its subject and every URL its detail names)
std::map<std::string, std::set<std::string>> rests_on(const fs::path& out) {
  std::map<std::string, std::set<std::string>> m;
  std::ifstream in(out / "findings.jsonl");
  for (std::string line; std::getline(in, line);) {
    auto j = nlohmann::json::parse(line);
    auto& urls = m[j["site"].get<std::string>() + " " + j["rule"].get<std::string>() + " " + j["subject"].get<std::string>()];
    urls.insert(j["subject"].get<std::string>());
    for (auto& [k, v] : j["detail"].items())
      if (v.is_string() && v.get<std::string>().rfind("http", 0) == 0) urls.insert(v.get<std::string>());
  }
  return m;
}

std::multiset<std::string> lines(const fs::path& out) {
  std::multiset<std::string> s;
  std::ifstream in(out / "findings.jsonl");
  for (std::string line; std::getline(in, line);) s.insert(line);
  return s;
}

struct Cost {
  size_t requests = 0, not_modified = 0, pages = 0;  // pages: HTML GETs answered 200
  size_t files_not_modified = 0;                     // attachments (read for ID numbers) answered 304
  long long bytes = 0;
};

Cost cost(const std::vector<govaudit::test::LogLine>& log) {
  Cost c;
  for (auto& l : log) {
    ++c.requests;
    c.not_modified += l.status == 304;
    c.files_not_modified += l.status == 304 && l.method == "GET" && (l.uri.find(".pdf") != std::string::npos || l.uri.find(".xlsx") != std::string::npos ||
                                                                     l.uri.find(".docx") != std::string::npos);
    c.pages += l.method == "GET" && l.status == 200 && l.uri.find(".htm") != std::string::npos;
    c.bytes += l.bytes;
  }
  return c;
}

}  // namespace

TEST(Periodic, ARunAfterAWeekAsksAgainAndFindsWhatAFreshRunFinds) {
  // Sites of 300 pages: on smaller ones the homepage, columns and lists a delta reads are most of a site.
  ServedCorpus corpus("periodic", 18110, 5410, 8, 300);
  GOVAUDIT_NEED_CORPUS(corpus);
  fs::path out = corpus.dir() / "out", fresh = corpus.dir() / "fresh";
  auto first_from = corpus.log_size();
  ASSERT_EQ(sh(corpus.command("run", out)), 0);
  Cost first = cost(corpus.log(first_from));
  EXPECT_EQ(first.not_modified, 0u);
  fs::path delta = corpus.dir() / "delta";  // the same first run, for a delta after the week
  ASSERT_EQ(sh("cp -a '" + out.string() + "' '" + delta.string() + "'"), 0);
  ASSERT_EQ(sh("python3 '" GOVAUDIT_SHARED_DIR "/corpus/evolve.py' '" + (corpus.dir() / "c").string() + "' --seed 3 >/dev/null"), 0);

  auto again_from = corpus.log_size();
  ASSERT_EQ(sh(corpus.command("run", out)), 0);
  Cost again = cost(corpus.log(again_from));
  auto fresh_from = corpus.log_size();
  ASSERT_EQ(sh(corpus.command("run", fresh)), 0);
  Cost full = cost(corpus.log(fresh_from));

  auto periodic = findings(out), anew = findings(fresh);
  EXPECT_EQ(periodic, anew);
  EXPECT_FALSE(anew.empty());
  EXPECT_GE(again.not_modified * 2, full.pages) << "of " << full.pages << " pages read by a fresh run";
  // Attachments read whole are asked again too; a 304 keeps what their reading found.
  EXPECT_GT(again.files_not_modified, 10u);
  {
    govaudit::sqlite::Connection db((out / "govaudit.db").string(), false);
    auto st = db.prepare(
        "SELECT count(*), sum(a.id_numbers = e.id_numbers AND a.content_note = e.content_note AND a.status = e.status) FROM pages a "
        "JOIN pages e ON e.warc = a.revisit_of AND e.run_id < a.run_id WHERE a.kind = 'attachment' AND a.revisit_of <> '' "
        "AND a.run_id = (SELECT max(id) FROM runs WHERE kind = 'crawl')");
    ASSERT_TRUE(st.step());
    EXPECT_GT(st.integer(0), 10);
    EXPECT_EQ(st.integer(1), st.integer(0));
  }
  EXPECT_LE(again.bytes * 5, full.bytes) << again.bytes << " of " << full.bytes << " body bytes; first " << first.bytes << " in " << first.requests << ", again " << again.requests << ", full " << full.requests;
  // The evidence of an unchanged page is a revisit record that warcio reads, naming the earlier
  // response by its id, and that govaudit's own reader follows to that response's payload.
  fs::path tools = GOVAUDIT_SOURCE_DIR "/tests/tools";
  ASSERT_TRUE(fs::exists(tools / "node_modules" / "warcio")) << "run scripts/install-deps (npm warcio)";
  ASSERT_EQ(sh("node '" + (tools / "warc_read.mjs").string() + "' '" + (out / "warc").string() + "'/*.warc.gz > '" +
               (corpus.dir() / "warc.json").string() + "'"), 0);
  std::ifstream wj(corpus.dir() / "warc.json");
  auto warc = nlohmann::json::parse(wj);
  EXPECT_TRUE(warc["errors"].empty()) << warc["errors"].dump();
  std::set<std::string> response_ids;
  for (auto& r : warc["records"])
    if (r["type"] == "response") response_ids.insert(r["id"].get<std::string>());
  size_t revisits = 0;
  for (auto& r : warc["records"])
    if (r["type"] == "revisit") {
      ++revisits;
      EXPECT_EQ(r["status"], 304);
      EXPECT_EQ(r["profile"], "http://netpreserve.org/warc/1.1/revisions/server-not-modified");
      EXPECT_TRUE(response_ids.count(r["refers_to"].get<std::string>())) << r["uri"];
      EXPECT_EQ(r["refers_to_uri"], r["uri"]);
      if (revisits == 1) {
        auto where = "warc/" + r["file"].get<std::string>() + "#" + std::to_string(r["offset"].get<long>());
        auto rec = govaudit::read_warc_record(out, where);
        EXPECT_EQ(rec.http_head.rfind("HTTP/1.1 200", 0), 0u) << rec.http_head;
        EXPECT_GT(rec.body.size(), 100u);
        EXPECT_FALSE(rec.revisit_date.empty());
      }
    }
  EXPECT_EQ(revisits, again.not_modified);
  // A daily delta over the same week: the homepage, the lists and what is new are read, known
  // articles are carried over (none is due on this audit date's turn but about 1/30).
  auto delta_from = corpus.log_size();
  ASSERT_EQ(sh(corpus.command("run", delta) + " --delta"), 0);
  Cost daily = cost(corpus.log(delta_from));
  EXPECT_LE(daily.requests * 4, full.requests) << daily.requests << " of " << full.requests << " requests";
  auto by_delta = findings(delta);
  // What it reports beyond a full run rests on pages it did not ask again (an article edited or
  // deleted since), and says so.
  for (auto& [f, stale] : unchecked(delta)) EXPECT_TRUE(anew.count(f) || stale) << "the delta found what a full run does not: " << f;
  // What it does not report rests on articles it did not ask again (its subject, or a page it
  // names: a policy document's interpretation deleted since), and the report says so.
  std::set<std::string> carried;
  {
    govaudit::sqlite::Connection db((delta / "govaudit.db").string(), false);
    auto st = db.prepare("SELECT url FROM pages WHERE carried=1 AND run_id=(SELECT max(id) FROM runs WHERE kind='crawl')");
    while (st.step()) carried.insert(st.text(0));
  }
  EXPECT_GT(carried.size(), 100u);
  auto evidence = rests_on(fresh);
  for (auto& f : anew)
    if (!by_delta.count(f)) {
      auto& urls = evidence[f];
      bool on_carried = std::any_of(urls.begin(), urls.end(), [&](auto& u) { return carried.count(u) > 0; });
      EXPECT_TRUE(on_carried || f.find(" links.broken ") != std::string::npos) << "the delta missed " << f;
    }
  std::ifstream md(delta / "report.md");
  std::string report((std::istreambuf_iterator<char>(md)), std::istreambuf_iterator<char>());
  EXPECT_NE(report.find("本次为增量检测"), std::string::npos);
  // --fresh fetches everything anew.
  auto forced_from = corpus.log_size();
  auto cmd = corpus.command("run", out) + " --fresh";
  ASSERT_EQ(sh(cmd), 0);
  EXPECT_EQ(cost(corpus.log(forced_from)).not_modified, 0u);
  // Two full runs over the same content (pages served under www. and zwgk. alike, met in either
  // order): byte-identical lines.
  EXPECT_EQ(lines(out), lines(fresh));
}

// The same over the shared store: a run planned after an earlier one makes each worker start from
// the earlier crawl of its sites (its unit's database in the artifact store) and ask again with its
// validators; its findings are those of a run planned --fresh over the same files, and a revisit's
// evidence is followed to the earlier run's response in the artifact store.
TEST(Periodic, ASharedRunAsksAgainWithTheEarlierRunsValidators) {
  govaudit::test::PgServer pg(55439);
  if (!pg.skip().empty()) GOVAUDIT_NEED_TOOL(pg.skip());
  ASSERT_TRUE(pg.error().empty()) << pg.error();
  ServedCorpus corpus("periodic_pg", 18111, 5411, 4, 60);
  GOVAUDIT_NEED_CORPUS(corpus);
  fs::path d = corpus.dir();
  auto a = corpus.args(d / "unused");  // crawl -q --sites … --dns … --today … --allow-net … --out …
  auto plan = [&](const std::string& extra) {
    return sh(std::string("'") + GOVAUDIT_BIN + "' plan -q --db '" + pg.uri() + "' --sites '" + a[4] + "' --dns " + a[6] + " --today " + a[8] +
              " --allow-net " + a[10] + " --units-by host " + extra);
  };
  auto work = [&](const std::string& name) {
    return sh(std::string("'") + GOVAUDIT_BIN + "' worker -q --db '" + pg.uri() + "' --work '" + (d / name).string() + "' --store '" +
              (d / "store").string() + "' --exit-when-idle --batch 2");
  };
  auto keys = [&](std::int64_t run) {
    std::set<std::string> out;
    govaudit::SharedStore store(pg.uri());
    for (auto& f : store.findings(run)) out.insert(f.site_id + " " + f.rule + " " + f.subject);
    return out;
  };
  ASSERT_EQ(plan(""), 0);
  ASSERT_EQ(work("w1"), 0);
  ASSERT_EQ(sh("python3 '" GOVAUDIT_SHARED_DIR "/corpus/evolve.py' '" + (d / "c").string() + "' --seed 3 >/dev/null"), 0);
  auto again_from = corpus.log_size();
  ASSERT_EQ(plan(""), 0);
  ASSERT_EQ(work("w2"), 0);
  Cost again = cost(corpus.log(again_from));
  auto fresh_from = corpus.log_size();
  ASSERT_EQ(plan("--fresh"), 0);
  ASSERT_EQ(work("w3"), 0);
  Cost full = cost(corpus.log(fresh_from));
  EXPECT_EQ(full.not_modified, 0u);
  EXPECT_GE(again.not_modified * 2, full.pages) << "of " << full.pages << " pages read by a fresh run";
  EXPECT_LE(again.bytes * 3, full.bytes) << again.bytes << " of " << full.bytes << " body bytes";
  auto periodic = keys(2), anew = keys(3);
  for (auto& k : periodic) EXPECT_TRUE(anew.count(k)) << "only the periodic run finds " << k;
  for (auto& k : anew) EXPECT_TRUE(periodic.count(k)) << "only the fresh run finds " << k;
  EXPECT_FALSE(anew.empty());
  // A revisited page of run 2, read from the artifact store: its record is a revisit that leads to
  // run 1's response.
  size_t followed = 0;
  for (auto& e : fs::recursive_directory_iterator(d / "store" / "run-2")) {
    if (e.path().filename() != "govaudit.db") continue;
    std::string prefix = fs::relative(e.path().parent_path(), d / "store").string() + "/";
    govaudit::sqlite::Connection db(e.path().string(), false);
    auto st = db.prepare("SELECT warc, revisit_of FROM pages WHERE revisit_of <> '' AND kind = 'article' LIMIT 3");
    while (st.step()) {
      EXPECT_EQ(st.text(1).rfind("run-1/", 0), 0u) << st.text(1);
      auto rec = govaudit::read_warc_record(d / "store", prefix + st.text(0));
      EXPECT_EQ(rec.http_head.rfind("HTTP/1.1 200", 0), 0u) << rec.http_head;
      EXPECT_GT(rec.body.size(), 100u);
      EXPECT_FALSE(rec.revisit_date.empty());
      ++followed;
    }
  }
  EXPECT_GT(followed, 0u);
}
