// content.duplicate_article on a hand-built site view: one later copy in its column is the finding;
// the same page under another host or with a query, a cross-post in another column and a recurring
// title over another text are not — whatever order the crawl met the pages in.
#include "rules/duplicates.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <nlohmann/json.hpp>

namespace govaudit {
namespace {

const std::string kNav = "首页\n政务公开\n政务服务\n互动交流\n当前位置：首页 > 政务公开";
const std::string kFoot = "主办单位：某某县人民政府办公室\n网站标识码：3400000001\n皖ICP备12345678号";

PageRecord article(const std::string& url, const std::string& column, const std::string& title, const Date& d,
                   const std::string& body) {
  PageRecord p;
  p.site_id = "x";
  p.url = p.final_url = url;
  p.status = 200;
  p.kind = PageKind::Article;
  p.title = title;
  p.column = column;
  p.published = d;
  p.text = kNav + " > " + column + "\n" + title + "\n发布日期：" + d.iso() + " 来源：县政府办 浏览次数：" +
           std::to_string(d.day() * 7) + "\n" + body + "\n" + kFoot;
  return p;
}

std::vector<Finding> judge(std::vector<PageRecord> pages, const DuplicateArticleRule& rule = DuplicateArticleRule()) {
  SiteView v;
  v.site = Site{"x", "某某县", "http://www.x.gov.cn/", "county", {"www.x.gov.cn", "zwgk.x.gov.cn"}, "", ""};
  v.pages = std::move(pages);
  return rule.check(v, RuleContext{Date(2025, 11, 20), nullptr});
}

TEST(DuplicateArticle, TheLaterCopyInItsColumnOnly) {
  const std::string base = "http://www.x.gov.cn/xxgk/gzdt/";
  const std::string title = "县召开安全生产工作推进会";
  const std::string body = "会议通报了今年以来全县安全生产形势，分析了当前存在的突出问题。\n会议强调，要压实安全生产责任。";
  std::vector<PageRecord> pages = {
      article(base + "202508/t20250820_1.html", "工作动态", title, Date(2025, 8, 20), body),
      article(base + "202508/t20250827_9.html", "工作动态", title, Date(2025, 8, 27), body),  // the copy
      article(base + "202509/t20250903_5.html", "工作动态", title, Date(2025, 9, 3), "会议部署了汛期安全生产工作，要求加强值班值守。"),
      article("http://www.x.gov.cn/xxgk/tzgg/202508/t20250821_2.html", "通知公告", title, Date(2025, 8, 21), body),
      article("http://zwgk.x.gov.cn/xxgk/gzdt/202508/t20250820_1.html", "工作动态", title, Date(2025, 8, 20), body),
      article(base + "202508/t20250820_1.html?sid=3", "工作动态", title, Date(2025, 8, 20), body),
  };
  for (int i = 0; i < 6; ++i)  // the column's other articles: the template's lines recur on them
    pages.push_back(article(base + "202507/t202507" + std::to_string(10 + i) + "_" + std::to_string(i) + ".html", "工作动态",
                            "县政府工作动态（第" + std::to_string(i + 1) + "期）", Date(2025, 7, 10 + i),
                            "本期动态内容第" + std::to_string(i + 1) + "项，各部门按要求落实到位。"));
  auto found = judge(pages);
  ASSERT_EQ(found.size(), 1u);
  EXPECT_EQ(found[0].rule, "content.duplicate_article");
  EXPECT_EQ(found[0].subject, base + "202508/t20250827_9.html");
  auto d = nlohmann::json::parse(found[0].detail_json);
  EXPECT_EQ(d["first"], base + "202508/t20250820_1.html");
  EXPECT_EQ(d["first_published"], "2025-08-20");
  // The same findings in any crawl order.
  std::reverse(pages.begin(), pages.end());
  auto again = judge(pages);
  ASSERT_EQ(again.size(), 1u);
  EXPECT_EQ(again[0].subject, found[0].subject);
  EXPECT_EQ(again[0].detail_json, found[0].detail_json);
}

TEST(DuplicateArticle, PagesWithoutTextOfTheirOwnAreNotCompared) {
  const std::string base = "http://www.x.gov.cn/xxgk/gzdt/";
  std::vector<PageRecord> pages;
  for (int i = 0; i < 4; ++i)  // a title reused over a body the template alone makes
    pages.push_back(article(base + "t" + std::to_string(i) + ".html", "工作动态", "图片新闻", Date(2025, 8, 1 + i), ""));
  EXPECT_TRUE(judge(pages).empty());
}

// A line on half the articles is the template's, one on fewer is the article's own, however many
// other lines the site has (the template is found among candidates, not by counting every line).
TEST(DuplicateArticle, ALineOnHalfTheArticlesIsTheTemplates) {
  const std::string base = "http://www.x.gov.cn/xxgk/gzdt/";
  const std::string title = "县召开安全生产工作推进会";
  auto site = [&](int banner_on, const DuplicateArticleRule& rule = DuplicateArticleRule()) {
    std::vector<PageRecord> pages;
    for (int i = 0; i < 12; ++i) {
      std::string body;
      for (int l = 0; l < 40; ++l) body += "第" + std::to_string(i) + "篇第" + std::to_string(l) + "段，独有的内容。\n";
      if (i < 2) body = "会议通报了今年以来全县安全生产形势，分析了当前存在的突出问题。\n";  // a and its copy b
      if (i == 1 || (i >= 2 && i < banner_on + 1)) body += "专题：学习贯彻党的二十届四中全会精神\n";  // b and others
      pages.push_back(article(base + "t" + std::to_string(i) + ".html", "工作动态", i < 2 ? title : "动态" + std::to_string(i),
                              Date(2025, 8, 1 + i), body));
    }
    return judge(pages, rule);
  };
  auto found = site(6);  // the banner on 6 of 12 articles: the template's, so b copies a
  ASSERT_EQ(found.size(), 1u);
  EXPECT_EQ(found[0].subject, base + "t1.html");
  EXPECT_TRUE(site(5).empty());  // on 5 of 12: b's own line, so b is not a copy
  // A sketch of two counters a row estimates every line on half the articles or more: the exact
  // counts then find the banner on 5 is not the template's, and the texts are hashed again.
  DuplicateArticleRule colliding(1);
  found = site(6, colliding);
  ASSERT_EQ(found.size(), 1u);
  EXPECT_EQ(found[0].subject, base + "t1.html");
  EXPECT_TRUE(site(5, colliding).empty());
}

}  // namespace
}  // namespace govaudit
