// 互动交流 and the services rules on hand-built site views.
#include "rules/interaction.hpp"

#include <gtest/gtest.h>

#include <map>
#include <nlohmann/json.hpp>

#include "rules/columns.hpp"
#include "rules/services.hpp"

using namespace govaudit;

namespace {

const std::string kList = "http://www.x.gov.cn/hdjl/xzxx/index.html";

SiteView site() {
  SiteView v;
  v.site = Site{"x", "x", "http://www.x.gov.cn/", "county", {"www.x.gov.cn"}, "", ""};
  PageRecord list;
  list.url = list.final_url = kList;
  list.status = 200;
  list.kind = PageKind::List;
  list.column = "县长信箱";
  list.depth = 2;
  v.pages.push_back(list);
  return v;
}

MessageRecord row(const std::string& id, Date left, std::optional<Date> replied, const std::string& status) {
  return {"x", kList, "http://www.x.gov.cn/hdjl/xzxx/" + id + ".html", "留言" + id, left, replied, status, "", false};
}

std::map<std::string, std::string> judge_with(const SiteView& v, Date today) {
  Config cfg = load_config();
  std::map<std::string, std::string> out;
  for (auto& f : InteractionRule().check(v, RuleContext{today, &cfg})) out[f.subject] = f.rule;
  return out;
}

}  // namespace

TEST(Interaction, TheThreeMonthAndOneYearWindowsAtTheirEdges) {
  SiteView v = site();
  Date today(2025, 11, 20);  // − 3 months = 2025-08-20, − 12 months = 2024-11-20
  v.messages = {row("fresh", Date(2025, 11, 1), Date(2025, 11, 5), "已回复"),
                row("exactly3", Date(2025, 8, 20), std::nullopt, "办理中"),   // not yet more than 3 months
                row("over3", Date(2025, 8, 19), std::nullopt, "未回复"),
                row("exactly12", Date(2024, 11, 20), std::nullopt, "待回复"),  // still within the year
                row("over12", Date(2024, 11, 19), std::nullopt, "未回复"),    // before the year judged
                row("late", Date(2025, 1, 10), Date(2025, 6, 1), "已回复")};  // answered late: never this finding
  auto got = judge_with(v, today);
  EXPECT_EQ(got, (std::map<std::string, std::string>{{"http://www.x.gov.cn/hdjl/xzxx/over3.html", "interaction.unanswered"},
                                                     {"http://www.x.gov.cn/hdjl/xzxx/exactly12.html", "interaction.unanswered"}}));
  // The month end clamps: 2025-05-31 − 3 months is 2025-02-28.
  SiteView w = site();
  w.messages = {row("a", Date(2025, 5, 20), Date(2025, 5, 21), "已回复"), row("feb28", Date(2025, 2, 28), std::nullopt, "未回复"),
                row("feb27", Date(2025, 2, 27), std::nullopt, "未回复")};
  EXPECT_EQ(judge_with(w, Date(2025, 5, 31)),
            (std::map<std::string, std::string>{{"http://www.x.gov.cn/hdjl/xzxx/feb27.html", "interaction.unanswered"}}));
}

TEST(Interaction, StatusWordsAndTheMessagesOwnPage) {
  SiteView v = site();
  Date today(2025, 11, 20);
  v.messages = {row("done", Date(2025, 3, 1), std::nullopt, "已办结"),       // answered by its status alone
                row("paged", Date(2025, 3, 2), std::nullopt, "办理中"),       // its page shows the reply
                row("open", Date(2025, 3, 3), std::nullopt, "处理中"),
                row("new", Date(2025, 11, 1), Date(2025, 11, 3), "已回复")};
  MessageRecord page{"x", "", "http://www.x.gov.cn/hdjl/xzxx/paged.html", "留言paged", Date(2025, 3, 2), Date(2025, 3, 20),
                     "已回复", "县交通局", true};
  v.messages.push_back(page);
  EXPECT_EQ(judge_with(v, today), (std::map<std::string, std::string>{{"http://www.x.gov.cn/hdjl/xzxx/open.html", "interaction.unanswered"}}));
}

TEST(Interaction, ReplyStaleAtTwoMonths) {
  Date today(2025, 11, 20);  // − 2 months = 2025-09-20
  SiteView edge = site();
  edge.messages = {row("a", Date(2025, 9, 10), Date(2025, 9, 20), "已回复")};
  EXPECT_TRUE(judge_with(edge, today).empty());
  SiteView stale = site();
  stale.messages = {row("a", Date(2025, 9, 10), Date(2025, 9, 19), "已回复")};
  EXPECT_EQ(judge_with(stale, today), (std::map<std::string, std::string>{{kList, "interaction.reply_stale"}}));
  SiteView none = site();  // a box with no reply at all counts too
  none.messages = {row("a", Date(2025, 11, 1), std::nullopt, "未回复")};
  EXPECT_EQ(judge_with(none, today), (std::map<std::string, std::string>{{kList, "interaction.reply_stale"}}));
  // 网上信访 is not judged by these rules.
  SiteView petition = site();
  petition.pages[0].column = "网上信访";
  petition.messages = {row("a", Date(2025, 3, 1), std::nullopt, "未回复")};
  EXPECT_TRUE(judge_with(petition, today).empty());
}

