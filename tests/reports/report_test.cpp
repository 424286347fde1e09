#include "reports/rectification.hpp"
#include "reports/report.hpp"
#include "tests/test_helpers.hpp"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <filesystem>
#include <fstream>
#include <sstream>

using namespace govaudit;

namespace {

// A report of one audited site, judged with the default config (kept alive by the caller).
ReportData one_site(const Config& cfg, Site site) {
  ReportData d;
  d.config = &cfg;
  d.audit.today = "2025-11-20";
  SiteSummary s;
  s.site = std::move(site);
  s.status = "done";
  d.sites.push_back(s);
  return d;
}

}  // namespace

TEST(Report, JsonLinesFollowTheContract) {
  std::ostringstream o;
  write_jsonl({{"qinghe", "footer.missing_icp", "www.qinghe.gov.cn.test", "http://www.qinghe.gov.cn.test:18080/",
                R"({"identifier":"ICP备案号"})"},
               {"qinghe", "meta.missing", "www.qinghe.gov.cn.test", "", "not json"}},
              o);
  std::istringstream in(o.str());
  std::string line;
  std::getline(in, line);
  auto j = nlohmann::json::parse(line);
  EXPECT_EQ(j["site"], "qinghe");
  EXPECT_EQ(j["rule"], "footer.missing_icp");
  EXPECT_EQ(j["subject"], "www.qinghe.gov.cn.test");
  EXPECT_EQ(j["detail"]["identifier"], "ICP备案号");
  std::getline(in, line);
  EXPECT_EQ(nlohmann::json::parse(line)["detail"], "not json");
}

TEST(Report, HtmlEscapesEveryPageString) {
  Config cfg = load_config();
  ReportData d = one_site(cfg, Site{"x", "<script>alert(1)</script>", "http://x/\"onmouseover=\"", "county", {"x"}, "", ""});
  d.findings.push_back({"x", "meta.missing", "<img src=x onerror=alert(1)>", "http://x/'><script>", R"({"title":"<b>t</b>"})"});
  std::ostringstream o;
  write_html(d, o);
  std::string h = o.str();
  EXPECT_EQ(h.find("<script>alert"), std::string::npos);
  EXPECT_EQ(h.find("<img src=x"), std::string::npos);
  EXPECT_EQ(h.find("<b>t</b>"), std::string::npos);
  EXPECT_NE(h.find("&lt;script&gt;alert(1)&lt;/script&gt;"), std::string::npos);
  EXPECT_NE(h.find("文章页缺少必备元数据"), std::string::npos);
  EXPECT_EQ(html_escape("a&<>\"'"), "a&amp;&lt;&gt;&quot;&#39;");
}

// A user's --config words the headings and the rectification list's columns as their office does.
TEST(Report, HeadingsAndColumnsAreTheConfiguredWords) {
  Config cfg = load_config();
  apply_config_text(cfg, "[wording.report]\noverview = \"一、总体评估\"\nmd_rectification = \"问题整改台账\"\n"
                         "[wording.rectification]\nunit = \"责任科室\"\n"
                         "[wording.columns]\nmanual = [\"站点\", \"核查对象\", \"说明\"]\n", "user.toml");
  ReportData d = one_site(cfg, Site{"x", "某县人民政府", "http://x/", "county", {"x"}, "", ""});
  d.findings.push_back({"x", "meta.missing", "www.x", "http://x/", "{}"});
  d.findings.push_back({"x", "links.manual_check", "http://x/waf.html", "http://x/", R"({"reason":"challenge"})"});
  auto rows = rectification_rows(d);
  std::ostringstream html, md, csv;
  write_html(d, html);
  write_markdown(d, rows, md);
  write_rectification_csv(cfg, rows, csv);
  EXPECT_NE(html.str().find("<h2>一、总体评估</h2>"), std::string::npos);
  EXPECT_EQ(html.str().find("一、总体情况"), std::string::npos);
  EXPECT_NE(html.str().find("<h2>二、分站点问题</h2>"), std::string::npos);  // the rest as the defaults say
  EXPECT_NE(md.str().find("## 问题整改台账"), std::string::npos);
  EXPECT_NE(html.str().find("<tr><th>站点</th><th>核查对象</th><th>说明</th></tr>"), std::string::npos);
  EXPECT_NE(csv.str().find(",\"责任科室\","), std::string::npos) << csv.str();
  // Words the defaults do not have are an error, not silently ignored.
  EXPECT_THROW(apply_config_text(cfg, "[wording.report]\noverveiw = \"x\"\n", "user.toml"), ConfigError);
  EXPECT_THROW(apply_config_text(cfg, "[wording.report]\noverview = 3\n", "user.toml"), ConfigError);
  EXPECT_THROW(apply_config_text(cfg, "[wording.columns]\nmanual = [\"站点\", \"说明\"]\n", "user.toml"), ConfigError);  // a column short
}

