#include "crawler/extract/reading.hpp"

#include <gtest/gtest.h>

#include <map>

using namespace govaudit;

namespace {
extract::Page read(const std::string& body, const std::string& url = "http://x.gov.cn/a.html") {
  return extract::parse("<html><body>" + body + "</body></html>", url);
}
}  // namespace

TEST(Reading, LabelledDatesInTheirRealForms) {
  for (auto [html, want] : std::vector<std::pair<std::string, std::string>>{
           {"<h1>某县关于做好秋冬季森林防火工作的通知</h1><p>发布: 2021-1-29 13:18</p><p>正文</p>", "2021-01-29"},
           {"<h1>某县关于做好秋冬季森林防火工作的通知</h1><span>时间：</span><span>2023-11-03 09:50:12</span>", "2023-11-03"},
           {"<h1>某县关于做好秋冬季森林防火工作的通知</h1><p>来源：县林业局　发布时间：2024年6月7日</p>", "2024-06-07"},
           {"<h1>某县关于做好秋冬季森林防火工作的通知</h1><p>日期 2022.3.5</p>", "2022-03-05"},
           {"<h1>某县关于做好秋冬季森林防火工作的通知</h1><p>【发布日期】2020/12/01</p>", "2020-12-01"},
           {"<h1>某县关于做好秋冬季森林防火工作的通知</h1><p>发布时间：2017-05-15 10：49：00</p>", "2017-05-15"},
       }) {
    auto p = read(html);
    ASSERT_TRUE(p.published) << html;
    EXPECT_EQ(p.published->iso(), want) << html;
    EXPECT_EQ(p.published_source, "label") << html;
  }
}

TEST(Reading, TheDateLineUnderTheTitle) {
  auto p = read("<h1>县政府召开常务会议研究部署重点工作</h1><div><span>2022-02-13 09:57</span><span>来源：县政府办</span></div>"
                "<p>2月12日，县政府召开第三十次常务会议。会议听取了2021年12月1日以来各项工作的情况汇报……</p>");
  ASSERT_TRUE(p.published);
  EXPECT_EQ(p.published->iso(), "2022-02-13");
  EXPECT_EQ(p.published_source, "header");
}

TEST(Reading, AnUnlabelledDateBesideTheSourceUnderTheTitle) {
  for (auto [html, want] : std::vector<std::pair<std::string, std::string>>{
           {"<h1>全国春播粮食面积稳中有增</h1><div class=\"info\">新华网 2023-05-01 10:00</div><p>正文</p>", "2023-05-01"},
           {"<h1>全国春播粮食面积稳中有增</h1><p>人民网 | 2023年05月02日 08:15</p><p>正文</p>", "2023-05-02"},
       }) {
    auto p = read(html);
    ASSERT_TRUE(p.published) << html;
    EXPECT_EQ(p.published->iso(), want) << html;
  }
  auto meeting = read("<h1>关于召开全县安全生产工作会议的通知</h1><p>会议时间：2023-05-08</p><p>正文</p>");
  EXPECT_FALSE(meeting.published && meeting.published->iso() == "2023-05-08");
}

TEST(Reading, EveryDateWeighedSaysWhyItWasNotTaken) {
  auto p = extract::parse("<html><head><meta name=\"PubDate\" content=\"2024-06-03\"></head><body>"
                          "<h1>关于开展全县安全生产大检查的通知</h1><p>日期：2024-05-30 10:10</p><p>检查开始时间：2024-06-10</p>"
                          "<p>Produced By CMS publishdate:2024/01/05 22:09:58</p></body></html>", "http://x.gov.cn/a.html");
  reading::weigh_text_dates(p);
  std::map<std::string, std::string> why;
  for (auto& c : p.date_reading) why[c.value + " " + c.from.substr(0, 4)] = c.rejected;
  EXPECT_EQ(p.date_reading.front().value, "2024-05-30");
  EXPECT_EQ(p.date_reading.front().rejected, "");
  EXPECT_EQ(why["2024-06-03 meta"], "the page shows another date; a reader trusts it over the meta");
  EXPECT_EQ(why["2024-06-10 text"], "a date of another kind (开始)");
  EXPECT_EQ(why["2024-01-05 text"], "a build stamp of the page");
}