TEST(Interaction, BoxesOnAnotherHostOrNeverReadAreManualChecks) {
  SiteView v = site();
  v.links = {{"x", "http://www.x.gov.cn/", "http://zwfw.ah.gov.cn/xzxx/x.html", "a", "县长信箱", ""},
             {"x", "http://www.x.gov.cn/", "http://xf.ah.gov.cn/", "a", "网上信访", ""}};
  auto got = judge_with(v, Date(2025, 11, 20));
  EXPECT_EQ(got, (std::map<std::string, std::string>{{"http://zwfw.ah.gov.cn/xzxx/x.html", "interaction.manual_check"},
                                                     {kList, "interaction.manual_check"}}));  // its list was never read
}

TEST(Interaction, BoxSummaryForTheReport) {
  SiteView v = site();
  v.messages = {row("a", Date(2025, 9, 1), Date(2025, 9, 5), "已回复"), row("b", Date(2025, 9, 1), Date(2025, 9, 15), "已回复"),
                row("c", Date(2025, 3, 1), std::nullopt, "未回复")};
  Config cfg = load_config();
  auto boxes = message_boxes(v, RuleContext{Date(2025, 11, 20), &cfg});
  ASSERT_EQ(boxes.size(), 1u);
  EXPECT_EQ(boxes[0].name, "县长信箱");
  EXPECT_EQ(boxes[0].url, kList);
  EXPECT_EQ(boxes[0].messages, 3);
  EXPECT_EQ(boxes[0].answered, 2);
  EXPECT_DOUBLE_EQ(boxes[0].median_days, 9);
  EXPECT_EQ(boxes[0].newest_reply, Date(2025, 9, 15));
  ASSERT_EQ(boxes[0].unanswered.size(), 1u);
}

TEST(WebsiteForm, DueByTheEndOfJanuary) {
  Config cfg = load_config();
  EXPECT_EQ(WebsiteFormRule::due_year(Date(2026, 1, 31), cfg.thresholds), 2024);
  EXPECT_EQ(WebsiteFormRule::due_year(Date(2026, 2, 1), cfg.thresholds), 2025);
  SiteView v = site();
  auto found = [&](const Date& today) {
    return WebsiteFormRule().check(v, RuleContext{today, &cfg}).empty();
  };
  v.links = {{"x", "http://www.x.gov.cn/", "http://www.x.gov.cn/wzbb/2024.html", "a", "X县人民政府2024年政府网站工作年度报表", ""}};
  EXPECT_TRUE(found(Date(2026, 1, 31)));   // 2024's form is the one due
  EXPECT_FALSE(found(Date(2026, 2, 1)));   // now 2025's is due
  v.links.push_back({"x", "http://www.x.gov.cn/", "http://www.x.gov.cn/wzbb/2025.html", "a", "政府网站工作年度报表（2025年度）", ""});
  EXPECT_TRUE(found(Date(2026, 2, 1)));
  // The 政务公开 annual report is another duty.
  SiteView w = site();
  w.links = {{"x", "http://www.x.gov.cn/", "http://www.x.gov.cn/nb.html", "a", "X县2025年政府信息公开工作年度报告", ""}};
  EXPECT_FALSE(WebsiteFormRule().check(w, RuleContext{Date(2026, 2, 1), &cfg}).empty());
}

TEST(AccessibilityEntry, OnlyTheHomepageCounts) {
  Config cfg = load_config();
  SiteView v = site();
  PageRecord home;
  home.url = home.final_url = "http://www.x.gov.cn/";
  home.status = 200;
  home.kind = PageKind::Home;
  home.a11y.images = 4;
  home.a11y.images_without_alt = 3;
  v.pages.push_back(home);
  auto f = AccessibilityRule().check(v, RuleContext{Date(2025, 11, 20), &cfg});
  ASSERT_EQ(f.size(), 1u);
  EXPECT_EQ(f[0].subject, "www.x.gov.cn");
  v.pages.back().a11y.entry = true;
  EXPECT_TRUE(AccessibilityRule().check(v, RuleContext{Date(2025, 11, 20), &cfg}).empty());
  EXPECT_EQ(accessibility_counts(v).images_without_alt, 3);
}

TEST(Search, BrokenOnlyWhenNoSearchFindsItsTitle) {
  Config cfg = load_config();
  RuleContext ctx{Date(2025, 11, 20), &cfg};
  auto probe = [](const std::string& query, int status, const std::string& text, const std::string& error = "") {
    ProbeRecord p;
    p.site_id = "x";
    p.url = "http://www.x.gov.cn/search?q=1";
    p.family = 0;
    p.purpose = ProbePurpose::Search;
    p.status = status;
    p.error = error;
    p.text = text;
    p.query = query;
    return p;
  };
  SiteView v = site();
  EXPECT_TRUE(SearchRule().check(v, ctx).empty());  // no search form: nothing to judge
  EXPECT_EQ(search_state(v), SearchState::None);
  v.probes = {probe("县政府召开常务会议", 200, "搜索结果\n县政府召开 常务会议\n"), probe("第二篇", 200, "没有找到相关结果")};
  EXPECT_TRUE(SearchRule().check(v, ctx).empty());
  EXPECT_EQ(search_state(v), SearchState::Works);
  v.probes = {probe("县政府召开常务会议", 200, "没有找到相关结果"), probe("第二篇", 500, "", "HTTP 500")};
  auto f = SearchRule().check(v, ctx);
  ASSERT_EQ(f.size(), 1u);
  EXPECT_EQ(f[0].rule, "search.broken");
  EXPECT_EQ(f[0].subject, "www.x.gov.cn");
  v.probes = {probe("", 0, "", "manual: the search runs by script only")};
  f = SearchRule().check(v, ctx);
  ASSERT_EQ(f.size(), 1u);
  EXPECT_EQ(f[0].rule, "search.manual_check");
}
