#include "model/records.hpp"

#include <gtest/gtest.h>

#include <map>
#include <memory>
#include <vector>

using namespace govaudit;

TEST(MetaTags, KeepTheFirstOfANameSortedAndFindEveryOne) {
  MetaTags m;
  EXPECT_TRUE(m.emplace("SiteName", "清河县人民政府"));
  EXPECT_TRUE(m.emplace("ArticleTitle", ""));
  EXPECT_FALSE(m.emplace("SiteName", "another"));  // the first wins
  EXPECT_TRUE(m.emplace("PubDate", "2025-11-20"));
  ASSERT_EQ(m.size(), 3u);
  std::vector<std::string> names;
  for (auto& [name, content] : m) names.emplace_back(name);
  EXPECT_EQ(names, (std::vector<std::string>{"ArticleTitle", "PubDate", "SiteName"}));
  EXPECT_EQ(m.at("SiteName"), "清河县人民政府");
  EXPECT_EQ(m.at("ArticleTitle"), "");
  EXPECT_EQ(m.count("Keywords"), 0u);
  EXPECT_THROW((void)m.at("Keywords"), std::out_of_range);
  EXPECT_EQ(m.find("Site"), m.end());  // a prefix is not a name

  m.set("ArticleTitle", "标题");
  EXPECT_EQ(m.at("ArticleTitle"), "标题");
  EXPECT_EQ(m.erase("PubDate"), 1u);
  EXPECT_EQ(m.erase("PubDate"), 0u);
  EXPECT_EQ(m.size(), 2u);
  EXPECT_EQ(m.at("SiteName"), "清河县人民政府");

  m.emplace(std::string_view("a\0b", 3), std::string_view("c\0", 2));  // a NUL would end the field: U+FFFD
  EXPECT_EQ(m.at("a\xEF\xBF\xBD" "b"), "c\xEF\xBF\xBD");
  EXPECT_EQ(m.size(), 3u);

  m = std::map<std::string, std::string>{{"b", "2"}, {"a", "1"}};
  EXPECT_EQ(m.size(), 2u);
  EXPECT_EQ(m.begin()->first, "a");
}

// A page table finds a page by its own URL first, else by the URL a redirect led to, the first in
// crawl order of several; it keeps what the lookups decide on.
TEST(PageTable, OwnUrlFirstThenFinalUrlInCrawlOrder) {
  SiteView v;
  auto page = [](std::string url, std::string final_url, int status, std::string dup = "") {
    PageRecord p;
    p.url = std::move(url), p.final_url = std::move(final_url), p.status = status, p.duplicate_of = std::move(dup);
    return p;
  };
  v.pages = {page("http://a/old", "http://a/new", 200), page("http://a/x", "http://a/new", 200),
             page("http://a/new", "http://a/new", 200, "http://a/dup"), page("http://a/x", "http://a/x", 404)};
  v.pages[1].published = Date(2025, 1, 2);
  v.pages[1].published_source = "label";
  const PageTable& t = v.page_table();
  ASSERT_EQ(t.size(), 4u);
  EXPECT_EQ(t.find("http://a/new"), 2u);  // its own record, though two others were redirected there
  EXPECT_EQ(t.own("http://a/x"), 1u);     // the first of two
  EXPECT_EQ(t.all_own("http://a/x"), (std::vector<size_t>{1, 3}));
  EXPECT_EQ(t.all_final("http://a/new"), (std::vector<size_t>{0, 1, 2}));
  EXPECT_EQ(t.all_final("http://a/x"), (std::vector<size_t>{3}));  // not 1: it was moved away
  EXPECT_EQ(t.final_url(1), "http://a/new");
  EXPECT_EQ(t.final_url(3), "http://a/x");
  EXPECT_FALSE(t.find("http://a/none"));
  EXPECT_EQ(t.duplicate_of(2), "http://a/dup");
  EXPECT_EQ(t.duplicate_of(0), "");
  EXPECT_TRUE(t[1].published_on_page);
  EXPECT_EQ(t[3].status, 404);
  EXPECT_EQ(v.page("http://a/old")->final_url, "http://a/new");
  // A view's copy makes its own table from its own pages.
  SiteView copy = v;
  copy.pages.push_back(page("http://a/more", "http://a/more", 200));
  EXPECT_EQ(copy.page_table().size(), 5u);
  EXPECT_EQ(v.page_table().size(), 4u);
  int walked = 0;
  copy.each_page([&](const PageRecord&) { return ++walked < 2; });
  EXPECT_EQ(walked, 2);
}

// A pool keeps every string whole across its chunks, one longer than a chunk included, and a list
// given a page table reads its pages' URLs there, keeping only the others.
TEST(StringPool, StringsStayWholeAcrossChunksAndListsReadTheirPagesUrlsFromTheTable) {
  StringPool pool;
  std::vector<std::pair<std::uint32_t, std::string>> put;
  for (int i = 0; i < 20000; ++i) {
    std::string s = "http://a/" + std::string(size_t(i % 97), 'x') + std::to_string(i);
    put.emplace_back(pool.put(s), s);
  }
  std::string big(300 * 1024, 'b');
  put.emplace_back(pool.put(big), big);
  put.emplace_back(pool.put(""), "");
  for (auto& [h, s] : put) ASSERT_EQ(pool.at(h), s);

  auto table = std::make_shared<PageTable>();
  PageRecord p;
  p.url = p.final_url = "http://a/list";
  table->add(p, 0);
  p.url = p.final_url = "http://a/art";
  table->add(p, 1);
  table->seal();
  LinkList links;
  links.use_pages(table);
  links.push_back({"s", "http://a/list", "http://a/art", "a", "an article", ""});
  links.push_back({"s", "http://a/list", "http://elsewhere/", "a", "out", ""});
  links.push_back({"s", "http://a/gone", "http://a/list", "a", "home", ""});
  ASSERT_EQ(links.size(), 3u);
  EXPECT_EQ(links[0].from_url, "http://a/list");
  EXPECT_EQ(links[0].to_url, "http://a/art");
  EXPECT_EQ(links[0].to_url.data(), table->url(1).data());  // the table's own bytes
  EXPECT_EQ(links[1].to_url, "http://elsewhere/");
  EXPECT_EQ(links[2].from_url, "http://a/gone");
  EXPECT_EQ(links[2].to_url, "http://a/list");
  ItemList items;
  items.use_pages(table);
  items.push_back({"s", "http://a/list", "http://a/art", "标题", Date(2025, 3, 4)});
  items.push_back({"s", "http://a/list", "http://a/unfetched", "另一篇", std::nullopt});
  EXPECT_EQ(items[0].list_url.data(), table->url(0).data());
  EXPECT_EQ(items[0].url, "http://a/art");
  EXPECT_EQ(items[1].url, "http://a/unfetched");
  EXPECT_EQ(items[1].title, "另一篇");
  EXPECT_EQ(items[0].date, Date(2025, 3, 4));
}
