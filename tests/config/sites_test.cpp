#include "config/sites.hpp"

#include <gtest/gtest.h>

#include "config/config.hpp"

using namespace govaudit;

TEST(Sites, CorpusJsonForm) {
  auto s = parse_sites(R"([{"id":"qinghe","name":"清河县人民政府","homepage":"http://www.qinghe.gov.cn.test:18080/",
    "level":"county","hosts":["www.qinghe.gov.cn.test","zwgk.qinghe.gov.cn.test"]}])", "sites.json", "json");
  ASSERT_EQ(s.size(), 1u);
  EXPECT_EQ(s[0].id, "qinghe");
  EXPECT_EQ(s[0].hosts.size(), 2u);
}

TEST(Sites, TomlForm) {
  auto s = parse_sites("[[site]]\nid = \"a\"\nhomepage = \"https://www.a.gov.cn/\"\n[[site]]\nhomepage = \"http://www.bxian.gov.cn/\"\n",
                       "s.toml", "toml");
  ASSERT_EQ(s.size(), 2u);
  EXPECT_EQ(s[1].id, "bxian");  // derived from the host
  EXPECT_EQ(s[1].hosts, std::vector<std::string>{"www.bxian.gov.cn"});
}

TEST(Sites, CsvWithRegistryChineseHeadersAndBom) {
  std::string csv = "\xEF\xBB\xBF网站名称,网站标识码,首页网址,主办单位\n"
                    "旌德县人民政府,3418250001,www.jingde.gov.cn,旌德县人民政府办公室\n"
                    "\"泾县人民政府, 门户\",3418230001,http://www.ahjx.gov.cn/,泾县人民政府办公室\n";
  auto s = parse_sites(csv, "list.csv", "csv");
  ASSERT_EQ(s.size(), 2u);
  EXPECT_EQ(s[0].homepage, "http://www.jingde.gov.cn");
  EXPECT_EQ(s[0].site_code, "3418250001");
  EXPECT_EQ(s[0].id, "3418250001");
  EXPECT_EQ(s[1].name, "泾县人民政府, 门户");
  EXPECT_EQ(s[1].unit, "泾县人民政府办公室");
}

TEST(Sites, DuplicateIdIsAnError) {
  EXPECT_THROW(parse_sites("id,homepage\na,http://a.gov.cn/\na,http://b.gov.cn/\n", "d.csv", "csv"), ConfigError);
}

TEST(Sites, BadRowNamesFileAndLine) {
  try {
    parse_sites("id,homepage\na,http://a.gov.cn/\nb,ftp://b.gov.cn/\n", "bad.csv", "csv");
    FAIL();
  } catch (const ConfigError& e) {
    EXPECT_EQ(std::string(e.what()).rfind("bad.csv:3: homepage:", 0), 0u) << e.what();
  }
}

TEST(Sites, MissingHomepageColumnRejected) {
  EXPECT_THROW(parse_sites("name,code\na,1\n", "n.csv", "csv"), ConfigError);
  EXPECT_THROW(parse_sites("[{\"id\": 3}]", "n.json", "json"), ConfigError);
}

// Found by fuzz_sites: nlohmann's number overflow is an out_of_range, not a parse_error.
TEST(Sites, JsonNumberOverflowIsAConfigError) {
  EXPECT_THROW(parse_sites("[999999999.90019E37100{\"it\":\"a\"}]", "f.json", "json"), ConfigError);
  EXPECT_THROW(parse_sites("[{\"id\":\"a\",\"homepage\":\"http://a.gov.cn/\",\"level\":1e99999}]", "f.json", "json"),
               ConfigError);
}

TEST(Sites, SameHomepageTwiceIsAnError) {
  try {
    parse_sites("id,homepage\na,http://www.a.gov.cn/\nb,http://WWW.A.gov.cn/\n", "d.csv", "csv");
    FAIL();
  } catch (const ConfigError& e) {
    EXPECT_NE(std::string(e.what()).find("d.csv:3"), std::string::npos) << e.what();
  }
}

TEST(Sites, UnknownKeyNamesFileLineAndKey) {
  try {
    parse_sites("[[site]]\nid = \"a\"\nhomepage = \"http://www.a.gov.cn/\"\nhompage = \"x\"\n", "u.toml", "toml");
    FAIL();
  } catch (const ConfigError& e) {
    std::string w = e.what();
    EXPECT_NE(w.find("u.toml:4"), std::string::npos) << w;
    EXPECT_NE(w.find("hompage"), std::string::npos) << w;
  }
  try {
    parse_sites("[{\"id\":\"a\",\"homepage\":\"http://www.a.gov.cn/\",\"nmae\":\"x\"}]", "u.json", "json");
    FAIL();
  } catch (const ConfigError& e) {
    EXPECT_NE(std::string(e.what()).find("nmae"), std::string::npos) << e.what();
  }
}

TEST(Sites, WrongTypeNamesTheKey) {
  try {
    parse_sites("[[site]]\nid = 7\nhomepage = \"http://www.a.gov.cn/\"\n", "t.toml", "toml");
    FAIL();
  } catch (const ConfigError& e) {
    std::string w = e.what();
    EXPECT_NE(w.find("t.toml:2"), std::string::npos) << w;
    EXPECT_NE(w.find("id"), std::string::npos) << w;
  }
}
