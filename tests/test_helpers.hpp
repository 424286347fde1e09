#pragma once
// Test helpers: a PageRecord made the way the crawler makes one from a saved page; running a command.
#include <signal.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <optional>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "crawler/extract/charset.hpp"
#include "crawler/extract/extract.hpp"
#include "crawler/extract/page_record.hpp"
#include "model/records.hpp"
#include "storage/sqlite.hpp"

namespace govaudit::test {

// Runs a shell command; its exit status, or -1 when it did not exit normally.
inline int sh(const std::string& cmd) {
  int rc = std::system(cmd.c_str());
  return WIFEXITED(rc) ? WEXITSTATUS(rc) : -1;
}

// True in CI (CI=true), where every tool that scripts/install-deps installs must be there.
inline bool in_ci() {
  const char* ci = std::getenv("CI");
  return ci && std::string(ci) == "true";
}

// A tool the test needs is missing: in CI a failure (install-deps should have installed it),
// elsewhere a skip that says why.
#define GOVAUDIT_NEED_TOOL(why)                                                   \
  do {                                                                            \
    if (govaudit::test::in_ci()) FAIL() << (why) << " (CI=true: a missing tool is a failure)"; \
    GTEST_SKIP() << (why);                                                        \
  } while (0)

// ../shared (the corpus, the real pages) is not beside the project: a user's clone skips, CI fails.
#define GOVAUDIT_NEED_SHARED(what) GOVAUDIT_NEED_TOOL(std::string("../shared/") + (what) + " is not beside the project")

struct Outcome {
  int code = -1;        // exit status, or -1 when killed
  long peak_rss_kb = 0;  // of the process
  std::string err;      // what it wrote on stderr
};

// Runs the govaudit binary as its own process (stdout discarded, stderr into `err_file`); kills it
// after `kill_after` when that is set; `file_limit` caps the size of any file it writes
// (RLIMIT_FSIZE: what a full disk looks like to the program).
inline Outcome run_govaudit(const std::vector<std::string>& args, const std::filesystem::path& err_file,
                            std::optional<std::chrono::milliseconds> kill_after = std::nullopt,
                            rlim_t file_limit = RLIM_INFINITY) {
  pid_t pid = fork();
  if (pid == 0) {
    if (!freopen(err_file.c_str(), "w", stderr) || !freopen("/dev/null", "w", stdout)) _exit(126);
    signal(SIGXFSZ, SIG_IGN);  // a write past the limit fails with EFBIG instead of killing
    rlimit rl{file_limit, file_limit};
    setrlimit(RLIMIT_FSIZE, &rl);
    std::vector<char*> argv{const_cast<char*>(GOVAUDIT_BIN)};
    for (auto& a : args) argv.push_back(const_cast<char*>(a.c_str()));
    argv.push_back(nullptr);
    execv(argv[0], argv.data());
    _exit(127);
  }
  int status = 0;
  rusage ru{};
  bool reaped = false;
  if (kill_after) {
    auto until = std::chrono::steady_clock::now() + *kill_after;
    while (!(reaped = wait4(pid, &status, WNOHANG, &ru) == pid) && std::chrono::steady_clock::now() < until)
      std::this_thread::sleep_for(std::chrono::milliseconds(1));
    if (!reaped) kill(pid, SIGKILL);
  }
  if (!reaped) wait4(pid, &status, 0, &ru);
  Outcome o;
  o.code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  o.peak_rss_kb = ru.ru_maxrss;
  std::ifstream in(err_file);
  o.err.assign(std::istreambuf_iterator<char>(in), {});
  return o;
}

// SQLite's own verdict on a database file: "ok" when intact.
inline std::string integrity(const std::filesystem::path& db) {
  sqlite::Connection c(db.string(), false);
  auto st = c.prepare("PRAGMA integrity_check");
  std::string out;
  while (st.step()) out += st.text(0);
  return out;
}

// A fetched page (HTTP 200) as the crawler records one.
inline PageRecord page(const std::string& url, const std::string& kind, const std::string& title = "") {
  PageRecord p;
  p.url = p.final_url = url;
  p.status = 200;
  p.kind = page_kind_from(kind);
  p.title = title;
  return p;
}

// A saved page read the way the crawler reads a fetched one (not the homepage).
inline PageRecord page_from_file(const std::filesystem::path& f, const std::string& url) {
  std::ifstream in(f, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  auto dec = charset::decode(ss.str(), "text/html");
  auto page = extract::parse(dec.text, url);
  PageRecord p;
  p.url = p.final_url = url;
  p.status = 200;
  fill_record(p, page, false);
  p.text = page.text;
  p.charset = dec.charset;
  return p;
}

}  // namespace govaudit::test
