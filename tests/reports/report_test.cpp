#include "reports/report.hpp"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <sstream>

using namespace govaudit;

TEST(Report, JsonLinesFollowTheContract) {
  std::ostringstream o;
  write_jsonl({{"qinghe", "footer.missing_icp", "www.qinghe.gov.cn.test", "http://www.qinghe.gov.cn.test:18080/",
                R"({"identifier":"ICP备案号"})", "minor"},
               {"qinghe", "meta.missing", "www.qinghe.gov.cn.test", "", "not json", "minor"}},
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
  ReportData d;
  d.config = &cfg;
  d.audit.today = "2025-11-20";
  SiteSummary s;
  s.site = Site{"x", "<script>alert(1)</script>", "http://x/\"onmouseover=\"", "county", {"x"}, "", ""};
  s.status = "done";
  d.sites.push_back(s);
  d.findings.push_back({"x", "meta.missing", "<img src=x onerror=alert(1)>", "http://x/'><script>", R"({"title":"<b>t</b>"})", "minor"});
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
