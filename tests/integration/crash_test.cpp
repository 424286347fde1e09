// Crash safety of the whole command: kill -9 in any phase (crawl, audit, reports), a full disk, an
// output directory that cannot be written. The database stays consistent and the same command
// then completes with the same findings.
#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <regex>
#include <set>

#include "storage/sqlite.hpp"
#include "tests/test_helpers.hpp"

namespace fs = std::filesystem;
using govaudit::test::integrity;
using govaudit::test::run_govaudit;

namespace {

std::multiset<std::string> findings(const fs::path& out) {
  std::multiset<std::string> set;
  std::ifstream in(out / "findings.jsonl");
  for (std::string line; std::getline(in, line);) {
    auto j = nlohmann::json::parse(line);
    // The demo serves on a new port each time; subjects are compared without it.
    std::string subject = std::regex_replace(j["subject"].get<std::string>(), std::regex(":[0-9]+/"), "/");
    set.insert(j["site"].get<std::string>() + " " + j["rule"].get<std::string>() + " " + subject);
  }
  return set;
}

struct TempDir {
  fs::path path = fs::temp_directory_path() / ("govaudit-crash-" + std::to_string(getpid()));
  TempDir() {
    fs::remove_all(path);
    fs::create_directories(path);
  }
  ~TempDir() { fs::remove_all(path); }
};

}  // namespace

TEST(Crash, KilledInAnyPhaseTheDatabaseStaysConsistentAndTheNextRunCompletes) {
  TempDir tmp;
  fs::path ref = tmp.path / "ref", out = tmp.path / "out";
  auto t0 = std::chrono::steady_clock::now();
  ASSERT_EQ(run_govaudit({"demo", "--out", ref.string()}, tmp.path / "ref.err").code, 0);
  auto whole = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - t0);
  auto expected = findings(ref);
  ASSERT_GT(expected.size(), 10u);
  // Kills spread over the whole run: the early ones land in the crawl, the late ones in the audit
  // and the reports. Every one leaves a database that SQLite finds intact.
  int killed = 0;
  for (int k = 1; k <= 12; ++k) {
    auto at = whole * k / 13;
    auto o = run_govaudit({"demo", "--out", out.string()}, tmp.path / "kill.err", at);
    if (o.code != -1) continue;  // finished before the kill
    ++killed;
    if (fs::exists(out / "govaudit.db")) {
      EXPECT_EQ(integrity(out / "govaudit.db"), "ok") << "killed at " << at.count() << " ms";
    }
  }
  // On a loaded machine the reference run may have been slower than these: kill earlier, too.
  for (int k = 1; killed < 4 && k <= 12; ++k) {
    auto at = whole * k / 40;
    if (run_govaudit({"demo", "--out", out.string()}, tmp.path / "kill.err", at).code != -1) continue;
    ++killed;
    if (fs::exists(out / "govaudit.db")) {
      EXPECT_EQ(integrity(out / "govaudit.db"), "ok") << "killed at " << at.count() << " ms";
    }
  }
  EXPECT_GE(killed, 4) << "the run (" << whole.count() << " ms) ended before most kills";
  auto o = run_govaudit({"demo", "--out", out.string()}, tmp.path / "last.err");
  ASSERT_EQ(o.code, 0) << o.err;
  EXPECT_EQ(integrity(out / "govaudit.db"), "ok");
  EXPECT_EQ(findings(out), expected);
}

TEST(Crash, AFullDiskIsAClearErrorAndLosesNothing) {
  TempDir tmp;
  fs::path out = tmp.path / "out";
  auto full = run_govaudit({"demo", "--out", out.string()}, tmp.path / "full.err", std::nullopt, 256 * 1024);
  EXPECT_EQ(full.code, 3) << full.err;
  EXPECT_NE(full.err.find("disk full"), std::string::npos) << full.err;
  ASSERT_TRUE(fs::exists(out / "govaudit.db"));
  EXPECT_EQ(integrity(out / "govaudit.db"), "ok");
  // With room again, the same command completes.
  auto o = run_govaudit({"demo", "--out", out.string()}, tmp.path / "room.err");
  EXPECT_EQ(o.code, 0) << o.err;
  EXPECT_EQ(integrity(out / "govaudit.db"), "ok");
}

TEST(Crash, AnOutputDirectoryThatCannotBeWrittenIsAClearError) {
  TempDir tmp;
  // As root, permissions do not stop a write: then a directory in /proc, which nobody can create.
  fs::path out = tmp.path / "readonly";
  fs::create_directories(out);
  fs::permissions(out, fs::perms::owner_read | fs::perms::owner_exec);
  if (geteuid() == 0) out = "/proc/govaudit-readonly";
  auto o = run_govaudit({"demo", "--out", (out / "sub").string()}, tmp.path / "ro.err");
  EXPECT_EQ(o.code, 2) << o.err;
  EXPECT_NE(o.err.find("output directory " + (out / "sub").string()), std::string::npos) << o.err;
  fs::permissions(tmp.path / "readonly", fs::perms::owner_all);
}

TEST(Crash, ASecondCommandOnALockedDatabaseChangesNothing) {
  TempDir tmp;
  fs::path out = tmp.path / "out";
  fs::create_directories(out);
  std::ofstream(out / "govaudit.db").close();  // an empty file: SQLite's schema version 0
  int fd = ::open((out / "govaudit.db.lock").c_str(), O_RDWR | O_CREAT, 0644);
  ASSERT_GE(fd, 0);
  ASSERT_EQ(::flock(fd, LOCK_EX | LOCK_NB), 0);
  for (const char* cmd : {"demo", "run"}) {
    std::vector<std::string> args = {cmd, "--out", out.string()};
    if (std::string(cmd) == "run") args.insert(args.end(), {"--sites", (tmp.path / "sites.toml").string()});
    std::ofstream(tmp.path / "sites.toml") << "[[site]]\nid = \"x\"\nname = \"x\"\nhomepage = \"http://127.0.0.1:9/\"\n";
    auto o = run_govaudit(args, tmp.path / "locked.err");
    EXPECT_EQ(o.code, 2) << cmd << ": " << o.err;
    EXPECT_NE(o.err.find("another govaudit"), std::string::npos) << cmd << ": " << o.err;
    // The store was not opened (and so not migrated) before the lock was refused.
    EXPECT_EQ(fs::file_size(out / "govaudit.db"), 0u) << cmd;
  }
  ::close(fd);
}
