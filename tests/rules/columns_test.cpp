#include "rules/columns.hpp"

#include <gtest/gtest.h>
#include <unicode/unistr.h>

#include "tests/test_helpers.hpp"

#include "rules/text.hpp"

using namespace govaudit;

namespace {

const std::string H = "http://www.x.gov.cn/";

struct Builder {
  SiteView v;
  Builder() {
    v.site = Site{"x", "某县", H, "county", {"www.x.gov.cn"}, "", ""};
    v.status = "done";
    page(H, "home", "某县人民政府");
  }
  PageRecord& page(const std::string& u, const std::string& kind, const std::string& title) {
    v.pages.push_back(test::page(u, kind, title));
    return v.pages.back();
  }
  void link(const std::string& from, const std::string& to, const std::string& text, const std::string& tag = "a") {
    v.links.push_back({"x", from, to, tag, text});
  }
  void item(const std::string& list, const std::string& u, const std::string& title, std::optional<Date> d) {
    v.items.push_back({"x", list, u, title, d});
  }
  // A column list page linked from the directory under `name`, with items of the given dates.
  void column(const std::string& name, const std::string& path, std::vector<Date> dates, const std::string& title = "") {
    std::string u = H + path;
    link(H + "xxgk/", u, name);
    page(u, dates.empty() ? "page" : "list", title.empty() ? name : title);
    int n = 0;
    for (auto& d : dates) item(u, u + "a" + std::to_string(n++) + ".html", "条目", d);
  }
};

const Date kToday(2025, 11, 20);

std::vector<std::string> fired(const SiteView& v, const Rule& r) {
  Config cfg = load_config();
  std::vector<std::string> out;
  for (auto& f : r.check(v, RuleContext{kToday, &cfg})) out.push_back(f.rule + " " + f.subject);
  return out;
}

bool has(const std::vector<std::string>& v, const std::string& s) { return std::find(v.begin(), v.end(), s) != v.end(); }

}  // namespace

TEST(Text, NormalisesNamesAndFindsYears) {
  EXPECT_EQ(text::normalize_name("【政府信息公开 指南】"), text::normalize_name("政府信息公开指南"));
  EXPECT_EQ(text::normalize_name("政府文件："), text::normalize_name("政府文件"));
  EXPECT_EQ(text::normalize_name("ＡＢＣ　工作动态"), "abc工作动态");  // full-width letters and space
  EXPECT_EQ(text::year_in("东至县2024年政府信息公开工作年度报告"), 2024);
  EXPECT_FALSE(text::year_in("电话12024年"));
}

// The report rules skip normalising a title without 报: sound only while no other character
// normalises to one that holds it (checked here over every code point, as ICU's tables have it).
TEST(Text, OnlyTitlesHolding报CanNameAReport) {
  for (char32_t c = 1; c < 0x110000; ++c) {
    if (c >= 0xD800 && c < 0xE000) continue;
    std::string utf8;
    icu::UnicodeString(UChar32(c)).toUTF8String(utf8);
    if (!text::may_name_report(utf8)) {
      ASSERT_FALSE(text::may_name_report(text::normalize_name(utf8))) << std::hex << unsigned(c);
    }
  }
  EXPECT_TRUE(text::may_name_report("2024年政府信息公开工作年度报告"));
  EXPECT_FALSE(text::may_name_report("政府信息公开指南"));
}

TEST(Columns, MissingWhenNoLinkNamesTheColumn) {
  Builder b;
  b.column("工作动态", "gzdt/", {kToday.plus_days(-1)});
  auto f = fired(b.v, ColumnsRule());
  EXPECT_TRUE(has(f, "columns.missing 统计信息"));
  EXPECT_FALSE(has(f, "columns.missing 工作动态"));
  EXPECT_FALSE(has(f, "columns.missing 政府信息公开年报"));  // judged by annual_report.missing only
}

TEST(Columns, SynonymsAndDecoratedNamesMatch) {
  Builder b;
  b.column("行政规范性文件", "gfxwj/", {kToday.plus_days(-3)});
  b.column("【统计数据】", "tjsj/", {kToday.plus_days(-3)});
  auto f = fired(b.v, ColumnsRule());
  EXPECT_FALSE(has(f, "columns.missing 规范性文件"));
  EXPECT_FALSE(has(f, "columns.missing 统计信息"));
}

TEST(Columns, EmptyListButNotAColumnThatIsOnePage) {
  Builder b;
  b.column("依申请公开", "ysqgk/", {});
  b.link(H + "xxgk/", H + "xxgkzn/", "政府信息公开指南");
  auto& guide = b.page(H + "xxgkzn/", "article", "政府信息公开指南");
  guide.published = kToday.plus_days(-30);
  auto f = fired(b.v, ColumnsRule());
  EXPECT_TRUE(has(f, "columns.empty 依申请公开"));
  EXPECT_FALSE(has(f, "columns.empty 政府信息公开指南"));
  EXPECT_FALSE(has(f, "columns.missing 政府信息公开指南"));
}

