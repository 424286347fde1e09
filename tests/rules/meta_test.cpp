#include "rules/meta.hpp"

#include <gtest/gtest.h>

using namespace govaudit;

namespace {
SiteView site_with_articles(int total, int lacking) {
  SiteView v;
  v.site = Site{"x", "某县", "http://www.x.gov.cn/", "county", {"www.x.gov.cn"}, "", ""};
  v.status = "done";
  PageRecord home;
  home.url = home.final_url = v.site.homepage;
  home.status = 200;
  home.kind = PageKind::Home;
  v.pages.push_back(home);
  for (int i = 0; i < total; ++i) {
    PageRecord p;
    p.url = p.final_url = "http://www.x.gov.cn/a" + std::to_string(i) + ".html";
    p.status = 200;
    p.kind = PageKind::Article;
    p.text = "正文";
    for (const char* t : {"SiteName", "SiteDomain", "SiteIDCode", "ColumnName", "ArticleTitle", "PubDate"}) p.meta.set(t, "v");
    if (i < lacking) p.meta.erase("PubDate");
    v.pages.push_back(p);
  }
  return v;
}
std::vector<Finding> run(const SiteView& v) {
  Config cfg = load_config();
  return MetaRule().check(v, RuleContext{Date(2025, 11, 20), &cfg});
}
}  // namespace

TEST(MetaRule, ShareAboveTheLimitIsAFinding) {
  auto f = run(site_with_articles(20, 6));
  ASSERT_EQ(f.size(), 1u);
  EXPECT_EQ(f[0].rule, "meta.missing");
  EXPECT_EQ(f[0].subject, "www.x.gov.cn");
  EXPECT_NE(f[0].detail_json.find("\"lacking\":6"), std::string::npos);
}

TEST(MetaRule, AtOrBelowTheLimitIsNot) {
  EXPECT_TRUE(run(site_with_articles(20, 2)).empty());   // 10 % exactly
  EXPECT_TRUE(run(site_with_articles(30, 1)).empty());
}

TEST(MetaRule, DuplicatesAndBlankValuesAreHandled) {
  auto v = site_with_articles(10, 0);
  v.pages[1].meta.set("ColumnName", "  ");  // present but blank counts as missing
  v.pages[2].meta.clear();
  v.pages[2].duplicate_of = v.pages[3].url;  // a ?sid= copy is not a separate article
  auto f = run(v);
  size_t articles = 0;
  for_each_article_page(v, [&](const PageRecord&) { ++articles; });
  EXPECT_EQ(articles, 9u);
  // The blank tag counts, the duplicate does not: 1 of 9 articles = 11 % > 10 %.
  ASSERT_EQ(f.size(), 1u);
  EXPECT_NE(f[0].detail_json.find("\"articles\":9"), std::string::npos) << f[0].detail_json;
  EXPECT_NE(f[0].detail_json.find("\"lacking\":1"), std::string::npos);
}