TEST(Reading, WhatThePageShowsWinsOverItsMeta) {
  auto p = extract::parse(
      "<html><head><meta name=\"PubDate\" content=\"2022-04-24\"><meta name=\"ArticleTitle\" content=\"关于印发某县实施方案的通知\">"
      "</head><body><h1>关于印发某县实施方案的通知</h1><p>发布日期： 2017-05-15 10:49:00</p></body></html>",
      "http://x.gov.cn/art/2022/4/24/art_1_2.html");
  EXPECT_EQ(p.published->iso(), "2017-05-15");
  EXPECT_EQ(p.meta_published->iso(), "2022-04-24");
}

TEST(Reading, OtherDatesAreNotThePublicationDate) {
  // A meeting time in the body, a 成文日期 and a deadline are not when the page was published.
  auto p = read("<h1>关于召开全县安全生产工作会议的通知</h1><p>各乡镇：</p><p>经研究，定于近期召开会议。现将有关事项通知如下：</p>"
                "<p>会议时间：2023年3月1日上午9:00</p><p>报名截止日期：2023年2月25日</p><p>成文日期：2023-02-20</p>",
                "http://x.gov.cn/xxgk/index.html");
  EXPECT_FALSE(p.published) << p.published->iso() << " from " << p.published_source;
  ASSERT_TRUE(p.document_date);
  EXPECT_EQ(p.document_date->iso(), "2023-02-20");
}

TEST(Reading, TheUrlDateIsALastResortAndSaysSo) {
  auto p = read("<h1>某县召开会议</h1><p>正文</p>", "http://x.gov.cn/xxgk/202305/t20230512_1.html");
  ASSERT_TRUE(p.published);
  EXPECT_EQ(p.published_source, "url");
}

TEST(Reading, DocumentDateLabels) {
  for (const char* l : {"成文日期", "发文日期", "生成日期", "印发日期"}) {
    auto p = read(std::string("<table><tr><td>") + l + "：</td><td>2023-04-18</td></tr></table><h1>统计公报</h1>");
    ASSERT_TRUE(p.document_date) << l;
    EXPECT_EQ(p.document_date->iso(), "2023-04-18") << l;
  }
}

TEST(Reading, ColumnsFromBreadcrumbs) {
  // TRS: the breadcrumb's links carry class CurrChnlCls.
  auto trs = read("<div>首页 &gt;&gt; <a class=\"CurrChnlCls\" href=\"../\">信息公开</a> &gt;&gt; "
                  "<a class=\"CurrChnlCls\" href=\"./\">信息公开年报</a></div>");
  EXPECT_EQ(trs.column, "信息公开年报");
  // A 您现在的位置 line whose steps sit in elements of their own, ending in the article step.
  auto crumb = read("<div>您现在的位置：<span><a href=\"/\">首页</a></span><span>&gt;</span><span><a href=\"/zwgk/\">政务公开</a></span>"
                    "<span>&gt;</span><span><a href=\"/zwgk/tzgg/\">通知公告</a></span><span>&gt;</span><span>正文</span></div>");
  EXPECT_EQ(crumb.column, "通知公告");
}

TEST(Reading, TheBreadcrumbAReaderSeesOverColumnName) {
  auto page = [](const std::string& head, const std::string& body) {
    return extract::parse("<html><head>" + head + "</head><body>" + body + "</body></html>", "http://x.gov.cn/a.html");
  };
  // Unlabelled, "/" between steps, the page step last.
  EXPECT_EQ(page("", "<div class=\"position\">首页 / 新闻 / 政务资讯 / 区县热点 / 正文</div><h1>标题标题标题</h1>").column, "区县热点");
  // The breadcrumb goes below the top sections: it wins over a ColumnName that disagrees.
  EXPECT_EQ(page("<meta name=\"ColumnName\" content=\"综合服务\">",
                 "<div>当前位置：<a>西城服务</a> &gt; <a>社会服务</a> &gt; 信息详情</div>").column, "社会服务");
  // Only a top section: ColumnName is more precise.
  EXPECT_EQ(page("<meta name=\"ColumnName\" content=\"高校校园文化建设\">", "<div>当前位置：<a>首页</a> &gt; <a>公开</a></div>").column,
            "高校校园文化建设");
  // The site's name glued to the column; a year is not a column.
  EXPECT_EQ(page("<meta name=\"SiteName\" content=\"武汉市人民政府门户网站\"><meta name=\"ColumnName\" content=\"武汉市人民政府门户网站武汉动态\">",
                 "<p>正文</p>").column, "武汉动态");
  EXPECT_EQ(page("<meta name=\"ColumnName\" content=\"2024年\">", "<p>正文</p>").column, "");
  // 首页 > 正文 names no column.
  EXPECT_EQ(page("", "<div>当前位置： 首页 &gt; 正文</div>").column, "");
}

