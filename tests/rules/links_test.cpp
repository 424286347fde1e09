#include "rules/links.hpp"

#include <gtest/gtest.h>

#include <algorithm>

#include "rules/https.hpp"

using namespace govaudit;

namespace {
PageRecord target(const std::string& u, int status, const std::string& kind = "") {
  PageRecord p;
  p.url = p.final_url = u;
  p.status = status;
  p.error_kind = error_kind_from(kind);
  p.kind = PageKind::External;
  return p;
}
}  // namespace

TEST(Links, BrokenTargetsOncePerSiteWithTheirSources) {
  SiteView v;
  v.site = Site{"x", "x", "http://w/", "county", {"w"}, "", ""};
  v.pages = {target("http://w/404.html", 404), target("http://w/ok.html", 200), target("http://old/", 0, "connect"),
             target("http://w/loop.html", 302, "loop"), target("http://w/waf.html", 412, "challenge"),
             target("http://w/robots.html", 0, "robots"), target("http://w/img.png", 404)};
  for (const char* from : {"http://w/a.html", "http://w/b.html", "http://w/a.html"})
    v.links.push_back({"x", from, "http://w/404.html", "a", "旧文章"});
  v.links.push_back({"x", "http://w/a.html", "http://w/ok.html", "a", ""});
  v.links.push_back({"x", "http://w/a.html", "http://old/", "a", ""});
  v.links.push_back({"x", "http://w/a.html", "http://w/loop.html", "a", ""});
  v.links.push_back({"x", "http://w/a.html", "http://w/waf.html", "a", ""});
  v.links.push_back({"x", "http://w/a.html", "http://w/robots.html", "a", ""});
  v.links.push_back({"x", "http://w/a.html", "http://w/img.png", "img", ""});  // images are not checked links
  Config cfg = load_config();
  auto f = LinksRule().check(v, RuleContext{Date(2025, 11, 20), &cfg});
  std::map<std::string, std::string> got;
  for (auto& x : f) got[x.subject] = x.rule;
  EXPECT_EQ(got, (std::map<std::string, std::string>{{"http://old/", "links.broken"},
                                                      {"http://w/404.html", "links.broken"},
                                                      {"http://w/loop.html", "links.broken"},
                                                      {"http://w/waf.html", "links.manual_check"}}));
  for (auto& x : f) {
    if (x.subject == "http://w/404.html") {
      EXPECT_NE(x.detail_json.find("\"linked_from_pages\":2"), std::string::npos);
    }
  }
}

// The crawl meets the pages linking a broken target in any order: the finding is the same.
TEST(Links, ABrokenTargetsSourcesDoNotDependOnCrawlOrder) {
  auto judge = [](std::vector<std::string> from) {
    SiteView v;
    v.site = Site{"x", "x", "http://w/", "county", {"w"}, "", ""};
    v.pages = {target("http://w/404.html", 404), target("http://w/waf.html", 412, "challenge")};
    for (auto& u : from) {
      v.links.push_back({"x", u, "http://w/404.html", "a", "旧文章 " + u});
      v.links.push_back({"x", u, "http://w/waf.html", "a", ""});
    }
    Config cfg = load_config();
    auto f = LinksRule().check(v, RuleContext{Date(2025, 11, 20), &cfg});
    std::vector<std::string> out;
    for (auto& x : f) out.push_back(x.rule + " " + x.url + " " + x.detail_json);
    return out;
  };
  std::vector<std::string> pages{"http://w/f.html", "http://w/c.html", "http://w/a.html", "http://w/e.html",
                                 "http://w/b.html", "http://w/g.html", "http://w/d.html"};
  auto once = judge(pages);
  std::reverse(pages.begin(), pages.end());
  EXPECT_EQ(judge(pages), once);
  ASSERT_EQ(once.size(), 2u);
  EXPECT_EQ(once[0].rfind("links.manual_check http://w/a.html ", 0), 0u) << once[0];
  EXPECT_EQ(once[1].rfind("links.broken http://w/a.html ", 0), 0u) << once[1];
  EXPECT_NE(once[1].find("\"linked_from_pages\":7"), std::string::npos);  // 7 pages, the first 5 by URL named
  EXPECT_NE(once[1].find("http://w/e.html"), std::string::npos);
  EXPECT_EQ(once[1].find("http://w/f.html"), std::string::npos);
}

TEST(Https, CertificateDatesAsCurlWritesThem) {
  EXPECT_EQ(parse_cert_date("Dec  3 09:30:28 2026 GMT")->iso(), "2026-12-03");
  EXPECT_EQ(parse_cert_date(" Jan 31 00:00:00 2027 GMT")->iso(), "2027-01-31");
  EXPECT_FALSE(parse_cert_date("not a date"));
}

TEST(Links, ARedirectIntoABrokenPageIsBroken) {
  SiteView v;
  v.site = Site{"x", "x", "http://w/", "county", {"w"}, "", ""};
  PageRecord stub = target("http://w/old.html", 200);  // recorded as "redirects to" a page crawled on its own
  stub.final_url = "http://w/new.html";
  stub.redirects = {{"http://w/old.html", 301}};
  v.pages = {stub, target("http://w/new.html", 404), target("http://w/moved.html", 200)};
  v.pages[2].final_url = "http://w/ok.html";
  v.pages.push_back(target("http://w/ok.html", 200));
  v.links = {{"x", "http://w/a.html", "http://w/old.html", "a", ""}, {"x", "http://w/a.html", "http://w/moved.html", "a", ""}};
  Config cfg = load_config();
  auto f = LinksRule().check(v, RuleContext{Date(2025, 11, 20), &cfg});
  ASSERT_EQ(f.size(), 1u);
  EXPECT_EQ(f[0].subject, "http://w/old.html");
  EXPECT_NE(f[0].detail_json.find("\"status\":404"), std::string::npos) << f[0].detail_json;
  // The hop is said as when the crawl met old.html first and followed it to the 404 itself.
  EXPECT_NE(f[0].detail_json.find("\"redirects\":[{\"status\":301,\"url\":\"http://w/old.html\"}]"), std::string::npos)
      << f[0].detail_json;
}
