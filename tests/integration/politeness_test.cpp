// Per-IP politeness as a server sees it: three county sites served from one address by a server
// that takes 30 ms per answer and counts the requests it is serving at once, overall and per Host.
#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <map>
#include <mutex>
#include <sstream>
#include <thread>
#include <vector>

#include "tests/integration/loopback_server.hpp"
#include "tests/test_helpers.hpp"

namespace fs = std::filesystem;

namespace {

class SlowServer {
 public:
  SlowServer() : server_([this](int c) { serve(c); }) {}
  unsigned short port() const { return server_.port(); }
  int peak() const { return peak_; }
  int peak_of(const std::string& host) {
    std::lock_guard lock(mu_);
    return host_peak_[host];
  }
  void reset() {
    std::lock_guard lock(mu_);
    peak_ = 0;
    host_peak_.clear();
  }

 private:
  void serve(int c) {
    std::string req = govaudit::test::LoopbackServer::read_head(c);
    std::string path, host;
    std::istringstream(req) >> path >> path;
    if (auto h = req.find("\r\nHost: "); h != std::string::npos) host = req.substr(h + 8, req.find_first_of(":\r", h + 8) - h - 8);
    {
      std::lock_guard lock(mu_);
      peak_ = std::max(peak_.load(), ++now_);
      host_peak_[host] = std::max(host_peak_[host], ++host_now_[host]);
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(30));
    std::string body = "<html><head><meta charset=\"utf-8\"><title>县政府</title></head><body>";
    if (path == "/")
      for (int i = 0; i < 20; ++i) body += "<a href=\"/p" + std::to_string(i) + ".html\">信息" + std::to_string(i) + "</a>";
    body += "</body></html>";
    std::string out = "HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=utf-8\r\nContent-Length: " + std::to_string(body.size()) +
                      "\r\nConnection: close\r\n\r\n" + body;
    {
      std::lock_guard lock(mu_);
      --now_;
      --host_now_[host];
    }
    ::send(c, out.data(), out.size(), MSG_NOSIGNAL);
    ::close(c);
  }

  std::mutex mu_;
  std::atomic<int> peak_{0};
  int now_ = 0;
  std::map<std::string, int> host_now_, host_peak_;
  govaudit::test::LoopbackServer server_;  // last: stopped before the members its threads use go
};

}  // namespace

TEST(Politeness, APerIpLimitHoldsOverEveryHostOfTheAddress) {
  SlowServer server;
  auto dir = fs::temp_directory_path() / ("govaudit-perip-" + std::to_string(getpid()));
  fs::remove_all(dir);
  fs::create_directories(dir);
  std::string port = std::to_string(server.port());
  std::ofstream sites(dir / "sites.toml");
  std::string statics;
  for (const char* s : {"a", "b", "c"}) {
    std::string host = std::string("www.") + s + ".perip.gov.cn.test";
    sites << "[[site]]\nid = \"" << s << "\"\nname = \"" << s << "县\"\nhomepage = \"http://" << host << ":" << port << "/\"\nhosts = [\"" << host
          << "\"]\n";
    statics += "\"" + host + "\" = [\"127.0.0.1\"]\n";
  }
  sites.close();
  auto crawl = [&](int per_ip) {
    server.reset();
    std::ofstream(dir / "config.toml") << "[crawl]\nper_host_connections = 3\nper_ip_connections = " << per_ip
                                       << "\nrespect_robots = false\ncheck_external_links = false\n[dns.static]\n"
                                       << statics;
    fs::remove_all(dir / "out");
    return govaudit::test::run_govaudit({"crawl", "-q", "--sites", (dir / "sites.toml").string(), "--config", (dir / "config.toml").string(),
                                         "--out", (dir / "out").string(), "--allow-net", "127.0.0.0/8"},
                                        dir / "log.txt");
  };
  auto limited = crawl(4);
  ASSERT_EQ(limited.code, 0) << limited.err;
  EXPECT_LE(server.peak(), 4);
  EXPECT_GE(server.peak(), 3);
  for (const char* s : {"a", "b", "c"}) EXPECT_LE(server.peak_of(std::string("www.") + s + ".perip.gov.cn.test"), 3) << s;
  // Without it, the same crawl asks the address for more at once: the limit above is what held.
  auto free = crawl(0);
  ASSERT_EQ(free.code, 0) << free.err;
  EXPECT_GT(server.peak(), 4);
  if (!::testing::Test::HasFailure()) fs::remove_all(dir);
}
