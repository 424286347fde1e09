#include "config/config.hpp"

#include <gtest/gtest.h>

#include <algorithm>

using namespace govaudit;

TEST(Config, DefaultsCarryCatalogThresholdsAndIdentifiers) {
  Config c = load_config();
  EXPECT_EQ(c.catalog.size(), 18u);
  EXPECT_EQ(std::count_if(c.catalog.begin(), c.catalog.end(), [](auto& col) { return !col.required; }), 1);  // 办事统计数据
  EXPECT_EQ(c.thresholds.homepage_update_days, 14);
  EXPECT_DOUBLE_EQ(c.thresholds.meta_missing_max_share, 0.10);
  EXPECT_EQ(c.meta_required.size(), 6u);
  EXPECT_EQ(c.identifiers.size(), 5u);
  EXPECT_NE(c.crawl.user_agent.find("govaudit/"), std::string::npos);
  EXPECT_EQ(c.crawl.user_agent.find("{version}"), std::string::npos);
  EXPECT_EQ(c.rule_text("footer.missing_icp").category, "网站标识");
}

TEST(Config, UserFileOverridesDefaults) {
  Config c = load_config();
  apply_config_text(c, "[thresholds]\nmeta_missing_max_share = 0.25\n[crawl]\nmax_depth = 3\n", "user.toml");
  EXPECT_DOUBLE_EQ(c.thresholds.meta_missing_max_share, 0.25);
  EXPECT_EQ(c.crawl.max_depth, 3);
  EXPECT_EQ(c.thresholds.homepage_update_days, 14);
}

TEST(Config, UnknownKeyNamesFileLineColumnAndKey) {
  Config c = load_config();
  try {
    apply_config_text(c, "[crawl]\nmax_depht = 3\n", "user.toml");
    FAIL() << "expected ConfigError";
  } catch (const ConfigError& e) {
    EXPECT_STREQ(e.what(), "user.toml:2:1: crawl.max_depht: unknown key");
  }
}

TEST(Config, WrongTypeNamesTheKey) {
  Config c = load_config();
  try {
    apply_config_text(c, "[crawl]\nretries = \"three\"\n", "u.toml");
    FAIL();
  } catch (const ConfigError& e) {
    EXPECT_NE(std::string(e.what()).find("u.toml:2:11: crawl.retries: expected an integer"), std::string::npos) << e.what();
  }
}

TEST(Config, SyntaxErrorNamesLine) {
  Config c = load_config();
  try {
    apply_config_text(c, "[crawl\nretries = 1\n", "bad.toml");
    FAIL();
  } catch (const ConfigError& e) {
    EXPECT_EQ(std::string(e.what()).rfind("bad.toml:1:", 0), 0u) << e.what();
  }
}

TEST(Config, CatalogReplacedByUserColumns) {
  Config c = load_config();
  apply_config_text(c, "[[column]]\nname = \"工作动态\"\nupdate_limit_days = 7\n", "p.toml");
  ASSERT_EQ(c.catalog.size(), 1u);
  EXPECT_EQ(c.catalog[0].update_limit_days, 7);
  EXPECT_THROW(apply_config_text(c, "[[column]]\nname = \"a\"\n[[column]]\nname = \"a\"\n", "d.toml"), ConfigError);
}

TEST(Config, OutOfRangeValueRejected) {
  Config c = load_config();
  EXPECT_THROW(apply_config_text(c, "[thresholds]\nmeta_missing_max_share = 1.5\n", "r.toml"), ConfigError);
}

TEST(Config, PerHostSettingsAndRemap) {
  Config c = load_config();
  apply_config_text(c,
                    "[crawl.host.\"www.a.gov.cn\"]\nheaders = [\"X-Token: 1\"]\ncookies = \"s=2\"\nconnections = 2\ndelay_ms = 250\n"
                    "[crawl.remap]\n\"http://www.a.gov.cn/\" = \"http://10.0.0.5:8080/\"\n",
                    "h.toml");
  ASSERT_EQ(c.crawl.hosts.count("www.a.gov.cn"), 1u);
  auto& h = c.crawl.hosts.at("www.a.gov.cn");
  EXPECT_EQ(h.headers, std::vector<std::string>{"X-Token: 1"});
  EXPECT_EQ(h.cookies, "s=2");
  EXPECT_EQ(h.connections, 2);
  EXPECT_EQ(h.delay_ms, 250);
  ASSERT_EQ(c.crawl.remap.size(), 1u);
  EXPECT_EQ(c.crawl.remap[0].second, "http://10.0.0.5:8080/");
  auto error = [&](const std::string& text) {
    try {
      apply_config_text(c, text, "bad.toml");
    } catch (const ConfigError& e) {
      return std::string(e.what());
    }
    return std::string("no error");
  };
  EXPECT_NE(error("[crawl.host.\"x\"]\nheaders = [\"no colon\"]\n").find("crawl.host.x.headers"), std::string::npos);
  EXPECT_NE(error("[crawl.host.\"x\"]\nconection = 2\n").find("crawl.host.x.conection: unknown key"), std::string::npos);
  EXPECT_NE(error("[crawl.remap]\n\"www.a.gov.cn\" = \"http://b/\"\n").find("crawl.remap"), std::string::npos);
}

TEST(Config, BadDateNamesFileLineAndKey) {
  for (const char* bad : {"13-45", "02-30", "3/31", ""}) {
    Config c = load_config();
    try {
      apply_config_text(c, std::string("[thresholds]\nannual_report_due_government = \"") + bad + "\"\n", "d.toml");
      ADD_FAILURE() << bad << " was accepted";
    } catch (const ConfigError& e) {
      EXPECT_EQ(std::string(e.what()).rfind("d.toml:2:32: thresholds.annual_report_due_government:", 0), 0u) << e.what();
    }
  }
}
