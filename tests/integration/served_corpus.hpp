#pragma once
// A corpus generated like the sample (../shared/corpus/gen.py, seed 1, templates a and b) served by
// the corpus's real nginx and dnsmasq on ports of its own, with an access log that names the Host
// of each request: the integration tests judge the crawler by what the servers saw.
#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <vector>

#include "tests/test_helpers.hpp"

namespace govaudit::test {

namespace fs = std::filesystem;

struct LogLine {
  std::string addr, host, method, uri, ua;
  int status = 0;
  std::string connection;  // nginx's connection serial number
  double end = 0, took = 0;  // when the request ended (s since the epoch) and how long it took
  long long bytes = 0;       // body bytes sent
};

// The most connections open at once, per Host and over all ("*"): a connection counts from the
// start of its first request to the end of its last (idle time around them is not seen).
inline std::map<std::string, int> peak_connections(const std::vector<LogLine>& log) {
  struct Span { std::string host; double from = 1e300, to = 0; };
  std::map<std::string, Span> conns;
  for (auto& l : log) {
    auto& s = conns[l.connection];
    if (s.host.empty()) s.host = l.host;
    s.from = std::min(s.from, l.end - l.took);
    s.to = std::max(s.to, l.end);
  }
  std::map<std::string, std::vector<std::pair<double, int>>> events;  // ends sort before starts at one time
  for (auto& [id, s] : conns)
    for (auto key : {s.host, std::string("*")}) {
      events[key].push_back({s.from, 1});
      events[key].push_back({s.to, -1});
    }
  std::map<std::string, int> peak;
  for (auto& [key, ev] : events) {
    std::sort(ev.begin(), ev.end());
    int open = 0;
    for (auto& [t, d] : ev) peak[key] = std::max(peak[key], open += d);
  }
  return peak;
}

// A corpus generated like the sample (seed 1, 8 sites, templates a and b) on a port of its own,
// served with an access log that names the Host of each request.
class ServedCorpus {
 public:
  ServedCorpus(const std::string& name, int port, int dns_port, int sites = 8, int pages = 120) : port_(port), dns_(dns_port) {
    corpus_ = fs::path(GOVAUDIT_SHARED_DIR "/corpus");
    if (!fs::exists(corpus_ / "gen.py")) {
      skip_ = "../shared/corpus is not beside the project";
      return;
    }
    if (sh("command -v nginx >/dev/null && command -v dnsmasq >/dev/null") != 0) {
      skip_ = "nginx/dnsmasq missing: run scripts/install-deps";
      tool_missing_ = true;
      return;
    }
    dir_ = fs::temp_directory_path() / ("govaudit_" + name + "_" + std::to_string(::getpid()));
    fs::remove_all(dir_);
    fs::create_directories(dir_);
    std::string c = (dir_ / "c").string();
    if (sh("python3 '" + (corpus_ / "gen.py").string() + "' --out '" + c + "' --seed 1 --sites " + std::to_string(sites) +
           " --pages-per-site " + std::to_string(pages) + " " +
           "--templates a,b --access-log --port " + std::to_string(port) + " >/dev/null") != 0 ||
        sh("sed -i 's#^  access_log run/nginx-access.log;#  log_format ga \"$remote_addr|$host|$request_method|$request_uri|"
           "$status|$http_user_agent|$connection|$msec|$request_time|$body_bytes_sent\"; access_log run/nginx-access.log ga;#' '" + c + "/nginx.conf'") != 0 ||
        sh(env() + "'" + (corpus_ / "serve").string() + "' '" + c + "' >/dev/null") != 0) {
      error_ = "cannot generate or serve the corpus in " + c;
      return;
    }
    served_ = true;
    start_ = log_size();  // what serve's own checks asked is not the crawl's
  }
  ~ServedCorpus() {
    // Stopped even when serving failed half way (nginx up, dnsmasq refused): nothing is left running.
    if (served_ || !error_.empty())
      sh(env() + "'" + (corpus_ / "serve").string() + "' --stop '" + (dir_ / "c").string() + "' >/dev/null 2>&1");
    if (!dir_.empty() && !::testing::Test::HasFailure()) fs::remove_all(dir_);
  }
  const std::string& skip() const { return skip_; }
  bool tool_missing() const { return tool_missing_; }
  const std::string& error() const { return error_; }
  fs::path dir() const { return dir_; }
  fs::path www() const { return dir_ / "c" / "www"; }
  nlohmann::json scenarios() const {
    std::ifstream in(dir_ / "c" / "scenarios.json");
    return nlohmann::json::parse(in);
  }
  std::vector<std::string> args(const fs::path& out) const {
    return {GOVAUDIT_BIN, "crawl", "-q", "--sites", (dir_ / "c" / "sites.json").string(), "--dns",
            "127.0.0.1:" + std::to_string(dns_), "--today", "2025-11-20", "--allow-net", "127.0.0.0/8,::1/128",
            "--out", out.string()};
  }
  std::string command(const std::string& sub, const fs::path& out) const {
    auto a = args(out);
    a[1] = sub;
    std::string cmd;
    for (auto& s : a) cmd += "'" + s + "' ";
    return cmd;
  }
  // Access log lines from byte `from` on.
  std::vector<LogLine> log(std::streamoff from = -1) const {
    std::vector<LogLine> out;
    std::ifstream in(dir_ / "c" / "run" / "nginx-access.log");
    in.seekg(from < 0 ? start_ : from);
    for (std::string line; std::getline(in, line);) {
      std::vector<std::string> f;
      std::stringstream ss(line);
      for (std::string x; std::getline(ss, x, '|');) f.push_back(x);
      if (f.size() < 6) continue;
      LogLine l;
      l.addr = f[0], l.host = f[1], l.method = f[2], l.uri = f[3], l.status = std::atoi(f[4].c_str()), l.ua = f[5];
      if (f.size() >= 9) l.connection = f[6], l.end = std::atof(f[7].c_str()), l.took = std::atof(f[8].c_str());
      if (f.size() >= 10) l.bytes = std::atoll(f[9].c_str());
      out.push_back(std::move(l));
    }
    return out;
  }
  std::streamoff log_size() const {
    std::error_code ec;
    auto n = fs::file_size(dir_ / "c" / "run" / "nginx-access.log", ec);
    return ec ? 0 : std::streamoff(n);
  }

 private:
  std::string env() const { return "DNS_PORT=" + std::to_string(dns_) + " "; }
  fs::path corpus_, dir_;
  int port_, dns_;
  std::streamoff start_ = 0;
  bool served_ = false, tool_missing_ = false;
  std::string skip_, error_;
};

// Skips (or, in CI, fails) the test when the corpus cannot be served.
#define GOVAUDIT_NEED_CORPUS(corpus)                                              \
  do {                                                                            \
    if ((corpus).tool_missing()) GOVAUDIT_NEED_TOOL((corpus).skip());             \
    if (!(corpus).skip().empty()) GTEST_SKIP() << (corpus).skip();                \
    ASSERT_TRUE((corpus).error().empty()) << (corpus).error();                    \
  } while (0)

}  // namespace govaudit::test
