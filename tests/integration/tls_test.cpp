// HTTPS checks against real nginx on loopback with certificates made at test time by openssl:
// valid, expiring in 10 days, wrong name, expired, self-signed; HTTP→HTTPS redirect or not.
#include <gtest/gtest.h>

#include "tests/test_helpers.hpp"

#include <signal.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>

#include "cli/pipeline.hpp"

using namespace govaudit;
namespace fs = std::filesystem;

using govaudit::test::sh;

TEST(Tls, CertificateProblemsAndRedirects) {
  if (sh("command -v nginx >/dev/null && command -v openssl >/dev/null") != 0)
    GOVAUDIT_NEED_TOOL("nginx or openssl missing: run scripts/install-deps");
  fs::path dir = fs::temp_directory_path() / ("govaudit_tls_" + std::to_string(::getpid()));
  fs::remove_all(dir);
  // Below the kernel's ephemeral range (32768-60999): a port taken from the pid up to 39999 was once
  // held by another test's outgoing connection, and nginx could not bind it.
  int http = 20000 + ::getpid() % 12000, https = http + 1;
  ASSERT_EQ(sh(std::string(GOVAUDIT_SOURCE_DIR "/tests/integration/make_tls_fixture.sh ") + dir.string() + " " +
               std::to_string(http) + " " + std::to_string(https)),
            0);
  ASSERT_EQ(sh("nginx -p " + dir.string() + " -c " + (dir / "nginx.conf").string() + " 2>" + (dir / "start.log").string()), 0);
  Config cfg = load_config();
  std::vector<Site> sites;
  for (std::string s : {"valid", "soon", "wrongname", "expired", "selfsigned"}) {
    std::string host = "www." + s + ".gov.cn.test";
    cfg.dns.static_hosts[host] = {"127.0.0.1"};
    sites.push_back({s, s, "http://" + host + ":" + std::to_string(http) + "/", "county", {host}, "", ""});
  }
  cfg.allow_net = {"127.0.0.0/8"};
  cfg.crawl.ca_file = (dir / "ca.crt").string();
  cfg.crawl.https_port = https;
  cfg.crawl.retries = 0;
  std::string db = (dir / "g.db").string();
  Store store(db);
  Date today = Date::today_china();
  auto crawl = crawl_stage(store, db, cfg, sites, today, "{}");
  auto audit = audit_stage(store, cfg, crawl.run, today);
  std::map<std::string, std::set<std::string>> got;
  for (auto& f : store.findings(audit.run))
    if (f.rule.rfind("https.", 0) == 0) got[f.site_id].insert(f.rule);
  std::ifstream pid(dir / "nginx.pid");
  int p = 0;
  pid >> p;
  if (p > 0) {
    ::kill(p, SIGTERM);
    for (int i = 0; i < 100 && ::kill(p, 0) == 0; ++i) ::usleep(20000);  // nginx removes its pid file on exit
  }
  EXPECT_EQ(got["valid"], std::set<std::string>{});  // trusted, matching, redirected to
  EXPECT_EQ(got["soon"], (std::set<std::string>{"https.cert_expiring", "https.no_redirect"}));
  EXPECT_EQ(got["wrongname"], std::set<std::string>{"https.cert_invalid"});
  EXPECT_EQ(got["expired"], std::set<std::string>{"https.cert_invalid"});
  EXPECT_EQ(got["selfsigned"], std::set<std::string>{"https.cert_invalid"});
  // The valid site was crawled over HTTPS after the redirect.
  auto views = store.load_site_views(crawl.run);
  ASSERT_NE(views[0].homepage(), nullptr);
  EXPECT_EQ(views[0].homepage()->final_url.rfind("https://www.valid.gov.cn.test:", 0), 0u);
  std::error_code ec;
  fs::remove_all(dir, ec);
}
