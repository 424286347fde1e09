#include "crawler/extract/extract.hpp"

#include <gtest/gtest.h>

#include <set>

using namespace govaudit;

// The page shows one date and its CMS wrote another into the head: a reader takes what is shown.
TEST(Extract, TitleMetaAndArticleDate) {
  auto p = extract::parse(
      "<html><head><title> 关于印发《方案》的通知 </title><meta name=\"PubDate\" content=\"2024-09-27 14:23\">"
      "<meta name=\"ArticleTitle\" content=\"x\"></head><body><div>发布日期：2024-09-28</div></body></html>",
      "http://a/x.html");
  EXPECT_EQ(p.title, "关于印发《方案》的通知");
  EXPECT_EQ(p.meta.at("PubDate"), "2024-09-27 14:23");
  ASSERT_TRUE(p.published);
  EXPECT_EQ(p.published->iso(), "2024-09-28");
  EXPECT_EQ(p.published_source, "label");
  ASSERT_TRUE(p.meta_published);
  EXPECT_EQ(p.meta_published->iso(), "2024-09-27");
  EXPECT_TRUE(p.is_article);
}

TEST(Extract, LinksCarryImageAltText) {
  auto p = extract::parse(
      "<body><a href=\"http://bszs.conac.cn/x\"><img src=\"/red.png\" alt=\"党政机关网站标识\"></a>"
      "<a href='javascript:void(0)'>大</a><script src=\"/js/a.js\"></script></body>", "http://a/");
  ASSERT_GE(p.links.size(), 3u);
  EXPECT_EQ(p.links[0].href, "http://bszs.conac.cn/x");
  EXPECT_EQ(p.links[0].tag, "a");
  EXPECT_EQ(p.links[0].text, "党政机关网站标识");
  bool script = false;
  for (auto& l : p.links) script |= l.tag == "script" && l.href == "/js/a.js";
  EXPECT_TRUE(script);
  EXPECT_NE(p.text.find("党政机关网站标识"), std::string::npos);
}

TEST(Extract, ScriptWrittenDateIsNotText) {
  auto p = extract::parse("<body><span class=\"date\"><script>document.write(new Date())</script></span><p>正文</p></body>", "http://a/");
  EXPECT_EQ(p.text.find("document"), std::string::npos);
  EXPECT_NE(p.text.find("正文"), std::string::npos);
}

TEST(Extract, DatedListItems) {
  std::string li;
  for (int i = 1; i <= 5; ++i)
    li += "<li><a href=\"./2025" + std::string("09/t2025090") + std::to_string(i) + "_1.html\" title=\"2024年工作总结" +
          std::to_string(i) + "\">2024年工作总结" + std::to_string(i) + "</a><span>2025-09-0" + std::to_string(i) + "</span></li>";
  auto p = extract::parse("<ul>" + li + "</ul>", "http://a/list/index.html");
  ASSERT_EQ(p.items.size(), 5u);
  EXPECT_EQ(p.items[0].title, "2024年工作总结1");
  EXPECT_EQ(p.items[0].date->iso(), "2025-09-01");  // the title's year is not the item's date
  EXPECT_TRUE(p.is_list);
  EXPECT_FALSE(p.is_article);
}

TEST(Extract, HanwebDatastoreRecordsAreParsed) {
  auto p = extract::parse(
      "<div><script type=\"text/xml\"><datastore><recordset>"
      "<record><![CDATA[<li><a href=\"/art/2025/8/21/art_8422_50143.html\" title=\"通知A\">通知A</a><span>2025-08-21</span></li>]]></record>"
      "<record><![CDATA[<li><a href=\"/art/2025/1/23/art_8422_50145.html\">通知B</a><span>2025-01-23</span></li>]]></record>"
      "</recordset></datastore></script></div>", "http://a/col/col8422/index.html");
  ASSERT_EQ(p.items.size(), 2u);
  EXPECT_EQ(p.items[1].href, "/art/2025/1/23/art_8422_50145.html");
  EXPECT_EQ(p.items[1].date->iso(), "2025-01-23");
  EXPECT_TRUE(p.has_datastore);
  EXPECT_TRUE(p.is_list);
}

TEST(Extract, TrsPagerWithVariables) {
  auto p = extract::parse(
      "<script>var countPage = 4; var currentPage = 0; createPageHTML(countPage, currentPage, \"index\", \"html\");</script>",
      "http://a/list/index.html");
  ASSERT_TRUE(p.pager);
  EXPECT_EQ(p.pager->total, 4);
  auto pages = extract::pager_pages(*p.pager, 100);
  EXPECT_EQ(pages, (std::vector<std::string>{"index_1.html", "index_2.html", "index_3.html"}));
}

