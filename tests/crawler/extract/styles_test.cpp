// Which links CSS hides from readers (security.hidden_link reads what this marks).
#include <gtest/gtest.h>

#include "crawler/extract/extract.hpp"
#include "model/records.hpp"

namespace govaudit {
namespace {

// How the link to `href` is hidden on a page with this body and <style>.
std::string hidden_of(const std::string& body, const std::string& href, const std::string& style = "") {
  std::string html = "<html><head><style>" + style + "</style></head><body>" + body + "</body></html>";
  auto page = extract::parse(html, "http://www.x.gov.cn/index.html");
  for (auto& l : page.links)
    if (l.href == href) return l.hidden;
  ADD_FAILURE() << "no link to " << href;
  return "?";
}

TEST(HiddenLinks, EveryFormAnInjectedBlockUses) {
  const char* a = "<a href=\"http://spam.test/\">澳门博彩</a>";
  auto in = [&](const std::string& style) { return "<div style=\"" + style + "\">" + a + "</div>"; };
  EXPECT_EQ(hidden_of(in("display:none"), "http://spam.test/"), "display:none");
  EXPECT_EQ(hidden_of(in("DISPLAY: none !important"), "http://spam.test/"), "display:none");
  EXPECT_EQ(hidden_of("<span style=\"visibility:hidden\">" + std::string(a) + "</span>", "http://spam.test/"), "visibility:hidden");
  EXPECT_EQ(hidden_of(in("font-size:0"), "http://spam.test/"), "font-size:0");
  EXPECT_EQ(hidden_of(in("font-size:0px"), "http://spam.test/"), "font-size:0");
  EXPECT_EQ(hidden_of(in("height:0;overflow:hidden"), "http://spam.test/"), "height:0;overflow:hidden");
  EXPECT_EQ(hidden_of(in("width:0px;overflow:hidden"), "http://spam.test/"), "width:0;overflow:hidden");
  EXPECT_NE(hidden_of(in("position:absolute;left:-9999px"), "http://spam.test/"), "");
  EXPECT_NE(hidden_of(in("position:fixed;top:-999px"), "http://spam.test/"), "");
  // On the link itself, and several levels up.
  EXPECT_EQ(hidden_of("<a style=\"display:none\" href=\"http://spam.test/\">x</a>", "http://spam.test/"), "display:none");
  EXPECT_EQ(hidden_of("<div style=\"display:none\"><ul><li><p>" + std::string(a) + "</p></li></ul></div>", "http://spam.test/"),
            "display:none");
}

TEST(HiddenLinks, ThroughThePagesOwnStyleRules) {
  const char* a = "<a href=\"http://spam.test/\">x</a>";
  EXPECT_EQ(hidden_of("<div class=\"box hdn\">" + std::string(a) + "</div>", "http://spam.test/", ".hdn{display:none}"),
            ".box.hdn {display:none}");
  EXPECT_NE(hidden_of("<div id=\"k\">" + std::string(a) + "</div>", "http://spam.test/", "#k { visibility : hidden }"), "");
  EXPECT_NE(hidden_of("<div class=\"a\"><p class=\"b\">" + std::string(a) + "</p></div>", "http://spam.test/",
                      "/* injected */ .a .b{position:absolute;left:-3000px}"), "");
  EXPECT_NE(hidden_of("<div class=\"z\">" + std::string(a) + "</div>", "http://spam.test/", "p, div.z {font-size:0}"), "");
  // Split over a class and the style attribute.
  EXPECT_NE(hidden_of("<div class=\"h0\" style=\"overflow:hidden\">" + std::string(a) + "</div>", "http://spam.test/",
                      ".h0{height:0}"), "");
}

TEST(HiddenLinks, VisibleOnesAreNot) {
  const char* a = "<a href=\"http://www.ccb.com/\">中国建设银行</a>";
  EXPECT_EQ(hidden_of(a, "http://www.ccb.com/"), "");
  EXPECT_EQ(hidden_of("<div style=\"height:0\">" + std::string(a) + "</div>", "http://www.ccb.com/"), "");  // overflow shows
  EXPECT_EQ(hidden_of("<div style=\"position:absolute;left:-20px\">" + std::string(a) + "</div>", "http://www.ccb.com/"), "");
  EXPECT_EQ(hidden_of("<div style=\"position:relative;left:-9999px\">" + std::string(a) + "</div>", "http://www.ccb.com/"), "");
  EXPECT_EQ(hidden_of("<div class=\"menu\">" + std::string(a) + "</div>", "http://www.ccb.com/",
                      ".menu:hover ul{display:none} @media print{.menu{display:none}} .other{display:none}"),
            "");
  EXPECT_EQ(hidden_of("<div class=\"b\">" + std::string(a) + "</div>", "http://www.ccb.com/", ".a .b{display:none}"), "");
  EXPECT_EQ(hidden_of("<div class=\"hdn2\">" + std::string(a) + "</div>", "http://www.ccb.com/", ".hdn{display:none}"), "");
}

// The page's own drop-downs, tabs and mobile bars hide links too; they are marked as a menu of the
// page, which security.hidden_link leaves alone. An injected block is never one.
TEST(HiddenLinks, TheSitesOwnMenusAreMarkedAsMenus) {
  auto menu = [](const std::string& how) {
    return how.size() > kHiddenInMenu.size() && how.ends_with(kHiddenInMenu);
  };
  // A hidden tab panel with the site's own links beside the media one.
  EXPECT_TRUE(menu(hidden_of("<div class=\"three\" style=\"display:none\"><a href=\"/xcdt/\">西城动态</a>"
                             "<a href=\"https://weibo.com/xicheng\">政务微博</a></div>",
                             "https://weibo.com/xicheng")));
  // Links to other government sites make it a links menu.
  EXPECT_TRUE(menu(hidden_of("<ul style=\"display:none\"><li><a href=\"http://www.mee.gov.cn/\">生态环境部</a></li>"
                             "<li><a href=\"http://www.cae.cn/\">中国工程院</a></li></ul>",
                             "http://www.cae.cn/")));
  // A drop-down that a visible button beside it opens.
  EXPECT_TRUE(menu(hidden_of("<div class=\"dropdown\"><button>新闻媒体网站</button><ul class=\"dropdown-menu\" "
                             "style=\"display: none;\"><li><a href=\"http://www.people.com.cn/\">人民网</a></li></ul></div>",
                             "http://www.people.com.cn/")));
  // Injected: a block of outside links of its own, shown by nothing.
  std::string spam = "<div style=\"display:none\"><a href=\"http://www.xpj-casino.test/\">澳门博彩</a>"
                     "<a href=\"http://www.bjl.test/\">百家乐</a></div>";
  EXPECT_FALSE(menu(hidden_of("<div class=\"wrap\"><p>正文</p></div>" + spam + "<div class=\"footer\">版权所有</div>",
                              "http://www.xpj-casino.test/")));
  EXPECT_FALSE(menu(hidden_of("<div style=\"position:absolute;left:-9999px\"><a href=\"http://a.test/\">x</a></div>",
                              "http://a.test/")));
}

}  // namespace
}  // namespace govaudit
