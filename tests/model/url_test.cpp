#include "model/url.hpp"

#include <gtest/gtest.h>

using namespace govaudit;

TEST(Url, ResolvesTrsRelativeLinksAgainstTheListDirectory) {
  EXPECT_EQ(url::resolve("http://www.a.gov.cn.test:18080/xxgk/gzdt/index.html", "./202509/t20250930_100024.html"),
            "http://www.a.gov.cn.test:18080/xxgk/gzdt/202509/t20250930_100024.html");
  EXPECT_EQ(url::resolve("http://www.a.gov.cn/xxgk/gzdt/index.html", "../../index.html"), "http://www.a.gov.cn/index.html");
  EXPECT_EQ(url::resolve("http://www.a.gov.cn/col/col1/index.html", "/art/2023/5/12/art_1_2.html"),
            "http://www.a.gov.cn/art/2023/5/12/art_1_2.html");
}

TEST(Url, NormalisesCaseDefaultPortAndFragment) {
  EXPECT_EQ(url::normalize("HTTP://WWW.A.GOV.CN:80/x.html#top"), "http://www.a.gov.cn/x.html");
  EXPECT_EQ(url::normalize("https://www.a.gov.cn:443/"), "https://www.a.gov.cn/");
  EXPECT_EQ(url::normalize("http://www.a.gov.cn:8080/a/./b/../c.html"), "http://www.a.gov.cn:8080/a/c.html");
}

TEST(Url, RejectsNonFetchableSchemes) {
  std::string base = "http://www.a.gov.cn/";
  EXPECT_FALSE(url::resolve(base, "javascript:void(0)"));
  EXPECT_FALSE(url::resolve(base, "mailto:x@a.gov.cn"));
  EXPECT_FALSE(url::resolve(base, "tel:0556"));
  EXPECT_FALSE(url::resolve(base, "ftp://a.gov.cn/x"));
  EXPECT_EQ(url::resolve(base, "#"), "http://www.a.gov.cn/");
}

TEST(Url, EncodesSpacesAndChineseAndTrimsWhitespace) {
  auto u = url::resolve("http://www.a.gov.cn/", "  /附件 1.pdf\n");
  ASSERT_TRUE(u);
  EXPECT_EQ(*u, "http://www.a.gov.cn/%e9%99%84%e4%bb%b6%201.pdf");
}

TEST(Url, HostLabelRuns) {
  EXPECT_TRUE(url::host_has_labels("bszs.conac.cn", "conac.cn"));
  EXPECT_TRUE(url::host_has_labels("bszs.conac.cn.test", "conac.cn"));
  EXPECT_TRUE(url::host_has_labels("conac.cn", "conac.cn"));
  EXPECT_FALSE(url::host_has_labels("myconac.cn", "conac.cn"));
  EXPECT_FALSE(url::host_has_labels("conac.cn.example.com.cnx", "conac.cnx"));
}

TEST(Url, ExtensionAndParts) {
  EXPECT_EQ(url::extension("http://a.gov.cn/P020230512.PDF?x=1"), "pdf");
  EXPECT_EQ(url::extension("http://a.gov.cn/dir/"), "");
  auto p = url::parts("http://A.gov.cn:18080/x?y=1");
  ASSERT_TRUE(p);
  EXPECT_EQ(p->host, "a.gov.cn");
  EXPECT_EQ(p->port, 18080);
  EXPECT_EQ(p->query, "y=1");
  EXPECT_EQ(url::host_port(*p), "a.gov.cn:18080");
}

TEST(Url, RememberedAnswersDependOnTheBaseDirectory) {
  // The same reference, asked again from other directories, hosts and bases without a path.
  for (int round = 0; round < 2; ++round) {
    EXPECT_EQ(url::resolve("http://a.gov.cn/x/1.html", "../i.html"), "http://a.gov.cn/i.html");
    EXPECT_EQ(url::resolve("http://a.gov.cn/x/y/2.html", "../i.html"), "http://a.gov.cn/x/i.html");
    EXPECT_EQ(url::resolve("http://b.gov.cn/x/y/3.html?p=/z/", "../i.html"), "http://b.gov.cn/x/i.html");
    EXPECT_EQ(url::resolve("http://a.gov.cn", "i.html"), "http://a.gov.cn/i.html");
    EXPECT_EQ(url::resolve("http://b.gov.cn", "i.html"), "http://b.gov.cn/i.html");
    EXPECT_EQ(url::resolve("http://a.gov.cn/x/1.html?a=1", "?page=2"), "http://a.gov.cn/x/1.html?page=2");
    EXPECT_EQ(url::resolve("http://a.gov.cn/y/1.html", "?page=2"), "http://a.gov.cn/y/1.html?page=2");
  }
}

TEST(Url, FormFieldsDecodeLikeABrowserSentThem) {
  EXPECT_EQ(url::decode_component("a+b%E4%B8%AD%2B"), "a b中+");
  EXPECT_EQ(url::decode_component(url::encode_component("误报 理由&x=1")), "误报 理由&x=1");
  EXPECT_EQ(url::decode_component("100%"), "100%");  // a stray % stays as it is
}