TEST(Report, SentencesWithNumbersAreConfiguredWordsWithTheirPlaceholders) {
  Config cfg = load_config();
  apply_config_text(cfg, "[wording.report]\nmd_head = \"{date} 测评 {sites} 站，问题 {n} 条\"\n"
                         "findings_line = \"共 {n} 项 <不含人工核查>\"\n"  // a placeholder left out, and markup that is text
                         "[wording.console]\nshown = \"{{ {n} }}\"\n", "user.toml");
  ReportData d = one_site(cfg, Site{"x", "某县人民政府", "http://x/", "county", {"x"}, "", ""});
  d.findings.push_back({"x", "meta.missing", "www.x", "http://x/", "{}"});
  auto rows = rectification_rows(d);
  std::ostringstream html, md;
  write_html(d, html);
  write_markdown(d, rows, md);
  EXPECT_NE(md.str().find(d.audit.today + " 测评 1 站，问题 1 条"), std::string::npos) << md.str();
  EXPECT_NE(html.str().find("共 1 项 &lt;不含人工核查&gt;"), std::string::npos);
  EXPECT_EQ(cfg.say("console.shown", {{"n", "7"}}), "{ 7 }");
  // A placeholder the default does not fill, or a stray brace, is an error when the file is read.
  EXPECT_THROW(apply_config_text(cfg, "[wording.report]\nmd_head = \"{date} {count}\"\n", "user.toml"), ConfigError);
  EXPECT_THROW(apply_config_text(cfg, "[wording.console]\nshown = \"共 {n 项\"\n", "user.toml"), ConfigError);
  EXPECT_THROW(apply_config_text(cfg, "[wording.console]\nrecheck = \"{}\"\n", "user.toml"), ConfigError);
}

TEST(Report, RectificationCsvReadsBackWithPythonsCsvModule) {
  std::vector<RectificationRow> rows{{1, "某县人民政府", "栏目设置", "栏目为空：依申请公开, \"暂无信息\"", "http://x/a,b", "条例\n第二十条",
                                      "补充发布", "县政府办", "2025-12-04", "新发现"}};
  auto path = std::filesystem::temp_directory_path() / ("govaudit_rect_" + std::to_string(::getpid()) + ".csv");
  {
    std::ofstream f(path, std::ios::binary);
    write_rectification_csv(load_config(), rows, f);
  }
  std::string cmd = "python3 -c \"import csv,sys; r=list(csv.reader(open(sys.argv[1], encoding='utf-8-sig', newline=''))); "
                    "assert r[0][0]=='序号' and r[0][9]=='整改状态', r[0]; assert len(r)==2 and len(r[1])==10, r; "
                    "assert r[1][3]=='栏目为空：依申请公开, \\\"暂无信息\\\"', r[1][3]; assert r[1][5]=='条例\\n第二十条', r[1][5]\" " +
                    path.string();
  EXPECT_EQ(govaudit::test::sh(cmd), 0);
  std::filesystem::remove(path);
}

TEST(Report, ASiteWhoseCrawlACapCutShortIsNotCalledPassed) {
  Config cfg = load_config();
  ReportData d = one_site(cfg, Site{"x", "某县人民政府", "http://x/", "county", {"x"}, "", ""});
  d.sites[0].limits = {"query variants per path (50) on /search", "pages per site (500000)"};
  RunSummary sum = summarize(d);
  EXPECT_STREQ(sum.verdicts["x"].conclusion(), "未完整测评");
  EXPECT_EQ(sum.failed, 0);
  EXPECT_NE(cut_short_line(cfg, sum).find("某县人民政府：每站页面数上限 500000（crawl.max_pages_per_site）"), std::string::npos) << cut_short_line(cfg, sum);
  std::ostringstream o;
  write_html(d, o);
  EXPECT_NE(o.str().find("采集未完成"), std::string::npos);
  d.sites[0].limits = {"query variants per path (50) on /search"};  // a trap guard is not a cut
  EXPECT_STREQ(summarize(d).verdicts["x"].conclusion(), "合格");
  EXPECT_EQ(cut_short_line(cfg, summarize(d)), "");
}
