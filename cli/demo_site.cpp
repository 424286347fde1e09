#include "cli/demo_site.hpp"

#include <cstdio>

#include "rules/columns.hpp"

namespace govaudit {
namespace {

struct Footer {
  bool site_id = true, icp = true, psb = true, conac = true, jiucuo = true;
};

std::string footer(const std::string& name, const std::string& code, const Footer& f, const std::string& port) {
  std::string s = "<div class=\"footer\"><p>主办单位：" + name + "办公室　承办单位：" + name + "数据资源管理局</p><p>";
  if (f.site_id) s += "网站标识码：" + code + "　";
  if (f.icp) s += "<a href=\"http://beian.miit.gov.cn.test" + port + "/\">皖ICP备05012345号-1</a>　";
  if (f.psb) s += "<a href=\"http://www.beian.gov.cn.test" + port + "/portal/registerSystemInfo?recordcode=34010202000123\"><img src=\"/images/ga.png\" alt=\"\">皖公网安备 34010202000123号</a>";
  s += "</p><p>";
  if (f.conac)
    s += "<span id=\"_ideConac\"><a href=\"http://bszs.conac.cn.test" + port + "/sitename?method=show&amp;id=" + code +
         "\"><img src=\"/images/red.png\" alt=\"党政机关网站标识\"></a></span>";
  if (f.jiucuo)
    s += "<a href=\"http://zfwzzc.www.gov.cn.test" + port + "/check_web/errorPage.html?site_code=" + code +
         "\"><img src=\"/images/jiucuo.png\" alt=\"我为政府网站找错\"></a>";
  return s + "</p></div>";
}

std::string page(const std::string& title, const std::string& head, const std::string& body) {
  return "<!DOCTYPE html><html><head><meta charset=\"utf-8\">" + head + "<title>" + title + "</title></head><body>" +
         body + "</body></html>";
}

std::string article_url(const std::string& col, const Date& d, int n) {
  char buf[96];
  std::snprintf(buf, sizeof buf, "/xxgk/%s/%04d%02u/t%04d%02u%02u_%d.html", col.c_str(), d.year(), d.month(), d.year(),
                d.month(), d.day(), n);
  return buf;
}

// What is planted on one demo site.
struct Plan {
  Footer footer;
  int articles_without_meta = 0;  // of the 工作动态 articles
  std::string missing_column, empty_column, stale_column;
  bool homepage_stale = false;
  bool annual_report = true;
};

void add_site(DemoPortal& p, const Config& cfg, const Date& today, const std::string& port, const std::string& id,
              const std::string& name, const std::string& code, const Plan& plan) {
  std::string host = "www." + id + ".gov.cn.test";
  auto& r = p.routes[host];
  std::string foot = footer(name, code, plan.footer, port);
  std::string nav = "<div class=\"nav\"><a href=\"/index.html\">首页</a> <a href=\"/xxgk/index.html\">政务公开</a></div>";
  auto html = [](std::string body) { return DemoResponse{200, "text/html; charset=utf-8", std::move(body), ""}; };
  std::string directory, home_items;
  int serial = 1000;
  int annual_due = AnnualReportRule::due_year(today, "county", cfg.thresholds);
  for (size_t ci = 0; ci < cfg.catalog.size(); ++ci) {
    const ColumnSpec& c = cfg.catalog[ci];
    if (c.name == plan.missing_column) continue;
    std::string col = "col" + std::to_string(ci + 1);
    std::string list_url = "/xxgk/" + col + "/index.html";
    directory += "<li><a href=\"" + list_url + "\">" + c.name + "</a></li>";
    // Items: fresh unless this column is planted stale (or is 工作动态 on a stale homepage).
    bool news = c.update_limit_days && *c.update_limit_days <= 14;
    int age0 = 1;
    if (c.name == plan.stale_column || (news && plan.homepage_stale))
      age0 = (c.update_limit_days ? *c.update_limit_days : 365) + 20;
    std::vector<std::pair<std::string, Date>> items;
    if (c.checked_by == "annual_report") {
      for (int y = annual_due - 2; y <= annual_due; ++y)
        if (y < annual_due || plan.annual_report)
          items.push_back({name + std::to_string(y) + "年政府信息公开工作年度报告", Date(y + 1, 1, 20)});
    } else if (c.name != plan.empty_column) {
      int n = news ? 10 : 3;
      for (int i = 0; i < n; ++i)
        items.push_back({name + c.name + "信息（第" + std::to_string(i + 1) + "期）", today.plus_days(-(age0 + i * 3))});
    }
    std::string lis;
    for (size_t i = 0; i < items.size(); ++i) {
      auto& [title, d] = items[i];
      std::string u = article_url(col, d, serial++);
      lis += "<li><a href=\"" + u + "\" title=\"" + title + "\">" + title + "</a><span>" + d.iso() + "</span></li>";
      std::string meta = "<meta name=\"SiteName\" content=\"" + name + "\"><meta name=\"SiteDomain\" content=\"" + host +
                         "\"><meta name=\"SiteIDCode\" content=\"" + code + "\"><meta name=\"ColumnName\" content=\"" + c.name +
                         "\"><meta name=\"ArticleTitle\" content=\"" + title + "\"><meta name=\"PubDate\" content=\"" + d.iso() +
                         " 09:30\">";
      if (news && int(i) < plan.articles_without_meta) meta = "<meta name=\"SiteName\" content=\"" + name + "\">";
      r[u] = html(page(title, meta, nav + "<h1>" + title + "</h1><div class=\"info\">发布日期：" + d.iso() +
                                        "</div><p>正文内容。</p>" + foot));
      if (news) home_items += "<li><a href=\"" + u + "\">" + title + "</a><span>" + d.iso() + "</span></li>";
    }
    if (lis.empty()) lis = "<li class=\"nodata\">暂无信息</li>";
    r[list_url] = html(page(c.name, "", nav + "<div class=\"crumb\">当前位置：首页 &gt; 政务公开 &gt; " + c.name +
                                           "</div><div class=\"list\"><h3>" + c.name + "</h3><ul>" + lis + "</ul></div>" + foot));
  }
  r["/"] = html(page(name, "<meta name=\"SiteIDCode\" content=\"" + code + "\">",
                     nav + "<div class=\"box\"><h2>工作动态</h2><ul>" + home_items + "</ul></div>" + foot));
  r["/index.html"] = r["/"];
  r["/xxgk/index.html"] = html(page("政府信息公开", "", nav + "<ul class=\"tree\">" + directory + "</ul>" + foot));
  r["/robots.txt"] = {200, "text/plain", "User-agent: *\nDisallow: /admin/\n", ""};
  r["/images/ga.png"] = r["/images/red.png"] = r["/images/jiucuo.png"] = {200, "image/png", "PNG", ""};
  p.sites.push_back({id, name, "http://" + host + port + "/", "county", {host}, code, name + "办公室"});
  p.dns[host] = {"127.0.0.1", "::1"};
  auto plant = [&](const std::string& rule, const std::string& subject) { p.planted.push_back(id + " " + rule + " " + subject); };
  const Footer& f = plan.footer;
  if (!f.site_id) plant("footer.missing_site_id", host);
  if (!f.icp) plant("footer.missing_icp", host);
  if (!f.psb) plant("footer.missing_psb", host);
  if (!f.conac) plant("footer.missing_conac", host);
  if (!f.jiucuo) plant("footer.missing_jiucuo", host);
  if (plan.articles_without_meta > 1) plant("meta.missing", host);
  if (!plan.missing_column.empty()) plant("columns.missing", plan.missing_column);
  if (!plan.empty_column.empty()) plant("columns.empty", plan.empty_column);
  if (!plan.stale_column.empty()) plant("columns.stale", plan.stale_column);
  if (plan.homepage_stale) {
    plant("homepage.stale", host);
    for (auto& c : cfg.catalog)
      if (c.update_limit_days && *c.update_limit_days <= 14 && c.name != plan.stale_column) plant("columns.stale", c.name);
  }
  if (!plan.annual_report) plant("annual_report.missing", std::to_string(annual_due));
}

}  // namespace

DemoPortal make_demo_portal(const Config& cfg, const Date& today, unsigned short port_number) {
  DemoPortal p;
  std::string port = ":" + std::to_string(port_number);
  Plan a;
  a.footer.icp = false;
  a.footer.jiucuo = false;
  a.articles_without_meta = 10;  // of ~58 articles: above the 10 % limit
  a.missing_column = "统计信息";
  a.empty_column = "规范性文件";
  a.stale_column = "通知公告";
  add_site(p, cfg, today, port, "shifan", "示范县人民政府", "3400000101", a);
  Plan b;
  b.footer.site_id = false;
  b.footer.psb = false;
  b.footer.conac = false;
  b.homepage_stale = true;
  b.annual_report = false;
  add_site(p, cfg, today, port, "hexie", "和谐县人民政府", "3400000102", b);
  // A county whose server answers every request with 503: site.unreachable and nothing else.
  std::string down = "www.guanbi.gov.cn.test";
  p.routes[down]["/"] = {503, "text/html", "<html><body>Service Unavailable</body></html>", ""};
  p.sites.push_back({"guanbi", "关闭县人民政府", "http://" + down + port + "/", "county", {down}, "3400000103", ""});
  p.dns[down] = {"127.0.0.1"};
  p.planted.push_back("guanbi site.unreachable " + down);
  for (const char* h : {"beian.miit.gov.cn.test", "www.beian.gov.cn.test", "bszs.conac.cn.test", "zfwzzc.www.gov.cn.test"}) {
    p.any_hosts.push_back(h);
    p.dns[h] = {"127.0.0.1", "::1"};
  }
  return p;
}

}  // namespace govaudit
