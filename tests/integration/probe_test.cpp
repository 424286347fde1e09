// `govaudit probe` rounds against a server that fails a known share of requests: the stored
// availability equals that share, and the report's verdict applies the veto.
#include <gtest/gtest.h>

#include <filesystem>

#include "cli/demo_server.hpp"
#include "crawler/availability.hpp"
#include "reports/scoring.hpp"
#include "storage/store.hpp"

using namespace govaudit;

TEST(Probe, StoredAvailabilityEqualsTheServersFailureShare) {
  DemoServer server;
  DemoRoutes routes;
  routes["www.flaky.gov.cn.test"]["/"] = {200, "text/html", "<html><body>首页</body></html>", "", 5};  // every 5th fails
  server.set_routes(routes, {});
  Config cfg = load_config();
  cfg.dns.static_hosts["www.flaky.gov.cn.test"] = {"127.0.0.1"};
  NetGuard guard({"127.0.0.0/8"});
  std::vector<Site> sites{{"flaky", "不稳定县", "http://www.flaky.gov.cn.test:" + std::to_string(server.port()) + "/",
                           "county", {"www.flaky.gov.cn.test"}, "", ""}};
  auto dir = std::filesystem::temp_directory_path() / ("govaudit_probe_" + std::to_string(::getpid()));
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  Store store((dir / "g.db").string());
  for (int round = 0; round < 40; ++round) store.add_availability(probe_homepages(cfg, guard, sites, 15000));
  auto [total, failed] = store.availability("flaky", "2000-01-01T00:00:00Z", "2100-01-01T00:00:00Z");
  EXPECT_EQ(total, 40);
  EXPECT_EQ(failed, 8);  // 20 %
  Verdict v = judge_site({}, cfg, total, failed);
  EXPECT_FALSE(v.pass);
  ASSERT_EQ(v.vetoes.size(), 1u);
  EXPECT_NE(v.vetoes[0].find("20.0%"), std::string::npos) << v.vetoes[0];
  Verdict few = judge_site({}, cfg, 10, 2);  // too few probes to judge
  EXPECT_TRUE(few.pass);
  std::filesystem::remove_all(dir);
}

TEST(Probe, AVisitThatCannotConnectFails) {
  Config cfg = load_config();
  cfg.dns.static_hosts["www.nowhere.gov.cn.test"] = {"127.0.0.1"};
  NetGuard guard({"127.0.0.0/8"});
  // Port 9 (discard) on loopback: nothing listens, the connect is refused at once.
  std::vector<Site> sites{{"nowhere", "无", "http://www.nowhere.gov.cn.test:9/", "county", {"www.nowhere.gov.cn.test"}, "", ""}};
  auto r = probe_homepages(cfg, guard, sites, 2000);
  ASSERT_EQ(r.size(), 1u);
  EXPECT_FALSE(r[0].ok);
  EXPECT_NE(r[0].error.find("connect"), std::string::npos) << r[0].error;
}