TEST(Columns, StaleIsStrictlyOlderThanTheLimit) {
  Builder b;
  b.column("工作动态", "gzdt/", {kToday.plus_days(-14), kToday.plus_days(-40)});
  b.column("通知公告", "tzgg/", {kToday.plus_days(-184)});
  b.column("政府采购", "zfcg/", {kToday.plus_days(30), kToday.plus_days(-400)});  // a future date is not fresh
  auto f = fired(b.v, ColumnsRule());
  EXPECT_FALSE(has(f, "columns.stale 工作动态"));
  EXPECT_TRUE(has(f, "columns.stale 通知公告"));
  EXPECT_TRUE(has(f, "columns.stale 政府采购"));
}

TEST(Columns, UndatedItemsTakeTheArticleDate) {
  Builder b;
  b.column("人事信息", "rsxx/", {});
  b.v.pages.back().kind = PageKind::List;
  b.item(H + "rsxx/", H + "rsxx/a.html", "任免通知", std::nullopt);
  b.page(H + "rsxx/a.html", "article", "任免通知").published = kToday.plus_days(-500);
  EXPECT_TRUE(has(fired(b.v, ColumnsRule()), "columns.stale 人事信息"));
}

TEST(Columns, SubColumnsAreJudgedTogether) {
  Builder b;
  b.link(H + "xxgk/", H + "zfwj/", "政府文件");
  b.page(H + "zfwj/", "page", "政府文件");
  b.link(H + "zfwj/", H + "zfwj/xzfwj/", "县政府文件");
  b.link(H + "zfwj/", H + "zfwj/xzfbwj/", "县政府办文件");
  b.page(H + "zfwj/xzfwj/", "list", "县政府文件");
  b.page(H + "zfwj/xzfbwj/", "list", "县政府办文件");
  b.item(H + "zfwj/xzfwj/", H + "zfwj/xzfwj/1.html", "文件一", kToday.plus_days(-300));
  b.item(H + "zfwj/xzfbwj/", H + "zfwj/xzfbwj/2.html", "文件二", kToday.plus_days(-20));
  auto f = fired(b.v, ColumnsRule());
  EXPECT_FALSE(has(f, "columns.empty 政府文件"));
  EXPECT_FALSE(has(f, "columns.stale 政府文件"));  // the newer sub-column counts
}

TEST(Columns, FollowsPagerPages) {
  Builder b;
  b.column("通知公告", "tzgg/", {kToday.plus_days(-300)});
  b.link(H + "tzgg/", H + "tzgg/index_1.html", "", "pager");
  b.page(H + "tzgg/index_1.html", "list", "通知公告");
  b.item(H + "tzgg/index_1.html", H + "tzgg/x.html", "x", kToday.plus_days(-10));
  Config cfg = load_config();
  ColumnIndex idx(b.v, cfg, kToday);
  ASSERT_NE(idx.find("通知公告"), nullptr);
  EXPECT_EQ(idx.find("通知公告")->items.size(), 2u);
  EXPECT_EQ(idx.find("通知公告")->newest->iso(), kToday.plus_days(-10).iso());
}

TEST(Columns, ALinkNamedLikeAColumnThatLeadsToTheDirectoryIsNotTheColumn) {
  Builder b;
  b.link(H + "hdjl/", H + "xxgk/", "依申请公开");
  b.page(H + "xxgk/", "page", "政府信息公开");
  auto f = fired(b.v, ColumnsRule());
  EXPECT_TRUE(has(f, "columns.missing 依申请公开"));
  EXPECT_FALSE(has(f, "columns.empty 依申请公开"));
}

TEST(HomepageStale, NewestDatedHomepageItemDecides) {
  Builder b;
  b.item(H, H + "a.html", "要闻", kToday.plus_days(-15));
  b.item(H, H + "b.html", "未来", kToday.plus_days(5));
  EXPECT_TRUE(has(fired(b.v, HomepageStaleRule()), "homepage.stale www.x.gov.cn"));
  b.item(H, H + "c.html", "新", kToday.plus_days(-14));
  EXPECT_TRUE(fired(b.v, HomepageStaleRule()).empty());
}

TEST(AnnualReport, DueYearFollowsArticle50) {
  Thresholds t;
  EXPECT_EQ(AnnualReportRule::due_year(Date(2025, 11, 20), "county", t), 2024);
  EXPECT_EQ(AnnualReportRule::due_year(Date(2025, 3, 31), "county", t), 2023);
  EXPECT_EQ(AnnualReportRule::due_year(Date(2025, 4, 1), "county", t), 2024);
  EXPECT_EQ(AnnualReportRule::due_year(Date(2025, 2, 10), "department", t), 2024);
}

TEST(AnnualReport, FindsTheReportInItsWrittenForms) {
  Builder b;
  b.item(H + "nb/", H + "nb/1.html", "某县人民政府2023年政府信息公开工作年度报告", Date(2024, 1, 20));
  EXPECT_TRUE(has(fired(b.v, AnnualReportRule()), "annual_report.missing 2024"));
  b.item(H + "nb/", H + "nb/2.html", "某县人民政府2024年度政府信息公开年报", Date(2025, 1, 20));
  EXPECT_TRUE(fired(b.v, AnnualReportRule()).empty());
}
