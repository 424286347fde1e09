// The crawl against servers that misbehave on purpose (real sockets on loopback): each bad answer is
// recorded with its reason, the run finishes in bounded time and memory, and the report escapes
// whatever the pages carried. The server is plain POSIX sockets so that it can break HTTP.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>
#include <zlib.h>

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <map>
#include <mutex>
#include <sstream>
#include <thread>

#include "storage/store.hpp"
#include "storage/warc.hpp"
#include "tests/integration/loopback_server.hpp"
#include "tests/test_helpers.hpp"

namespace {

using Clock = std::chrono::steady_clock;
const std::string kHost = "www.hostile.gov.cn.test";

bool send_all(int fd, std::string_view s) {
  while (!s.empty()) {
    ssize_t n = ::send(fd, s.data(), s.size(), MSG_NOSIGNAL);
    if (n <= 0) return false;
    s.remove_prefix(size_t(n));
  }
  return true;
}

std::string gzip_zeros(size_t n) {
  z_stream z{};
  deflateInit2(&z, 9, Z_DEFLATED, 31, 9, Z_DEFAULT_STRATEGY);
  std::string zeros(1 << 20, '\0'), out;
  char buf[1 << 16];
  for (size_t done = 0; done < n; done += zeros.size()) {
    z.next_in = reinterpret_cast<Bytef*>(zeros.data());
    z.avail_in = uInt(zeros.size());
    int flush = done + zeros.size() >= n ? Z_FINISH : Z_NO_FLUSH;
    do {
      z.next_out = reinterpret_cast<Bytef*>(buf);
      z.avail_out = sizeof buf;
      deflate(&z, flush);
      out.append(buf, sizeof buf - z.avail_out);
    } while (z.avail_out == 0);
  }
  deflateEnd(&z);
  return out;
}

class HostileServer {
 public:
  HostileServer() : bomb_(gzip_zeros(200u << 20)), server_([this](int c) { serve(c); }) {}
  unsigned short port() const { return server_.port(); }
  int hits(const std::string& path) {
    std::lock_guard lock(mu_);
    return hits_[path];
  }
  std::vector<Clock::time_point> times(const std::string& path) {
    std::lock_guard lock(mu_);
    return times_[path];
  }

 private:
  static std::string page(const std::string& title, const std::string& body) {
    return "<html><head><meta charset=\"utf-8\"><title>" + title + "</title></head><body>" + body + "</body></html>";
  }
  static std::string ok(const std::string& body, const std::string& type = "text/html; charset=utf-8") {
    return "HTTP/1.1 200 OK\r\nContent-Type: " + type + "\r\nContent-Length: " + std::to_string(body.size()) +
           "\r\nConnection: close\r\n\r\n" + body;
  }

  void serve(int c) {
    std::string req = govaudit::test::LoopbackServer::read_head(c);
    std::string path;
    std::istringstream(req) >> path >> path;
    {
      std::lock_guard lock(mu_);
      ++hits_[path];
      times_[path].push_back(Clock::now());
    }
    respond(c, path);
    ::close(c);
  }

  bool alive() const { return !server_.stopping(); }

