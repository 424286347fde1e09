#pragma once
// A PostgreSQL server of a test's own, and govaudit processes started and awaited by tests.
#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <string>
#include <thread>
#include <vector>

#include "tests/test_helpers.hpp"

namespace govaudit::test {

namespace fs = std::filesystem;

// A PostgreSQL server of the test's own: initdb and pg_ctl (as the postgres user when run as root),
// listening only on a Unix socket in a temporary directory.
class PgServer {
 public:
  explicit PgServer(int port) : port_(port) {
    dir_ = fs::temp_directory_path() / ("govaudit_pg_" + std::to_string(::getpid()));
    std::string bin = pg_bin();
    if (bin.empty()) {
      skip_ = "PostgreSQL server binaries (initdb, pg_ctl) missing: run scripts/install-deps";
      return;
    }
    fs::remove_all(dir_);
    fs::create_directories(dir_);
    as_ = ::geteuid() == 0 ? "runuser -u postgres -- " : "";
    if (::geteuid() == 0) sh("chown postgres '" + dir_.string() + "'");
    if (sh(as_ + bin + "/initdb -D '" + (dir_ / "data").string() + "' -A trust -U postgres >'" + (dir_ / "initdb.log").string() + "' 2>&1") != 0 ||
        sh(as_ + bin + "/pg_ctl -D '" + (dir_ / "data").string() + "' -o \"-k " + dir_.string() + " -p " + std::to_string(port) +
           " -c listen_addresses=''\" -l '" + (dir_ / "server.log").string() + "' -w start >/dev/null") != 0 ||
        sh("psql -q -h '" + dir_.string() + "' -p " + std::to_string(port) + " -U postgres -c 'CREATE DATABASE govaudit' >/dev/null") != 0) {
      error_ = "cannot start PostgreSQL in " + dir_.string();
      return;
    }
    bin_ = bin;
  }
  // The server goes away (as a crash would take it) and comes back after `down`.
  void outage(std::chrono::milliseconds down) {
    sh(as_ + bin_ + "/pg_ctl -D '" + (dir_ / "data").string() + "' -m immediate stop >/dev/null 2>&1");
    std::this_thread::sleep_for(down);
    sh(as_ + bin_ + "/pg_ctl -D '" + (dir_ / "data").string() + "' -o \"-k " + dir_.string() + " -p " + std::to_string(port_) +
       " -c listen_addresses=''\" -l '" + (dir_ / "server.log").string() + "' -w start >/dev/null");
  }
  ~PgServer() {
    if (!bin_.empty()) sh(as_ + bin_ + "/pg_ctl -D '" + (dir_ / "data").string() + "' -m immediate stop >/dev/null 2>&1");
    if (!dir_.empty() && !::testing::Test::HasFailure()) fs::remove_all(dir_);
  }
  std::string uri() const { return "postgresql:///govaudit?host=" + dir_.string() + "&port=" + std::to_string(port_) + "&user=postgres"; }
  const std::string& skip() const { return skip_; }
  const std::string& error() const { return error_; }

 private:
  static std::string pg_bin() {
    std::error_code ec;
    for (auto& e : fs::directory_iterator("/usr/lib/postgresql", ec))
      if (fs::exists(e.path() / "bin" / "initdb")) return (e.path() / "bin").string();
    return "";
  }
  int port_;
  fs::path dir_;
  std::string as_, bin_, skip_, error_;
};

inline pid_t start(const std::vector<std::string>& args, const fs::path& log) {
  pid_t pid = fork();
  if (pid == 0) {
    if (!freopen(log.c_str(), "w", stderr) || !freopen("/dev/null", "w", stdout)) _exit(126);
    std::vector<char*> argv{const_cast<char*>(GOVAUDIT_BIN)};
    for (auto& a : args) argv.push_back(const_cast<char*>(a.c_str()));
    argv.push_back(nullptr);
    execv(argv[0], argv.data());
    _exit(127);
  }
  return pid;
}

inline int finish(pid_t pid) {
  int st = 0;
  waitpid(pid, &st, 0);
  return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

}  // namespace govaudit::test
