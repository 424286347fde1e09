#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <set>

#include "reports/report.hpp"

namespace govaudit {

std::string html_escape(std::string_view s) {
  std::string o;
  o.reserve(s.size() + 16);
  for (char c : s) {
    switch (c) {
      case '&': o += "&amp;"; break;
      case '<': o += "&lt;"; break;
      case '>': o += "&gt;"; break;
      case '"': o += "&quot;"; break;
      case '\'': o += "&#39;"; break;
      default: o += c;
    }
  }
  return o;
}

namespace {

const char* kStyle = R"css(
body{font-family:"Noto Sans CJK SC","Microsoft YaHei","PingFang SC",sans-serif;margin:0;color:#222;background:#f6f7f9}
main{max-width:1100px;margin:0 auto;padding:24px 32px;background:#fff}
h1{font-size:26px;border-bottom:3px solid #b71c1c;padding-bottom:8px}
h2{font-size:20px;margin-top:32px;border-left:5px solid #b71c1c;padding-left:8px}
h3{font-size:16px;margin-top:20px}
table{border-collapse:collapse;width:100%;margin:8px 0 16px;font-size:13px}
th,td{border:1px solid #ccc;padding:5px 7px;text-align:left;vertical-align:top;word-break:break-all}
th{background:#f0f0f0}
.pass{color:#1b5e20;font-weight:bold}.fail{color:#b71c1c;font-weight:bold}
.veto{background:#ffebee}.muted{color:#777;font-size:12px}
.kv td:first-child{width:160px;background:#fafafa}
code{font-size:12px;background:#f3f3f3;padding:1px 3px}
@media print{body{background:#fff}main{padding:0;max-width:none}h2{page-break-before:auto}table{page-break-inside:auto}tr{page-break-inside:avoid}}
@page{size:A4;margin:16mm}
)css";

std::string detail_text(const std::string& detail_json) {
  auto j = nlohmann::json::parse(detail_json, nullptr, false);
  if (j.is_discarded() || !j.is_object()) return html_escape(detail_json);
  std::string out;
  for (auto& [k, v] : j.items()) {
    if (!out.empty()) out += "；";
    out += html_escape(k) + "：" + html_escape(v.is_string() ? v.get<std::string>() : v.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
  }
  return out;
}

void bar_chart(std::ostream& o, const std::map<std::string, int>& counts) {
  if (counts.empty()) return;
  int max = 1;
  for (auto& [k, v] : counts) max = std::max(max, v);
  int h = 26 * int(counts.size()) + 10;
  o << "<svg role=\"img\" aria-label=\"问题分类统计\" width=\"720\" height=\"" << h << "\" xmlns=\"http://www.w3.org/2000/svg\">";
  int y = 5;
  for (auto& [k, v] : counts) {
    int w = 480 * v / max;
    o << "<text x=\"0\" y=\"" << y + 15 << "\" font-size=\"13\">" << html_escape(k) << "</text>"
      << "<rect x=\"150\" y=\"" << y << "\" width=\"" << w << "\" height=\"18\" fill=\"#c62828\"/>"
      << "<text x=\"" << 156 + w << "\" y=\"" << y + 14 << "\" font-size=\"12\">" << v << "</text>";
    y += 26;
  }
  o << "</svg>";
}

}  // namespace

void write_html(const ReportData& d, std::ostream& o) {
  const Config& cfg = *d.config;
  std::map<std::string, std::vector<const Finding*>> by_site;
  std::map<std::string, int> by_category;
  for (auto& f : d.findings) {
    by_site[f.site_id].push_back(&f);
    ++by_category[cfg.rule_text(f.rule).category];
  }
  o << "<!DOCTYPE html><html lang=\"zh-CN\"><head><meta charset=\"utf-8\"><title>" << html_escape(cfg.report_title)
    << "</title><style>" << kStyle << "</style></head><body><main>";
  o << "<h1>" << html_escape(cfg.report_title) << "</h1>";
  o << "<table class=\"kv\"><tr><td>测评日期</td><td>" << html_escape(d.audit.today) << "</td></tr>"
    << "<tr><td>采集时间</td><td>" << html_escape(d.crawl.started_at) << " 至 " << html_escape(d.crawl.finished_at) << "（UTC）</td></tr>"
    << "<tr><td>测评网站数</td><td>" << d.sites.size() << "</td></tr>"
    << "<tr><td>发现问题数</td><td>" << d.findings.size() << "</td></tr>"
    << "<tr><td>工具</td><td>govaudit " << version() << "（采集批次 " << d.crawl.id << "，测评批次 " << d.audit.id << "）</td></tr></table>";

  o << "<h2>一、总体情况</h2><table><tr><th>网站</th><th>首页</th><th>采集页面</th><th>问题数</th><th>单项否决</th><th>结论</th></tr>";
  for (auto& s : d.sites) {
    auto& fs = by_site[s.site.id];
    int veto = 0;
    for (auto* f : fs)
      if (cfg.rule_text(f->rule).severity == "veto") ++veto;
    bool pass = veto == 0;
    o << "<tr" << (pass ? "" : " class=\"veto\"") << "><td>" << html_escape(s.site.name) << "</td><td>"
      << html_escape(s.site.homepage) << "</td><td>" << s.pages << "</td><td>" << fs.size() << "</td><td>" << veto
      << "</td><td class=\"" << (pass ? "pass\">未触发否决项" : "fail\">不合格") << "</td></tr>";
  }
  o << "</table><h3>问题分类</h3>";
  bar_chart(o, by_category);

  o << "<h2>二、分站点问题</h2>";
  for (auto& s : d.sites) {
    o << "<h3>" << html_escape(s.site.name) << "（" << html_escape(s.site.id) << "）</h3>";
    if (s.status == "unreachable") o << "<p class=\"fail\">首页无法访问：" << html_escape(s.error) << "</p>";
    for (auto& l : s.limits) o << "<p class=\"muted\">采集限制：" << html_escape(l) << "</p>";
    auto& fs = by_site[s.site.id];
    if (fs.empty()) {
      o << "<p class=\"pass\">未发现问题。</p>";
      continue;
    }
    std::map<std::string, std::vector<const Finding*>> by_cat;
    for (auto* f : fs) by_cat[cfg.rule_text(f->rule).category].push_back(f);
    o << "<table><tr><th>类别</th><th>问题</th><th>对象</th><th>证据链接</th><th>测量值</th></tr>";
    for (auto& [cat, list] : by_cat)
      for (auto* f : list) {
        auto rt = cfg.rule_text(f->rule);
        o << "<tr><td>" << html_escape(cat) << "</td><td>" << html_escape(rt.title) << "<br><code>" << html_escape(f->rule)
          << "</code></td><td>" << html_escape(f->subject) << "</td><td>" << html_escape(f->url) << "</td><td>"
          << detail_text(f->detail_json) << "</td></tr>";
      }
    o << "</table>";
  }

  o << "<h2>三、测评方法</h2><table><tr><th>规则</th><th>问题</th><th>整改要求</th><th>依据</th></tr>";
  for (auto& [id, rt] : cfg.rules)
    o << "<tr><td><code>" << html_escape(id) << "</code></td><td>" << html_escape(rt.title) << "</td><td>"
      << html_escape(rt.requirement) << "</td><td>" << html_escape(rt.basis) << "</td></tr>";
  o << "</table><p class=\"muted\">文章页元数据缺失比例阈值 " << cfg.thresholds.meta_missing_max_share * 100
    << "%；首页更新时限 " << cfg.thresholds.homepage_update_days << " 天；政策解读时限 "
    << cfg.thresholds.interpretation_working_days << " 个工作日。</p>";
  o << "</main></body></html>\n";
}

ReportData load_report_data(Store& store, const Config& config, std::int64_t audit_run) {
  ReportData d;
  d.config = &config;
  auto a = store.run(audit_run);
  if (!a || a->kind != "audit") throw std::runtime_error("run " + std::to_string(audit_run) + " is not an audit run");
  d.audit = *a;
  d.crawl = store.run(a->crawl_run.value_or(0)).value_or(RunInfo{});
  d.findings = store.findings(audit_run);
  auto& db = store.connection();
  auto st = db.prepare(
      "SELECT s.site_id, s.status, s.error, s.limits, "
      "(SELECT COUNT(*) FROM pages p WHERE p.run_id=s.run_id AND p.site_id=s.site_id AND p.charset<>''), "
      "(SELECT COUNT(*) FROM pages p WHERE p.run_id=s.run_id AND p.site_id=s.site_id AND p.charset='') "
      "FROM sites s WHERE s.run_id=? ORDER BY s.rowid");
  st.bind(1, d.crawl.id);
  auto sites = store.sites(d.crawl.id);
  size_t i = 0;
  while (st.step()) {
    SiteSummary s;
    s.site = sites.at(i++);
    s.status = st.text(1);
    s.error = st.text(2);
    s.limits = nlohmann::json::parse(st.text(3)).get<std::vector<std::string>>();
    s.pages = int(st.integer(4));
    s.checked = int(st.integer(5));
    d.sites.push_back(std::move(s));
  }
  return d;
}

std::vector<std::filesystem::path> write_reports(const ReportData& data, const std::filesystem::path& dir) {
  std::filesystem::create_directories(dir);
  std::vector<std::filesystem::path> out;
  auto open = [&](const char* name) {
    auto p = dir / name;
    std::ofstream f(p, std::ios::binary | std::ios::trunc);
    if (!f) throw std::runtime_error(p.string() + ": cannot write");
    out.push_back(p);
    return f;
  };
  {
    auto f = open("findings.jsonl");
    write_jsonl(data.findings, f);
    if (!f) throw std::runtime_error((dir / "findings.jsonl").string() + ": write failed (disk full?)");
  }
  {
    auto f = open("report.html");
    write_html(data, f);
    if (!f) throw std::runtime_error((dir / "report.html").string() + ": write failed (disk full?)");
  }
  return out;
}

}  // namespace govaudit