  void respond(int c, const std::string& path) {
    if (path == "/") {
      std::string links;
      // Anchor texts carry markup, as text: the report must show it, never run it.
      for (const char* p : {"slow", "endless", "bomb", "big", "loop", "reset", "header", "retry", "badbytes", "liar", "malformed",
                            "nested", "links", "markup", "to-metadata", "to-private", "rebind", "metadata-name", "crlf"})
        links += std::string("<a href=\"/") + p + "\">&lt;script&gt;alert('" + p + "')&lt;/script&gt;</a>\n";
      send_all(c, ok(page("首页", links)));
    } else if (path == "/slow") {  // slowloris: a byte now and then, never the whole body
      send_all(c, "HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Length: 100000\r\n\r\n<html>");
      for (int i = 0; i < 60 && alive() && send_all(c, "x"); ++i) std::this_thread::sleep_for(std::chrono::milliseconds(500));
    } else if (path == "/endless") {  // chunked, never ending
      send_all(c, "HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nTransfer-Encoding: chunked\r\n\r\n");
      std::string chunk(65536, 'a');
      std::ostringstream head;
      head << std::hex << chunk.size() << "\r\n";
      while (alive() && send_all(c, head.str() + chunk + "\r\n")) {
      }
    } else if (path == "/bomb") {  // 200 MB of zeros in a 200 KB gzip body
      send_all(c, "HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Encoding: gzip\r\nContent-Length: " +
                      std::to_string(bomb_.size()) + "\r\nConnection: close\r\n\r\n");
      send_all(c, bomb_);
    } else if (path == "/big") {  // 50 MB, honestly announced
      size_t size = 50u << 20;
      send_all(c, "HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Length: " + std::to_string(size) + "\r\n\r\n");
      std::string block(1 << 20, 'b');
      for (size_t sent = 0; sent < size && alive() && send_all(c, block); sent += block.size()) {
      }
    } else if (path == "/loop" || path == "/loop2") {
      send_all(c, std::string("HTTP/1.1 302 Found\r\nLocation: /") + (path == "/loop" ? "loop2" : "loop") +
                      "\r\nContent-Length: 0\r\nConnection: close\r\n\r\n");
    } else if (path == "/reset") {  // RST instead of an answer
      linger l{1, 0};
      setsockopt(c, SOL_SOCKET, SO_LINGER, &l, sizeof l);
    } else if (path == "/header") {  // a 200 KB header line
      send_all(c, "HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nX-Huge: " + std::string(200 * 1024, 'h') +
                      "\r\nContent-Length: 2\r\n\r\nok");
    } else if (path == "/retry") {  // busy once, with Retry-After
      if (hits("/retry") == 1)
        send_all(c, "HTTP/1.1 503 Service Unavailable\r\nRetry-After: 1\r\nContent-Length: 0\r\nConnection: close\r\n\r\n");
      else
        send_all(c, ok(page("稍后重试成功", "<p>ok</p>")));
    } else if (path == "/badbytes") {  // UTF-8 with a stray byte and an excerpt cut mid-character
      send_all(c, ok(page("坏字节", "<p>政务公开\xFF 中文摘要\xE4\xB8</p>")));
    } else if (path == "/liar") {  // says UTF-8, is GBK: 政务公开 中文
      send_all(c, ok(page("\xD5\xFE\xCE\xF1\xB9\xAB\xBF\xAA", "<p>\xD6\xD0\xCE\xC4</p>")));
    } else if (path == "/malformed") {
      send_all(c, ok("<html><head><title>残缺</title><body><table><tr><td><div></span></p><a href=\"/malformed-child\">子页"
                     "<p><b><i>未闭合</b></i><a href=<<>>\"'</div></td></table><!-- never closed"));
    } else if (path == "/malformed-child") {
      send_all(c, ok(page("子页", "<p>ok</p>")));
    } else if (path == "/nested") {
      std::string body;
      for (int i = 0; i < 200000; ++i) body += "<div>";
      body += "<a href=\"/deep-child\">最深处</a>";
      send_all(c, ok(page("嵌套", body)));
    } else if (path == "/deep-child") {
      send_all(c, ok(page("深处子页", "<p>ok</p>")));
    } else if (path == "/links") {
      std::string body;
      for (int i = 0; i < 200000; ++i) body += "<a href=\"/l/" + std::to_string(i) + "\">l</a>";
      send_all(c, ok(page("链接", body)));
    } else if (path == "/markup") {
      send_all(c, ok(page("&lt;script&gt;alert('title')&lt;/script&gt;<img src=x onerror=alert(1)>",
                          "<a href=\"/nowhere?a=&quot;&gt;&lt;script&gt;alert(2)&lt;/script&gt;\">"
                          "\"><svg onload=alert(3)></a>")));
    } else if (path == "/to-metadata") {
      send_all(c, "HTTP/1.1 302 Found\r\nLocation: http://169.254.169.254/latest/meta-data/\r\nContent-Length: 0\r\n\r\n");
    } else if (path == "/to-private") {
      send_all(c, "HTTP/1.1 301 Moved\r\nLocation: http://10.20.30.40/admin\r\nContent-Length: 0\r\n\r\n");
    } else if (path == "/rebind") {  // a name of ours whose DNS answer is a private address
      send_all(c, "HTTP/1.1 302 Found\r\nLocation: http://rebind.hostile.gov.cn.test:" + std::to_string(server_.port()) +
                      "/\r\nContent-Length: 0\r\n\r\n");
    } else if (path == "/crlf") {  // a bare CR smuggling a header of the site's choosing, and a NUL
      std::string body = page("头部注入", "<p>ok</p>");
      send_all(c, "HTTP/1.1 200 OK\r\nContent-Type: text/html\rSet-Cookie: planted=via-crawl\r\nX-Evil: a" + std::string(1, '\0') +
                      "b\r\nRefresh: 0; url=http://evil.example/\rX-More: 1\r\nContent-Length: " + std::to_string(body.size()) +
                      "\r\nConnection: close\r\n\r\n" + body);
    } else if (path == "/metadata-name") {
      send_all(c, "HTTP/1.1 302 Found\r\nLocation: http://metadata.google.internal/computeMetadata/v1/\r\nContent-Length: 0\r\n\r\n");
    } else {
      send_all(c, "HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\nConnection: close\r\n\r\n");
    }
  }

