#include "crawler/inspect.hpp"
#include "tests/test_helpers.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <unicode/unistr.h>

using namespace govaudit;

namespace {
std::string read(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}
const std::string kReal = GOVAUDIT_SHARED_DIR "/real-pages/";
bool have_real() { return std::filesystem::exists(kReal + "README.md"); }
// "发布日期：2025年03月06日" etc. in GBK, built from UTF-8 so the test reads as text.
std::string gbk(const std::string& utf8);
}  // namespace

TEST(Inspect, OwnTrsArticleWithBothDates) {
  std::string html = "<html><head><meta charset=\"utf-8\"><meta name=\"ColumnName\" content=\"规范性文件\">"
                     "<title>关于印发《某县办法》的通知</title></head><body><div>当前位置：首页 &gt; 政务公开 &gt; 规范性文件</div>"
                     "<table><tr><td>成文日期：2024-06-03</td><td>发布日期：2024-06-05</td></tr></table>"
                     "<div class=\"related\">相关解读：<a href=\"../../zcjd/202406/t20240606_2.html\">《某县办法》政策解读</a></div>"
                     "<script>createPageHTML(1, 0, \"t20240605_1\", \"html\");</script></body></html>";
  auto j = inspect_page(html, "text/html", "http://www.x.gov.cn/xxgk/gfxwj/202406/t20240605_1.html");
  EXPECT_EQ(j["published"], "2024-06-05");
  EXPECT_EQ(j["published_source"], "label");
  EXPECT_EQ(j["document_date"], "2024-06-03");
  EXPECT_EQ(j["column"], "规范性文件");
  EXPECT_EQ(j["cms"]["name"], "TRS");
  ASSERT_EQ(j["related"]["links"].size(), 1u);
  EXPECT_EQ(j["related"]["links"][0]["url"], "http://www.x.gov.cn/xxgk/zcjd/202406/t20240606_2.html");
  EXPECT_EQ(j["links"]["internal"], 1);
}

TEST(Inspect, OwnHanwebListAndChineseMetaDate) {
  std::string html = "<html><head><meta charset=\"utf-8\"><meta name=\"PubDate\" content=\"2020年08月02日\"><title>政府文件</title></head><body>"
                     "<div id=\"1\"><script type=\"text/xml\"><datastore><recordset>"
                     "<record><![CDATA[<li><a href=\"/art/2025/8/21/art_8422_1.html\">通知一</a><span>2025-08-21</span></li>]]></record>"
                     "<record><![CDATA[<li><a href=\"/art/2025/8/20/art_8422_2.html\">通知二</a><span>2025-08-20</span></li>]]></record>"
                     "</recordset></datastore></script></div><script src=\"/module/jslib/jquery.js\"></script></body></html>";
  auto j = inspect_page(html, "", "http://www.x.gov.cn/col/col8422/index.html");
  EXPECT_EQ(j["cms"]["name"], "Hanweb");
  EXPECT_EQ(j["kind"], "list");
  EXPECT_EQ(j["items"], 2);
  EXPECT_EQ(j["published"], "2020-08-02");  // a Chinese date inside <meta name="PubDate">
}

TEST(Inspect, GbkWithoutADeclaredCharsetAndALyingGb2312Label) {
  std::string body = gbk("<html><head><title>政务公开工作要点</title></head><body><p>发布日期：2021年05月13日，政府信息公开，"
                         "深化重点领域信息公开，加强政策解读。</p></body></html>");
  auto j = inspect_page(body, "text/html", "http://www.x.gov.cn/a.html");
  EXPECT_EQ(j["charset"], "GB18030");
  EXPECT_EQ(j["charset_source"], "detected");
  EXPECT_EQ(j["title"], "政务公开工作要点");
  EXPECT_EQ(j["published"], "2021-05-13");
  EXPECT_EQ(j["replacement_chars"], 0);
  auto k = inspect_page("<html><head><meta charset=\"gb2312\"><title>政务公开</title></head></html>", "", "http://x/");
  EXPECT_EQ(k["charset"], "UTF-8");
  EXPECT_EQ(k["title"], "政务公开");
}

TEST(Inspect, RealPingtanNormativeDocument) {
  if (!have_real()) GOVAUDIT_NEED_SHARED("real-pages");
  auto j = inspect_page(read(kReal + "pingtan/hzgfxwj_t20170928_79993.excerpt.html"), "",
                        "https://www.pingtan.gov.cn/zwgk/zfxxgk/gwhwj/hzgfxwj/201709/t20170928_79993.htm");
  EXPECT_EQ(j["published"], "2017-09-28");
  EXPECT_EQ(j["published_source"], "label");  // 时间：2017-09-28 21:00 under the title
  EXPECT_EQ(j["meta_published"], "2017-09-28");
  EXPECT_EQ(j["document_date"], "2017-09-27");  // 成文日期 is not the publication date
  EXPECT_EQ(j["column"], "行政规范性文件");
  EXPECT_TRUE(j["related"]["loaded_by_script"].get<bool>());
}

TEST(Inspect, RealHandanPages) {
  if (!have_real()) GOVAUDIT_NEED_SHARED("real-pages");
  auto d = inspect_page(read(kReal + "hd_gov_cn/hdzfxxgk_details.html"), "",
                        "http://hdzfxxgk.hd.gov.cn/gszbm/auto23716/202008/t20200802_1352640.html");
  EXPECT_EQ(d["published"], "2020-08-02");  // PubDate "2020年08月02日"
  EXPECT_EQ(d["cms"]["name"], "TRS");
  auto l = inspect_page(read(kReal + "hd_gov_cn/hdzfxxgk_list.html"), "", "http://hdzfxxgk.hd.gov.cn/zfwj/jinqixxgk/index.html");
  ASSERT_FALSE(l["pager"].is_null());
  EXPECT_EQ(l["pager"]["pages"], 56);  // var countPage=56
}

TEST(Inspect, RealPagesDecodeWithoutReplacementCharacters) {
  if (!have_real()) GOVAUDIT_NEED_SHARED("real-pages");
  for (auto& e : std::filesystem::recursive_directory_iterator(kReal)) {
    if (e.path().extension() != ".html") continue;
    auto j = inspect_page(read(e.path()), "", "http://x.gov.cn/");
    EXPECT_EQ(j["replacement_chars"], 0) << e.path();
    EXPECT_FALSE(j["title"].get<std::string>().empty()) << e.path();
  }
}

namespace {
std::string gbk(const std::string& utf8) {
  icu::UnicodeString u = icu::UnicodeString::fromUTF8(utf8);
  std::string out(size_t(u.length()) * 4 + 4, '\0');
  int32_t n = u.extract(0, u.length(), out.data(), uint32_t(out.size()), "GBK");
  out.resize(size_t(n));
  return out;
}
}  // namespace
