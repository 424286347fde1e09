// `govaudit run` killed with SIGKILL in each phase — in the middle of the crawl, during the audit,
// while the reports are written — and then given again as the same command: it finishes the job
// with the findings of an uninterrupted run, complete report files and an intact database, and
// fetches again at most what was in flight (nothing at all once the crawl was done).
#include <fcntl.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>

#include <filesystem>
#include <fstream>
#include <set>
#include <thread>

#include "storage/sqlite.hpp"
#include "storage/store.hpp"
#include "tests/integration/served_corpus.hpp"

namespace fs = std::filesystem;
using govaudit::test::integrity;
using govaudit::test::ServedCorpus;

extern char** environ;

namespace {

const char* kReports[] = {"findings.jsonl", "rectification.csv", "report.md", "rectification.xlsx", "report.html"};

std::set<std::string> findings(const fs::path& out) {
  std::set<std::string> set;
  std::ifstream in(out / "findings.jsonl");
  for (std::string line; std::getline(in, line);) {
    auto j = nlohmann::json::parse(line);
    set.insert(j["site"].get<std::string>() + " " + j["rule"].get<std::string>() + " " + j["subject"].get<std::string>() +
               " " + j["url"].get<std::string>());
  }
  return set;
}

std::string slurp(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), {}};
}

// Every report file that exists is whole, and no temporary file is left beside them.
void expect_whole_reports(const fs::path& out, bool all) {
  for (const char* name : kReports) {
    fs::path p = out / name;
    if (!fs::exists(p)) {
      EXPECT_FALSE(all) << name << " missing";
      continue;
    }
    std::string s = slurp(p);
    ASSERT_FALSE(s.empty()) << name;
    if (p.extension() == ".html") {
      EXPECT_NE(s.rfind("</html>"), std::string::npos) << name << " is cut short";
    } else if (p.extension() == ".xlsx") {  // a zip ends with its central directory's end record
      EXPECT_NE(s.find("PK\x05\x06", s.size() > 64 ? s.size() - 64 : 0), std::string::npos) << name << " is cut short";
    }
  }
  for (auto& e : fs::directory_iterator(out)) EXPECT_NE(e.path().extension(), ".tmp") << e.path() << " left behind";
}

// Runs the command with GOVAUDIT_FAULT=`fault` (empty: none); kills it when the servers have seen
// `kill_at` requests since `mark` (0: never). Returns true when the process was killed.
bool run(const ServedCorpus& corpus, const fs::path& out, const std::string& fault, size_t kill_at = 0,
         std::streamoff mark = 0) {
  auto args = corpus.args(out);
  args[1] = "run";
  std::vector<char*> argv;
  for (auto& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);
  std::vector<std::string> env_s;
  for (char** e = environ; *e; ++e)
    if (std::string_view(*e).rfind("GOVAUDIT_FAULT=", 0) != 0) env_s.emplace_back(*e);
  if (!fault.empty()) env_s.push_back("GOVAUDIT_FAULT=" + fault);
  std::vector<char*> envp;
  for (auto& e : env_s) envp.push_back(e.data());
  envp.push_back(nullptr);
  posix_spawn_file_actions_t fa;
  posix_spawn_file_actions_init(&fa);
  posix_spawn_file_actions_addopen(&fa, 1, "/dev/null", O_WRONLY, 0);
  pid_t pid = 0;
  EXPECT_EQ(posix_spawn(&pid, argv[0], &fa, nullptr, argv.data(), envp.data()), 0);
  posix_spawn_file_actions_destroy(&fa);
  if (kill_at) {
    while (corpus.log(mark).size() < kill_at && ::waitpid(pid, nullptr, WNOHANG) == 0)
      std::this_thread::sleep_for(std::chrono::milliseconds(2));
    ::kill(pid, SIGKILL);
  }
  int status = 0;
  ::waitpid(pid, &status, 0);
  if (WIFEXITED(status)) {
    EXPECT_EQ(WEXITSTATUS(status), 0) << "govaudit run failed";
  }
  return WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL;
}

// Kills a run at the fault point (or at `share` of the uninterrupted crawl's requests), checks
// what it left, then runs the same command again. Returns the requests of the killed run and of
// the second one.
std::pair<size_t, size_t> kill_and_continue(const ServedCorpus& corpus, const std::string& name, const std::string& fault,
                                            double share, size_t requests, const std::set<std::string>& expected) {
  SCOPED_TRACE("killed in the " + name);
  fs::path out = corpus.dir() / name;
  auto mark = corpus.log_size();
  bool killed = run(corpus, out, fault, fault.empty() ? size_t(share * double(requests)) : 0, mark);
  EXPECT_TRUE(killed) << "the run ended before the kill";
  EXPECT_EQ(integrity(out / "govaudit.db"), "ok");
  expect_whole_reports(out, false);
  auto before = corpus.log_size();
  size_t first = corpus.log(mark).size();
  EXPECT_FALSE(run(corpus, out, ""));
  size_t again = corpus.log(before).size();
  EXPECT_EQ(integrity(out / "govaudit.db"), "ok");
  expect_whole_reports(out, true);
  EXPECT_EQ(findings(out), expected);
  // One crawl and one reported audit, whatever the kill left.
  govaudit::Store store((out / "govaudit.db").string());
  int crawls = 0, reported = 0;
  for (auto& r : store.runs()) {
    crawls += r.kind == govaudit::RunKind::Crawl;
    reported += !r.reported_at.empty();
  }
  EXPECT_EQ(crawls, 1);
  EXPECT_EQ(reported, 1);
  std::cout << "[ resumed  ] " << name << ": " << first << " requests before the kill, " << again
            << " after (uninterrupted run: " << requests << ")\n";
  return {first, again};
}

}  // namespace

TEST(Resume, KilledInAnyPhaseTheSameCommandFinishesTheJob) {
  ServedCorpus corpus("resume_run", 18093, 5393);
  GOVAUDIT_NEED_CORPUS(corpus);
  fs::path whole = corpus.dir() / "whole";
  auto mark = corpus.log_size();
  ASSERT_FALSE(run(corpus, whole, ""));
  size_t requests = corpus.log(mark).size();
  auto expected = findings(whole);
  ASSERT_GT(expected.size(), 50u);

  // (a) In the middle of the crawl: fetched twice at most what was in flight (transfers up to the
  // global limit, pages waiting for a parser or the writer) and robots.txt once more per host.
  auto [first, again] = kill_and_continue(corpus, "crawl", "", 0.5, requests, expected);
  EXPECT_GT(again, 0u);
  EXPECT_LE(long(first + again) - long(requests), long(64 + 32 * 2 + 2 * govaudit::Writer::kBatch + 8));
  // (b) After the crawl, during the audit; (c) while the reports are written: nothing fetched again.
  EXPECT_EQ(kill_and_continue(corpus, "audit", "audit", 0, requests, expected).second, 0u);
  EXPECT_EQ(kill_and_continue(corpus, "report", "report", 0, requests, expected).second, 0u);

  // A finished run is not continued: the same command again is a new crawl.
  auto before = corpus.log_size();
  EXPECT_FALSE(run(corpus, whole, ""));
  EXPECT_GT(corpus.log(before).size(), requests / 2);
  govaudit::Store store((whole / "govaudit.db").string());
  int crawls = 0;
  for (auto& r : store.runs()) crawls += r.kind == govaudit::RunKind::Crawl;
  EXPECT_EQ(crawls, 2);
}
