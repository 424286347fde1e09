#include "model/records.hpp"

#include <gtest/gtest.h>

#include <map>
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