TEST(Extract, RedirectsByMetaRefreshAndScript) {
  auto p = extract::parse("<head><meta http-equiv=\"refresh\" content=\"0; url='/site/index.html'\"></head>", "http://a/");
  ASSERT_EQ(p.links.size(), 1u);
  EXPECT_EQ(p.links[0].tag, "redirect");
  EXPECT_EQ(p.links[0].href, "/site/index.html");
  auto q = extract::parse("<script>window.location.href = \"http://www.a.gov.cn/portal/\";</script>", "http://a/");
  ASSERT_EQ(q.links.size(), 1u);
  EXPECT_EQ(q.links[0].href, "http://www.a.gov.cn/portal/");
}

TEST(Extract, BrokenHtmlStillYieldsLinks) {
  auto p = extract::parse("<div><p>unclosed <a href=/a.html>A<b>bold</div></span> 1 < 2 <a href=\"/b.html\">B</a>", "http://a/");
  // Like a browser, the parser may reopen the unclosed <a> (adoption agency): compare distinct targets.
  std::set<std::string> hrefs;
  for (auto& l : p.links) hrefs.insert(l.href);
  EXPECT_EQ(hrefs, (std::set<std::string>{"/a.html", "/b.html"}));
}

TEST(Extract, LinkLimitIsRecorded) {
  std::string html;
  for (int i = 0; i < 50; ++i) html += "<a href=\"/p" + std::to_string(i) + ".html\">x</a>";
  extract::Limits lim;
  lim.max_links = 10;
  auto p = extract::parse(html, "http://a/", lim);
  EXPECT_EQ(p.links.size(), 10u);
  EXPECT_TRUE(p.links_truncated);
}

TEST(Extract, DeeplyNestedDocumentDoesNotExhaustTheStack) {
  std::string html;
  for (int i = 0; i < 3000; ++i) html += "<div>";
  html += "<a href=\"/deep.html\">deep</a>";
  auto p = extract::parse(html, "http://a/");
  ASSERT_EQ(p.links.size(), 1u);
  EXPECT_NE(p.text.find("deep"), std::string::npos);
}

// Gumbo is quadratic in nesting depth and needs ~600 bytes per element: a hostile page is read
// flattened below 512 levels, and of a page with more than 20,000 elements the first 16,000 and the
// last 4,000 are read (its footer with them), links included.
TEST(Extract, DeepAndHugeMarkupIsReadWithinBounds) {
  std::string deep = "<html><body>";
  for (int i = 0; i < 200000; ++i) deep += "<div><span>";
  deep += "<a href=\"/deep.html\">深处</a></body></html>";
  auto p = govaudit::extract::parse(deep, "http://www.a.gov.cn/");
  EXPECT_TRUE(p.depth_capped);
  EXPECT_FALSE(p.elements_capped);
  ASSERT_EQ(p.links.size(), 1u);
  EXPECT_EQ(p.links[0].href, "/deep.html");
  EXPECT_NE(p.text.find("深处"), std::string::npos);

  std::string wide = "<html><body>";
  for (int i = 0; i < 100000; ++i) wide += "<p><b>行" + std::to_string(i) + "号</b></p>";
  wide += "<div class=\"footer\"><a href=\"https://bszs.conac.cn/\">党政机关</a>网站标识码 3400000001</div></body></html>";
  auto w = govaudit::extract::parse(wide, "http://www.a.gov.cn/");
  EXPECT_TRUE(w.elements_capped);
  EXPECT_FALSE(w.depth_capped);
  EXPECT_NE(w.text.find("行7998号"), std::string::npos);  // two elements per row: 8,000 rows in the head
  EXPECT_EQ(w.text.find("行8001号"), std::string::npos);
  EXPECT_EQ(w.text.find("行50000号"), std::string::npos);
  EXPECT_NE(w.text.find("行99999号"), std::string::npos);
  EXPECT_NE(w.text.find("网站标识码 3400000001"), std::string::npos);
  ASSERT_FALSE(w.links.empty());
  EXPECT_EQ(w.links.back().href, "https://bszs.conac.cn/");

  auto normal = govaudit::extract::parse("<div><div><p>a<p>b<ul><li>x<li>y</ul></div></div>", "http://www.a.gov.cn/");
  EXPECT_FALSE(normal.depth_capped || normal.elements_capped);
}
