#include "rules/footer.hpp"

#include <gtest/gtest.h>

using namespace govaudit;

namespace {

SiteView site_with(const std::string& text, std::vector<LinkRecord> links = {}) {
  SiteView v;
  v.site = Site{"x", "某县人民政府", "http://www.x.gov.cn.test:18080/", "county", {"www.x.gov.cn.test"}, "", ""};
  v.status = "done";
  PageRecord home;
  home.site_id = "x";
  home.url = home.final_url = v.site.homepage;
  home.status = 200;
  home.kind = PageKind::Home;
  home.text = text;
  v.pages.push_back(home);
  for (auto& l : links) l.from_url = home.url;
  v.links = std::move(links);
  return v;
}

std::vector<std::string> rules_fired(const SiteView& v) {
  Config cfg = load_config();
  RuleContext ctx{Date(2025, 11, 20), &cfg};
  std::vector<std::string> out;
  for (auto& id : cfg.identifiers)
    for (auto& f : FooterRule(id).check(v, ctx)) {
      EXPECT_EQ(f.subject, "www.x.gov.cn.test");
      out.push_back(f.rule);
    }
  return out;
}

bool fired(const std::vector<std::string>& v, const std::string& r) { return std::find(v.begin(), v.end(), r) != v.end(); }

}  // namespace

TEST(FooterRule, RecognisesTheTextForms) {
  auto v = site_with("主办单位：某县人民政府办公室\n网站标识码：3418250001　皖ICP备05012345号-1　皖公网安备 34182502000123号\n"
                     "党政机关网站标识 我为政府网站找错\n");
  auto f = rules_fired(v);
  for (const char* r : {"footer.missing_site_id", "footer.missing_icp", "footer.missing_psb", "footer.missing_conac", "footer.missing_jiucuo"})
    EXPECT_FALSE(fired(f, r)) << r;
}

TEST(FooterRule, ReportsEachMissingIdentifier) {
  auto f = rules_fired(site_with("主办单位：某县人民政府办公室 联系电话：0556-5000000\n"));
  for (const char* r : {"footer.missing_site_id", "footer.missing_icp", "footer.missing_psb", "footer.missing_conac", "footer.missing_jiucuo"})
    EXPECT_TRUE(fired(f, r)) << r;
}

TEST(FooterRule, LinksAndScriptsToTheAuthoritiesCount) {
  // Real portals load the 开办者标识 and 找错 badges by script from conac.cn / zfwzzc.www.gov.cn.
  auto v = site_with("网站标识码：3418250001 京ICP备05070602号 京公网安备11010502030143号",
                     {{"x", "", "https://dcs.conac.cn/js/13/000/0000/60429971/CA1300.js", "script", ""},
                      {"x", "", "https://zfwzzc.www.gov.cn.test/check_web/js/jiucuo.js", "script", ""}});
  EXPECT_TRUE(rules_fired(v).empty());
}

TEST(FooterRule, NearMissesDoNotCount) {
  // An ICP label without a number, a SiteIDCode only in <meta>, a link to the wrong host.
  auto v = site_with("ICP备案 网站地图 公安备案", {{"x", "", "http://www.myconac.cn/", "a", "开办者"}});
  v.pages[0].meta.set("SiteIDCode", "3418250001");
  auto f = rules_fired(v);
  EXPECT_TRUE(fired(f, "footer.missing_icp"));
  EXPECT_TRUE(fired(f, "footer.missing_psb"));
  EXPECT_TRUE(fired(f, "footer.missing_site_id"));
  EXPECT_TRUE(fired(f, "footer.missing_conac"));
}

TEST(FooterRule, BadPatternIsAConfigError) {
  IdentifierSpec s{"x", "footer.x", "x", {"(unclosed"}, {}, {}, {}};
  EXPECT_THROW(FooterRule r(s), ConfigError);
}

TEST(FooterRule, TheFormsRealFootersUse) {
  // Numbers broken by a line break (a tag between label and number), an ASCII colon after 公网安备,
  // the national platform's jiucuo.js and the conac badge script, an image that names itself only
  // by aria-label: each is the identifier shown.
  auto v = site_with("政府网站标识码：5001150001\n赣ICP备\n06000141号\n渝公网安备:50011502000190号\n",
                     {{"x", "", "https://zfwzgl.www.gov.cn/exposure/jiucuo.js", "script", ""},
                      {"x", "", "https://dcs.conac.cn/js/33/000/0000/60429971/CA330000000604299710003.js", "script", ""}});
  EXPECT_TRUE(rules_fired(v).empty());
  // The 公安备案 badge as a link only, and 找错 as an image link to the exposure page.
  auto w = site_with("网站标识码：3609000002 赣ICP备06000141号 党政机关网站标识",
                     {{"x", "", "http://www.beian.gov.cn/portal/registerSystemInfo?recordcode=36090202000004", "a", ""},
                      {"x", "", "https://zfwzgl.www.gov.cn/exposure/jiucuo.html?site_code=3609000002", "a", ""}});
  EXPECT_TRUE(rules_fired(w).empty());
  // A SiteIDCode meta alone is not the 网站标识码 shown in the footer.
  auto m = site_with("赣ICP备06000141号 赣公网安备 36090202000004号 党政机关网站标识 我为政府网站找错");
  m.pages[0].meta.set("SiteIDCode", "3609000002");
  EXPECT_EQ(rules_fired(m), std::vector<std::string>{"footer.missing_site_id"});
}
