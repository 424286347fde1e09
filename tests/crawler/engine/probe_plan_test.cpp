// The probe planner on its own (no loop, no network): what a site's homepage and pages call for.
#include "crawler/engine/probe_plan.hpp"

#include <gtest/gtest.h>

using namespace govaudit;
using namespace govaudit::engine;

namespace {

struct Rig {
  Site site{"x", "某县", "http://www.x.gov.cn/", "county", {"www.x.gov.cn"}, "", ""};
  CrawlSettings crawl;
  SiteState s;
  Rig() {
    s.site = &site;
    crawl.ipv6_homepage_attempts = 3;
    crawl.ipv6_third_level_max = 2;
    crawl.https_port = 443;
  }
};

extract::Page homepage() {
  extract::Page p;
  p.links = {{"/col/1/index.html", "a", "政务公开"}, {"/col/1/index.html", "a", "again"}, {"#top", "a", ""},
             {"/logo.png", "img", ""}, {"http://www.gov.cn/", "area", ""}};
  p.items = {{"/art/1.html", "关于印发某县二〇二五年政务公开工作要点的通知", Date(2025, 11, 3)},
             {"/art/2.html", "某县人民政府关于调整部分行政事务的通告", Date(2025, 11, 10)},
             {"/art/3.html", "短标题", Date(2025, 11, 19)},
             {"/art/4.html", "某县召开全县安全生产工作会议部署冬季工作", Date(2025, 10, 1)}};
  p.search_forms = {{"/search", false, false, "q", {{"siteid", "1"}}}};
  return p;
}

std::vector<ProbePurpose> purposes(const ProbePlan& p) {
  std::vector<ProbePurpose> out;
  for (auto& t : p.tasks) out.push_back(t.purpose);
  return out;
}

}  // namespace

TEST(ProbePlan, AHomepageCallsForEveryMeasurementOnce) {
  Rig r;
  ProbePlanner planner(r.crawl);
  Task home = make_task(0, "http://www.x.gov.cn/", 0, Mode::Home, false);
  auto plan = planner.homepage(r.s, home, homepage(), home.url, true);
  using P = ProbePurpose;
  EXPECT_EQ(purposes(plan), (std::vector<P>{P::Homepage, P::Homepage, P::Homepage, P::Homepage, P::Link2, P::Link2, P::Https,
                                            P::HttpsCert, P::Search, P::Search}));
  EXPECT_EQ(plan.tasks[0].family, 4);
  EXPECT_EQ(plan.tasks[1].family, 6);
  EXPECT_EQ(plan.tasks[4].url, "http://www.x.gov.cn/col/1/index.html");  // each target once, no fragment, no image
  EXPECT_TRUE(plan.tasks[4].head);
  EXPECT_EQ(plan.tasks[5].url, "http://www.gov.cn/");
  EXPECT_EQ(plan.tasks[6].url, "https://www.x.gov.cn/");
  EXPECT_EQ(plan.delegation, "www.x.gov.cn");
  // The search asks for the two newest titles long enough to find, cut at 20 characters.
  EXPECT_NE(plan.tasks[8].url.find("siteid=1&q="), std::string::npos) << plan.tasks[8].url;
  ASSERT_EQ(r.s.searches.size(), 2u);
  EXPECT_EQ(r.s.searches[plan.tasks[8].url], "某县人民政府关于调整部分行政事务的通告");
  EXPECT_EQ(r.s.searches[plan.tasks[9].url], "关于印发某县二〇二五年政务公开工作要点的");  // 20 characters
  for (size_t i = 0; i < plan.tasks.size(); ++i) EXPECT_EQ(plan.tasks[i].attempt, int(i));  // numbered in order
  EXPECT_TRUE(planner.homepage(r.s, home, homepage(), home.url, true).tasks.empty());  // once per site
}

TEST(ProbePlan, ASearchOnlyAPersonCanTryIsRecordedNotFetched) {
  Rig r;
  r.site.homepage = "https://www.x.gov.cn/";
  ProbePlanner planner(r.crawl);
  auto page = homepage();
  page.search_forms[0].post = true;
  Task home = make_task(0, r.site.homepage, 0, Mode::Home, false);
  auto plan = planner.homepage(r.s, home, page, home.url, false);  // a delta: no link measurements
  using P = ProbePurpose;
  EXPECT_EQ(purposes(plan), (std::vector<P>{P::Homepage, P::Homepage, P::Homepage, P::Homepage, P::Https, P::HttpsCert, P::HttpRedirect}));
  ASSERT_EQ(plan.records.size(), 1u);
  EXPECT_EQ(plan.records[0].error, "manual: the search form is sent by POST");
  EXPECT_EQ(plan.records[0].url, "https://www.x.gov.cn/search");
}

TEST(ProbePlan, ThirdLevelLinksAreMeasuredUpToTheirLimit) {
  Rig r;
  ProbePlanner planner(r.crawl);
  planner.numbered(41);  // a resumed crawl's last probe
  extract::Page page;
  page.links = {{"/a.html", "a", ""}, {"/b.html", "a", ""}, {"/c.html", "a", ""}};
  ProbePlan plan;
  planner.links(plan, r.s, page, "http://www.x.gov.cn/col/1/", ProbePurpose::Link3);
  ASSERT_EQ(plan.tasks.size(), 2u);
  EXPECT_EQ(plan.tasks[0].url, "http://www.x.gov.cn/a.html");
  EXPECT_EQ(plan.tasks[0].attempt, 42);
  ASSERT_EQ(plan.limits.size(), 1u);
  EXPECT_EQ(plan.limits[0], "IPv6 third-level links measured (2)");
  ProbePlan again;
  planner.links(again, r.s, page, "http://www.x.gov.cn/col/1/", ProbePurpose::Link3);
  EXPECT_TRUE(again.tasks.empty());
}
