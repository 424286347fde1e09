// The whole pipeline against the in-process demo portals on real loopback sockets.
#include <gtest/gtest.h>

#include <filesystem>
#include <set>

#include "cli/demo_server.hpp"
#include "cli/demo_site.hpp"
#include "cli/pipeline.hpp"

using namespace govaudit;

TEST(DemoPipeline, FindsExactlyThePlantedProblems) {
  Date today(2025, 11, 20);
  Config cfg = load_config();
  DemoServer server;
  DemoPortal portal = make_demo_portal(cfg, today, server.port(), server.has_v6());
  server.set_routes(portal.routes, portal.any_hosts, portal.routes_v6);
  for (auto& [h, a] : portal.dns) cfg.dns.static_hosts[h] = a;
  cfg.allow_net = {"127.0.0.0/8", "::1/128"};
  cfg.crawl.https_port = 1;  // nothing listens there on loopback: the demo has no HTTPS
  cfg.crawl.retry_backoff_ms = 10;
  auto dir = std::filesystem::temp_directory_path() / ("govaudit_demo_" + std::to_string(::getpid()));
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  std::string db = (dir / "g.db").string();
  Store store(db);
  auto crawl = crawl_stage(store, db, cfg, portal.sites, today, "{}");
  EXPECT_EQ(crawl.unreachable, 1);
  auto audit = audit_stage(store, cfg, crawl.run, today);
  std::set<std::string> got, want(portal.planted.begin(), portal.planted.end());
  for (auto& f : store.findings(audit.run)) got.insert(f.site_id + " " + f.rule + " " + f.subject);
  EXPECT_EQ(got, want);
  // robots.txt was asked and the server saw the crawl.
  EXPECT_GT(server.requests(), 20u);
  auto files = report_stage(store, cfg, audit.run, dir);
  EXPECT_EQ(files.size(), 2u);
  EXPECT_GT(std::filesystem::file_size(dir / "report.html"), 1000u);
  std::filesystem::remove_all(dir);
}

TEST(DemoPipeline, SsrfGuardRefusesLoopbackWithoutAllowNet) {
  Date today(2025, 11, 20);
  Config cfg = load_config();
  DemoServer server;
  DemoPortal portal = make_demo_portal(cfg, today, server.port(), server.has_v6());
  server.set_routes(portal.routes, portal.any_hosts, portal.routes_v6);
  for (auto& [h, a] : portal.dns) cfg.dns.static_hosts[h] = {"127.0.0.1"};
  cfg.crawl.retries = 0;
  auto dir = std::filesystem::temp_directory_path() / ("govaudit_ssrf_" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  std::string db = (dir / "g.db").string();
  Store store(db);
  auto crawl = crawl_stage(store, db, cfg, portal.sites, today, "{}");
  EXPECT_EQ(crawl.unreachable, int(portal.sites.size()));
  EXPECT_EQ(server.requests(), 0u);  // nothing connected at all
  auto views = store.load_site_views(crawl.run);
  ASSERT_FALSE(views.empty());
  EXPECT_NE(views[0].error.find("loopback"), std::string::npos) << views[0].error;
  std::filesystem::remove_all(dir);
}

TEST(DemoPipeline, ANightlyRunReusesRecentAnswersOfOtherHosts) {
  Date today(2025, 11, 20);
  Config cfg = load_config();
  DemoServer server;
  DemoPortal portal = make_demo_portal(cfg, today, server.port(), server.has_v6());
  server.set_routes(portal.routes, portal.any_hosts, portal.routes_v6);
  for (auto& [h, a] : portal.dns) cfg.dns.static_hosts[h] = a;
  cfg.allow_net = {"127.0.0.0/8", "::1/128"};
  cfg.crawl.https_port = 1;
  cfg.crawl.retry_backoff_ms = 10;
  auto dir = std::filesystem::temp_directory_path() / ("govaudit_reuse_" + std::to_string(::getpid()));
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  std::string db = (dir / "g.db").string();
  Store store(db);
  auto first = crawl_stage(store, db, cfg, portal.sites, today, "{}");
  size_t after_first = server.requests();
  auto second = crawl_stage(store, db, cfg, portal.sites, today, "{}");
  size_t second_requests = server.requests() - after_first;
  int external = 0;
  for (auto& v : store.load_site_views(first.run))
    for (auto& p : v.pages) external += p.kind == "external" && p.status == 200;
  ASSERT_GT(external, 0);
  EXPECT_LE(second_requests + size_t(external), after_first);  // the national hosts were not asked again
  int reused = 0;
  for (auto& v : store.load_site_views(second.run))
    for (auto& p : v.pages) reused += p.kind == "external" && p.status == 200;
  EXPECT_EQ(reused, external);  // and are still recorded for every site that links them
  // With reuse off, they are asked again.
  cfg.crawl.reuse_external_hours = 0;
  size_t before_third = server.requests();
  crawl_stage(store, db, cfg, portal.sites, today, "{}");
  EXPECT_EQ(server.requests() - before_third, after_first);
  std::filesystem::remove_all(dir);
}
