// The whole pipeline against the in-process demo portals on real loopback sockets.
#include <gtest/gtest.h>

#include <filesystem>
#include <set>

#include "cli/demo_server.hpp"
#include "cli/demo_site.hpp"
#include "cli/pipeline.hpp"

using namespace govaudit;

namespace {

// The demo portals served on loopback, a configuration pointed at them, and a fresh database.
struct DemoEnv {
  Date today{2025, 11, 20};
  Config cfg = load_config();
  DemoServer server;
  DemoPortal portal;
  std::filesystem::path dir;
  std::string db;

  explicit DemoEnv(const char* name, bool configure = true) {
    portal = make_demo_portal(cfg, today, server.port(), server.has_v6());
    server.set_routes(portal.routes, portal.any_hosts, portal.routes_v6);
    if (configure) configure_for_demo(cfg, portal);
    dir = std::filesystem::temp_directory_path() / (std::string("govaudit_") + name + "_" + std::to_string(::getpid()));
    std::filesystem::remove_all(dir);
    std::filesystem::create_directories(dir);
    db = (dir / "g.db").string();
  }
  ~DemoEnv() {
    std::error_code ec;
    std::filesystem::remove_all(dir, ec);
  }
};

}  // namespace

TEST(DemoPipeline, FindsExactlyThePlantedProblems) {
  DemoEnv env("demo");
  auto& [today, cfg, server, portal, dir, db] = env;
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
}

TEST(DemoPipeline, SsrfGuardRefusesLoopbackWithoutAllowNet) {
  DemoEnv env("ssrf", false);
  auto& [today, cfg, server, portal, dir, db] = env;
  for (auto& [h, a] : portal.dns) cfg.dns.static_hosts[h] = {"127.0.0.1"};
  cfg.crawl.retries = 0;
  Store store(db);
  auto crawl = crawl_stage(store, db, cfg, portal.sites, today, "{}");
  EXPECT_EQ(crawl.unreachable, int(portal.sites.size()));
  EXPECT_EQ(server.requests(), 0u);  // nothing connected at all
  auto views = store.load_site_views(crawl.run);
  ASSERT_FALSE(views.empty());
  EXPECT_NE(views[0].error.find("loopback"), std::string::npos) << views[0].error;
}

TEST(DemoPipeline, ANightlyRunReusesRecentAnswersOfOtherHosts) {
  DemoEnv env("reuse");
  auto& [today, cfg, server, portal, dir, db] = env;
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
}