  std::string bomb_;
  std::mutex mu_;
  std::map<std::string, int> hits_;
  std::map<std::string, std::vector<Clock::time_point>> times_;
  govaudit::test::LoopbackServer server_;  // last: stopped (its threads joined) before the members they use go
};

}  // namespace

TEST(Hostile, EveryBadAnswerIsRecordedAndTheRunGoesOn) {
  HostileServer server;
  auto dir = std::filesystem::temp_directory_path() / ("govaudit-hostile-" + std::to_string(getpid()));
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  std::string port = std::to_string(server.port());
  std::ofstream(dir / "sites.toml") << "[[site]]\nid = \"hostile\"\nname = \"敌意测试县\"\nhomepage = \"http://" << kHost << ":"
                                    << port << "/\"\nhosts = [\"" << kHost << "\"]\n";
  std::ofstream(dir / "config.toml") << "[crawl]\ntotal_timeout_ms = 4000\nlow_speed_time_ms = 2000\nmax_body_bytes = 8388608\n"
                                        "retries = 1\nretry_backoff_ms = 100\nrespect_robots = false\n[tls]\nhttps_port = 9\n"
                                        "[dns.static]\n\""
                                     << kHost << "\" = [\"127.0.0.1\"]\n\"rebind.hostile.gov.cn.test\" = [\"10.9.8.7\"]\n";
  auto t0 = Clock::now();
  auto run = govaudit::test::run_govaudit({"run", "--sites", (dir / "sites.toml").string(), "--config",
                                           (dir / "config.toml").string(), "--out", (dir / "out").string(), "--today",
                                           "2025-11-20", "--allow-net", "127.0.0.0/8,::1/128"},
                                          dir / "log.txt");
  double seconds = std::chrono::duration<double>(Clock::now() - t0).count();
  const std::string& log = run.err;
  long rss_kb = run.peak_rss_kb;
  ASSERT_EQ(run.code, 0) << log;
  // Bounded: the slowest answers are cut by the 4 s total timeout (twice, with the one retry).
#if defined(__SANITIZE_ADDRESS__)
  EXPECT_LT(seconds, 90.0) << log;  // ASan: about 24 s here
#else
  EXPECT_LT(seconds, 40.0) << log;  // about 5 s here
#endif
  std::cout << "[ hostile  ] govaudit run: " << seconds << " s, peak RSS " << rss_kb / 1024 << " MB\n";
#if !defined(__SANITIZE_ADDRESS__)
  EXPECT_LT(rss_kb, 150 * 1024) << "peak RSS of the hostile run";
#endif

  govaudit::Store store((dir / "out" / "govaudit.db").string());
  auto views = store.load_site_views(store.latest_run(govaudit::RunKind::Crawl).value().id);
  ASSERT_EQ(views.size(), 1u);
  std::map<std::string, govaudit::PageRecord> pages;
  for (auto& p : views[0].pages) pages[p.url.substr(p.url.find(port) + port.size())] = p;
  auto expect = [&](const std::string& path, const std::string& kind, const std::string& says) {
    ASSERT_TRUE(pages.count(path)) << path << " was not recorded";
    auto& p = pages[path];
    EXPECT_EQ(std::string(govaudit::name(p.error_kind)), kind) << path << ": " << p.error;
    EXPECT_NE(p.error.find(says), std::string::npos) << path << ": " << p.error;
  };
  expect("/slow", "timeout", "");
  expect("/endless", "size", "8388608");
  expect("/bomb", "size", "8388608");
  expect("/big", "size", "");
  expect("/loop", "loop", "redirect loop");
  expect("/reset", "network", "");
  expect("/header", "network", "header line over 100 KB");
  expect("/to-metadata", "refused", "link-local");
  expect("/to-private", "refused", "private");
  expect("/rebind", "refused", "10.9.8.7");
  expect("/metadata-name", "refused", "cloud metadata");
  // Header lines with a control character inside are not kept: neither the stored Content-Type nor
  // the WARC record the console replays carries what the site smuggled.
  ASSERT_TRUE(pages.count("/crlf"));
  EXPECT_EQ(pages["/crlf"].crawl().content_type, "text/html");
  auto crlf = govaudit::read_warc_record(dir / "out", pages["/crlf"].crawl().warc);
  EXPECT_EQ(crlf.http_head.find("planted"), std::string::npos) << crlf.http_head;
  EXPECT_EQ(crlf.http_head.find("evil.example"), std::string::npos) << crlf.http_head;
  EXPECT_EQ(crlf.http_head.find(std::string(1, '\0')), std::string::npos);
  EXPECT_NE(crlf.http_head.find("Content-Length"), std::string::npos);
  // 503 with Retry-After: asked again no sooner than it said, then recorded as the page it is.
  EXPECT_EQ(pages["/retry"].status, 200);
  EXPECT_EQ(pages["/retry"].title, "稍后重试成功");
  auto retry = server.times("/retry");
  ASSERT_EQ(retry.size(), 2u);
  EXPECT_GE(retry[1] - retry[0], std::chrono::milliseconds(950));
  // Pages that are only badly made are read as well as they can be.
  EXPECT_EQ(pages["/badbytes"].status, 200);
  EXPECT_NE(pages["/badbytes"].text.find("政务公开\uFFFD 中文摘要\uFFFD"), std::string::npos) << pages["/badbytes"].text;
  EXPECT_EQ(pages["/liar"].title, "政务公开");
  EXPECT_NE(pages["/liar"].text.find("中文"), std::string::npos) << pages["/liar"].charset;
  EXPECT_TRUE(pages.count("/malformed-child")) << "a link in malformed HTML is followed";
  EXPECT_TRUE(pages.count("/deep-child")) << "a link under 200,000 nested elements is followed";
  EXPECT_EQ(server.hits("/l/4999"), 1);  // the first 5,000 links of the 200,000 …
  EXPECT_EQ(server.hits("/l/5000"), 0);  // … and no more
  auto limits = views[0].limits;
  auto has_limit = [&](const std::string& what) {
    for (auto& l : limits)
      if (l.find(what) != std::string::npos) return true;
    return false;
  };
  EXPECT_TRUE(has_limit("links per page (5000) on http://" + kHost + ":" + port + "/links"));
  EXPECT_TRUE(has_limit("element nesting (512) on http://" + kHost + ":" + port + "/nested"));
  EXPECT_TRUE(has_limit("elements per page (20000) on http://" + kHost + ":" + port + "/links"));
  for (auto& p : views[0].pages) EXPECT_TRUE(p.error_kind != govaudit::ErrorKind::Refused || p.status == 0) << p.url;

  // The report shows what the pages carried as text: no markup from a page survives unescaped.
  std::ifstream rf(dir / "out" / "report.html");
  std::string report((std::istreambuf_iterator<char>(rf)), {});
  ASSERT_GT(report.size(), 1000u);
  for (const char* bad : {"<script>alert", "<img src=x", "<svg onload", "onerror=alert(1)>"})
    EXPECT_EQ(report.find(bad), std::string::npos) << bad;
  EXPECT_NE(report.find("&lt;script&gt;alert("), std::string::npos) << "the anchor texts are shown, escaped";
  if (!HasFailure()) std::filesystem::remove_all(dir);
}

