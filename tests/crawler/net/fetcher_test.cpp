// What the fetcher makes of libcurl's multi-interface return codes.
#include "crawler/net/fetcher.hpp"
#include "crawler/net/netguard.hpp"

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

#include <boost/asio/io_context.hpp>

#include <algorithm>

using namespace govaudit;

TEST(Fetcher, MultiErrorsNameTheCallAndTheCause) {
  EXPECT_FALSE(multi_error(CURLM_OK, "curl_multi_socket_action"));
  auto e = multi_error(CURLM_OUT_OF_MEMORY, "curl_multi_socket_action");
  ASSERT_TRUE(e);
  EXPECT_NE(e->find("curl_multi_socket_action"), std::string::npos) << *e;
  EXPECT_NE(e->find(curl_multi_strerror(CURLM_OUT_OF_MEMORY)), std::string::npos) << *e;
  EXPECT_TRUE(multi_error(CURLM_BAD_EASY_HANDLE, "curl_multi_add_handle"));
}

// The connection budget raises the open-file limit and never promises more sockets than it allows.
TEST(Fetcher, ConnectionBudgetFollowsTheOpenFileLimit) {
  rlimit before{};
  ASSERT_EQ(getrlimit(RLIMIT_NOFILE, &before), 0);
  rlimit low = before;
  low.rlim_cur = std::min<rlim_t>(before.rlim_max, 512);
  ASSERT_EQ(setrlimit(RLIMIT_NOFILE, &low), 0);

  auto a = connection_budget(0);
  rlimit now{};
  ASSERT_EQ(getrlimit(RLIMIT_NOFILE, &now), 0);
  EXPECT_EQ(now.rlim_cur, before.rlim_max);  // raised to the hard limit
  EXPECT_TRUE(a.automatic);
  EXPECT_GT(a.limit, 0);
  EXPECT_LE(a.limit, kAutoConnectionsMax);
  EXPECT_LT(a.limit, a.open_files);

  auto b = connection_budget(10);
  EXPECT_FALSE(b.automatic);
  EXPECT_EQ(b.limit, 10);
  EXPECT_FALSE(b.cut);

  auto c = connection_budget(65536);
  EXPECT_LT(c.limit, c.open_files);
  EXPECT_EQ(c.cut, c.open_files - 256 < 65536);

  // Automatic: by the cores, within the open files and the ceiling.
  if (a.open_files - 256 >= kAutoConnectionsMax) {
    EXPECT_EQ(connection_budget(0, 1).limit, kAutoConnectionsPerCore);
    EXPECT_EQ(connection_budget(0, 2).limit, 2 * kAutoConnectionsPerCore);
    EXPECT_EQ(connection_budget(0, 64).limit, kAutoConnectionsMax);
  }
  setrlimit(RLIMIT_NOFILE, &before);
}

// A port nothing listens on answers at once that nothing does: the fetcher tells that apart from a
// connect that failed otherwise, for the retry policy (another host's link refused is not asked again).
TEST(Fetcher, ARefusedConnectionIsToldApart) {
  int s = ::socket(AF_INET, SOCK_STREAM, 0);
  ASSERT_GE(s, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof a;
  ASSERT_EQ(::bind(s, reinterpret_cast<sockaddr*>(&a), sizeof a), 0);
  ASSERT_EQ(::getsockname(s, reinterpret_cast<sockaddr*>(&a), &len), 0);
  ::close(s);  // bound, never listened: the port is free and closed
  boost::asio::io_context io;
  CrawlSettings settings;
  NetGuard guard({"127.0.0.0/8"});
  Fetcher fetcher(io, settings, guard);
  FetchResult got;
  FetchRequest req;
  req.url = "http://127.0.0.1:" + std::to_string(ntohs(a.sin_port)) + "/";
  fetcher.fetch(req, [&](FetchResult r) { got = std::move(r); });
  io.run();
  EXPECT_EQ(got.error_kind, ErrorKind::Connect) << got.error;
  EXPECT_TRUE(got.connection_refused) << got.error;
}