TEST(Reading, WhatScriptsWriteIsReadWithoutRunningThem) {
  // conac's badge snippet, percent-encoded inside document.write(unescape(…)).
  auto conac = read("<script>document.write(unescape(\"%3Cspan id='_ideConac' %3E%3C/span%3E%3Cscript "
                    "src='//dcs.conac.cn/js/20/296/0910/60198055/CA202960910601980550001.js' type='text/javascript'%3E%3C/script%3E\"));</script>");
  bool badge = false;
  for (auto& l : conac.links) badge = badge || (l.tag == "script" && l.href.find("dcs.conac.cn/js/") != std::string::npos);
  EXPECT_TRUE(badge);
  // A footer kept as string literals joined by '+' and set as innerHTML.
  auto footer = read("<div id=\"footerAnchor\"></div><script>var pcFooterStr = '<div class=\"foot\">'+\n"
                     "'<p>粤ICP备05070829号 网站标识码4400000131</p>'+\n'</div>';\n"
                     "document.getElementById('footerAnchor').innerHTML = pcFooterStr; // it's written here</script>");
  EXPECT_NE(footer.text.find("粤ICP备05070829号 网站标识码4400000131"), std::string::npos) << footer.text;
  // 找错 through an onclick handler: the URL it opens.
  auto jiucuo = read("<a href=\"#\" onclick='window.open(\"http://www.changzhou.gov.cn/api/jiucuo.php?site_code=3204110029&url=\"+"
                     "window.location.href);return false;'><img src=\"bottom_jiucuo.png\"></a>");
  bool opened = false;
  for (auto& l : jiucuo.links) opened = opened || l.href == "http://www.changzhou.gov.cn/api/jiucuo.php?site_code=3204110029&url=";
  EXPECT_TRUE(opened);
  // Script text is not the page's date.
  auto clock = read("<h1>县政府召开常务会议研究部署重点工作</h1><p>正文正文</p>"
                    "<script>document.write('<span>发布时间：2030-01-01</span>');</script>");
  EXPECT_FALSE(clock.published);
}

TEST(Reading, RelatedLinksFromTheirBlock) {
  auto p = read("<div class=\"content\"><p>正文内容。</p><p><a href=\"/fj/1.doc\">附件1</a></p></div>"
                "<div class=\"glgj\"><span>关联稿件：</span><ul><li><a href=\"/jd/1.html\">图文解读：《某县实施方案》</a></li></ul></div>"
                "<div class=\"footer\"><a href=\"http://beian.miit.gov.cn\">皖ICP备05012345号</a></div>");
  ASSERT_EQ(p.related.size(), 1u);
  EXPECT_EQ(p.related[0].href, "/jd/1.html");
  // An empty block (its items filled by script) names nothing, not the footer.
  auto empty = read("<div class=\"glgj\"><span>关联稿件：</span><ul></ul></div><div><p>x</p></div>"
                    "<div class=\"footer\"><a href=\"http://beian.miit.gov.cn\">皖ICP备05012345号</a></div>");
  EXPECT_TRUE(empty.related.empty());
  auto templ = read("<div class=\"xglj\"><span>相关链接：</span><p><a ms-attr-href=\"el.url\"></a></p></div>");
  EXPECT_TRUE(templ.related.empty());
  EXPECT_TRUE(templ.related_by_script);
}