namespace {

// A DNS server on 127.0.0.1 that answers every query with a reply c-ares cannot read: the header
// promises an answer record that is cut off after its name.
class BrokenDns {
 public:
  BrokenDns() {
    fd_ = ::socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (::bind(fd_, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0) throw std::runtime_error("bind");
    socklen_t len = sizeof a;
    getsockname(fd_, reinterpret_cast<sockaddr*>(&a), &len);
    port_ = ntohs(a.sin_port);
    timeval tv{0, 100000};
    setsockopt(fd_, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    thread_ = std::thread([this] {
      while (!stop_) {
        unsigned char q[512];
        sockaddr_in from{};
        socklen_t fl = sizeof from;
        ssize_t n = ::recvfrom(fd_, q, sizeof q, 0, reinterpret_cast<sockaddr*>(&from), &fl);
        if (n < 12) continue;
        ++queries_;
        std::string r(reinterpret_cast<char*>(q), size_t(n));  // the question echoed
        r[2] = char(0x81), r[3] = char(0x80);                   // a response, no error
        r[6] = 0, r[7] = 1;                                      // one answer …
        r += std::string("\xc0\x0c\x00\x01", 4);                 // … that ends after its type
        ::sendto(fd_, r.data(), r.size(), 0, reinterpret_cast<sockaddr*>(&from), fl);
      }
    });
  }
  ~BrokenDns() {
    stop_ = true;
    thread_.join();
    ::close(fd_);
  }
  unsigned short port() const { return port_; }
  int queries() const { return queries_; }

 private:
  int fd_ = -1;
  unsigned short port_ = 0;
  std::atomic<bool> stop_{false};
  std::atomic<int> queries_{0};
  std::thread thread_;
};

}  // namespace

// A resolver answer that cannot be read fails the crawl of that host with a DNS error; the crawl of
// the other sites goes on and the run ends.
TEST(Hostile, AnUnreadableDnsAnswerEndsThatHostNotTheCrawl) {
  BrokenDns dns;
  govaudit::test::LoopbackServer site([](int c) {
    govaudit::test::LoopbackServer::read_head(c);
    std::string body = "<html><head><title>好站</title></head><body><p>正常的网站</p></body></html>";
    std::string r = "HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=utf-8\r\nConnection: close\r\nContent-Length: " +
                    std::to_string(body.size()) + "\r\n\r\n" + body;
    ::send(c, r.data(), r.size(), MSG_NOSIGNAL);
    ::close(c);
  });
  auto dir = std::filesystem::temp_directory_path() / ("govaudit-brokendns-" + std::to_string(getpid()));
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  std::string port = std::to_string(site.port());
  std::ofstream(dir / "sites.toml") << "[[site]]\nid = \"good\"\nname = \"好县\"\nhomepage = \"http://www.good.gov.cn.test:" << port
                                    << "/\"\n[[site]]\nid = \"broken\"\nname = \"坏县\"\nhomepage = \"http://www.broken.gov.cn.test:"
                                    << port << "/\"\n";
  std::ofstream(dir / "config.toml") << "[crawl]\nretries = 0\nrespect_robots = false\n[tls]\nhttps_port = 9\n"
                                        "[dns.static]\n\"www.good.gov.cn.test\" = [\"127.0.0.1\"]\n";
  auto run = govaudit::test::run_govaudit({"crawl", "--sites", (dir / "sites.toml").string(), "--config", (dir / "config.toml").string(),
                                           "--out", (dir / "out").string(), "--today", "2025-11-20", "--dns",
                                           "127.0.0.1:" + std::to_string(dns.port()), "--allow-net", "127.0.0.0/8,::1/128"},
                                          dir / "log.txt");
  ASSERT_EQ(run.code, 0) << run.err;
  EXPECT_GT(dns.queries(), 0);
  govaudit::Store store((dir / "out" / "govaudit.db").string());
  auto rows = store.site_summaries(store.latest_run(govaudit::RunKind::Crawl).value().id);
  ASSERT_EQ(rows.count("broken"), 1u);
  EXPECT_EQ(rows["broken"].status, "unreachable") << rows["broken"].error;
  EXPECT_NE(rows["broken"].error.find("DNS"), std::string::npos) << rows["broken"].error;
  std::cout << "[ dns      ] broken: " << rows["broken"].error << "\n";
  EXPECT_EQ(rows["good"].status, "done") << rows["good"].error;
  EXPECT_GE(rows["good"].pages, 1);
  std::filesystem::remove_all(dir);
}
