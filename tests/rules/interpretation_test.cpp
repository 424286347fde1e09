#include "rules/interpretation.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "tests/test_helpers.hpp"

using namespace govaudit;

namespace {

const std::string H = "http://www.x.gov.cn/";

struct Fixture {
  SiteView v;
  Fixture() {
    v.site = govaudit::Site{"x", "某县", H, "county", {"www.x.gov.cn"}, "", ""};
    v.status = "done";
    add_page(H, "home", "");
    column("政府文件", "zfwj/");
    column("政策解读", "zcjd/");
  }
  PageRecord& add_page(const std::string& u, const std::string& kind, const std::string& title) {
    v.pages.push_back(test::page(u, kind, title));
    return v.pages.back();
  }
  void column(const std::string& name, const std::string& dir) {
    v.links.push_back({"x", H, H + dir, "a", name});
    add_page(H + dir, "list", name);
  }
  void doc(const std::string& u, const std::string& title, Date d) {
    v.items.push_back({"x", H + "zfwj/", u, title, d});
    add_page(u, "article", title);
  }
  void interp(const std::string& u, const std::string& title, Date d) {
    v.items.push_back({"x", H + "zcjd/", u, title, d});
    add_page(u, "article", title);
  }
  void link(const std::string& from, const std::string& to) { v.links.push_back({"x", from, to, "a", ""}); }
};

std::vector<std::string> run(const SiteView& v) {
  Config cfg = load_config();
  std::vector<std::string> out;
  for (auto& f : InterpretationRule().check(v, RuleContext{Date(2025, 11, 20), &cfg}))
    out.push_back(f.rule.substr(15) + " " + f.subject);
  std::sort(out.begin(), out.end());
  return out;
}

}  // namespace

TEST(Interpretation, PolicyKeysUnwrapTheQuotedName) {
  auto d = policy_keys("绩溪县人民政府关于印发《绩溪县集体经营性建设用地入市实施方案》的通知");
  ASSERT_FALSE(d.empty());
  for (const char* t : {"《关于印发绩溪县集体经营性建设用地入市实施方案的通知》政策解读", "图解《绩溪县集体经营性建设用地入市实施方案》",
                        "一图读懂《绩溪县集体经营性建设用地入市实施方案》"}) {
    auto k = policy_keys(t);
    bool shared = false;
    for (auto& x : k) shared |= std::find(d.begin(), d.end(), x) != d.end();
    EXPECT_TRUE(shared) << t;
  }
  // A similar name is a different policy: 工作方案 is not 实施方案.
  auto other = policy_keys("图解《绩溪县集体经营性建设用地入市工作方案》");
  ASSERT_FALSE(other.empty());  // else the loop below would check nothing
  for (auto& x : other) EXPECT_EQ(std::find(d.begin(), d.end(), x), d.end());
  EXPECT_TRUE(looks_like_interpretation("一图读懂《某某办法》"));
  EXPECT_FALSE(looks_like_interpretation("关于印发《某某办法》的通知"));
}

TEST(Interpretation, LinkedBothWaysOnTimeIsClean) {
  Fixture s;
  s.doc(H + "zfwj/1.html", "某县人民政府关于印发《某县河长制实施方案》的通知", Date(2024, 8, 22));
  s.interp(H + "zcjd/1.html", "《某县河长制实施方案》政策解读", Date(2024, 8, 27));  // Thu → Tue: 3 working days
  s.link(H + "zfwj/1.html", H + "zcjd/1.html");
  s.link(H + "zcjd/1.html", H + "zfwj/1.html");
  EXPECT_TRUE(run(s.v).empty());
}

TEST(Interpretation, LateOnlyBecauseOfAMakeupWorkingDay) {
  Fixture s;
  s.doc(H + "zfwj/1.html", "某县人民政府关于印发《某县林长制管理办法》的通知", Date(2025, 2, 5));
  s.interp(H + "zcjd/1.html", "图解《某县林长制管理办法》", Date(2025, 2, 10));
  s.link(H + "zfwj/1.html", H + "zcjd/1.html");
  s.link(H + "zcjd/1.html", H + "zfwj/1.html");
  EXPECT_EQ(run(s.v), std::vector<std::string>{"late " + H + "zfwj/1.html"});
}

TEST(Interpretation, SpanOverNationalDayIsOnTime) {
  Fixture s;
  s.doc(H + "zfwj/1.html", "某县人民政府关于印发《某县养老服务办法》的通知", Date(2025, 9, 30));
  s.interp(H + "zcjd/1.html", "《某县养老服务办法》政策解读", Date(2025, 10, 10));  // 10-09, 10-10: 2 working days
  s.link(H + "zfwj/1.html", H + "zcjd/1.html");
  s.link(H + "zcjd/1.html", H + "zfwj/1.html");
  EXPECT_TRUE(run(s.v).empty());
}

TEST(Interpretation, UnlinkedAndMissing) {
  Fixture s;
  s.doc(H + "zfwj/1.html", "某县人民政府关于印发《某县甲类项目管理方案》的通知", Date(2025, 3, 3));
  s.interp(H + "zcjd/1.html", "《某县甲类项目管理方案》政策解读", Date(2025, 3, 3));  // paired by title only
  s.doc(H + "zfwj/2.html", "某县人民政府关于印发《某县乙类资金管理办法》的通知", Date(2025, 3, 3));
  s.interp(H + "zcjd/2.html", "关于《某县乙类资金管理办法》的解读", Date(2025, 3, 4));
  s.link(H + "zcjd/2.html", H + "zfwj/2.html");  // back link only
  s.doc(H + "zfwj/3.html", "某县人民政府关于印发《某县丙类补贴实施细则》的通知", Date(2025, 3, 3));
  EXPECT_EQ(run(s.v), (std::vector<std::string>{"missing " + H + "zfwj/3.html", "unlinked " + H + "zfwj/1.html",
                                                 "unlinked " + H + "zfwj/2.html"}));
}

TEST(Interpretation, RealPageWithScriptLoadedRelationsIsNotReportedMissing) {
  std::filesystem::path f = GOVAUDIT_SHARED_DIR "/real-pages/pingtan/hzgfxwj_t20170928_79993.excerpt.html";
  if (!std::filesystem::exists(f)) GOVAUDIT_NEED_SHARED("real-pages");
  Fixture s;
  std::string u = H + "zfwj/t20170928_79993.htm";
  s.doc(u, "平潭综合实验区管委会关于印发《平潭综合实验区集群注册登记管理实施办法》的通知", Date(2017, 9, 28));
  s.v.pages.back() = test::page_from_file(f, u);
  auto out = run(s.v);
  EXPECT_EQ(out, std::vector<std::string>{"manual_check " + u});
  // The page's 发布日期, not its 成文日期, is its date.
  EXPECT_EQ(s.v.pages.back().published->iso(), "2017-09-28");
}
