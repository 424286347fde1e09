#include "rules/ipv6.hpp"

#include <gtest/gtest.h>

using namespace govaudit;

namespace {
const std::string kHome = "东至县人民政府\n首页 政务公开 互动交流\n东至县开展文化旅游融合发展专项督查 2025-09-30\n"
                          "东至县部署食品安全示范创建重点任务 2025-09-27\n主办单位：东至县人民政府办公室\n"
                          "http://www.x.gov.cn/xxgk/index.html\nhttp://www.x.gov.cn/hdjl/index.html\n";

SiteView site(bool aaaa, std::vector<ProbeRecord> probes) {
  SiteView v;
  v.site = Site{"x", "x", "http://www.x.gov.cn/", "county", {"www.x.gov.cn"}, "", ""};
  v.dns.push_back({"www.x.gov.cn", "A", {"192.0.2.1"}, "", 1});
  v.dns.push_back({"www.x.gov.cn", "AAAA", aaaa ? std::vector<std::string>{"2001:db8::1"} : std::vector<std::string>{}, "", 1});
  v.probes = std::move(probes);
  return v;
}
ProbeRecord home(int family, int status, const std::string& text, const std::string& error = "") {
  return {"x", "http://www.x.gov.cn/", family, ProbePurpose::Homepage, 0, status, error, 5, "", text, ""};
}
ProbeRecord link2(int status, const std::string& error = "") { return {"x", "http://a/", 6, ProbePurpose::Link2, 0, status, error, 5, "", "", ""}; }
std::set<std::string> rules(const SiteView& v) {
  Config cfg = load_config();
  std::set<std::string> out;
  for (auto& f : Ipv6Rule().check(v, RuleContext{Date(2025, 11, 20), &cfg})) out.insert(f.rule);
  return out;
}
}  // namespace

TEST(Ipv6, SimilarityIgnoresCountersButNotAPlaceholder) {
  EXPECT_GT(text_similarity(kHome + "访问量：12345", kHome + "访问量：99871"), 0.99);
  EXPECT_LT(text_similarity(kHome, "IPv6 改造测试页面\n本站正在进行IPv6改造，敬请期待。"), 0.2);
  EXPECT_DOUBLE_EQ(text_similarity("", ""), 1.0);
}

TEST(Ipv6, TheFourRulesAreIndependent) {
  std::vector<ProbeRecord> ok = {home(4, 200, kHome), home(6, 200, kHome), link2(200), link2(200)};
  EXPECT_TRUE(rules(site(true, ok)).empty());
  // No AAAA: the homepage host's own links fail over IPv6 too.
  EXPECT_EQ(rules(site(false, {home(4, 200, kHome), home(6, 0, "", "dns: no AAAA record"), link2(0, "dns: no AAAA"), link2(200)})),
            (std::set<std::string>{"ipv6.no_aaaa", "ipv6.link_support_low"}));
  EXPECT_EQ(rules(site(true, {home(4, 200, kHome), home(6, 0, "", "network: Empty reply from server"), link2(200)})),
            std::set<std::string>{"ipv6.unreachable"});
  EXPECT_EQ(rules(site(true, {home(4, 200, kHome), home(6, 200, "IPv6 改造测试"), link2(200)})),
            std::set<std::string>{"ipv6.content_mismatch"});
}

TEST(Ipv6, LinkShareAtTheLimitPasses) {
  std::vector<ProbeRecord> p = {home(4, 200, kHome), home(6, 200, kHome)};
  for (int i = 0; i < 9; ++i) p.push_back(link2(200));
  p.push_back(link2(0, "connect"));
  EXPECT_TRUE(rules(site(true, p)).empty());  // 90 % is not below 90 %
  p.push_back(link2(404, "HTTP 404"));
  EXPECT_EQ(rules(site(true, p)), std::set<std::string>{"ipv6.link_support_low"});
  auto m = measure_ipv6(site(true, p));
  EXPECT_EQ(m.link2_total, 11);
  EXPECT_EQ(m.link2_ok, 9);
  EXPECT_EQ(m.home_v6_ok, 1);
}
