#include "cli/demo_site.hpp"

#include <cstdio>

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

std::string article_url(const Date& d, int n) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "/xxgk/gzdt/%04d%02u/t%04d%02u%02u_%d.html", d.year(), d.month(), d.year(), d.month(),
                d.day(), n);
  return buf;
}

void add_site(DemoPortal& p, const Date& today, const std::string& port, const std::string& id, const std::string& name, const std::string& code,
              const Footer& f, int articles_without_meta) {
  std::string host = "www." + id + ".gov.cn.test";
  auto& r = p.routes[host];
  std::string foot = footer(name, code, f, port);
  std::string nav = "<div class=\"nav\"><a href=\"/index.html\">首页</a> <a href=\"/xxgk/index.html\">政务公开</a></div>";
  std::string items;
  for (int i = 0; i < 10; ++i) {
    Date d = today.plus_days(-(i * 3 + 1));
    std::string u = article_url(d, 1000 + i);
    std::string t = name + "召开第" + std::to_string(i + 1) + "次政务公开工作推进会";
    items += "<li><a href=\"" + u + "\" title=\"" + t + "\">" + t + "</a><span>" + d.iso() + "</span></li>";
    std::string meta = "<meta name=\"SiteName\" content=\"" + name + "\"><meta name=\"SiteDomain\" content=\"" + host +
                       "\"><meta name=\"SiteIDCode\" content=\"" + code + "\"><meta name=\"ColumnName\" content=\"工作动态\">"
                       "<meta name=\"ArticleTitle\" content=\"" + t + "\"><meta name=\"PubDate\" content=\"" + d.iso() + " 09:30\">";
    if (i < articles_without_meta) meta = "<meta name=\"SiteName\" content=\"" + name + "\">";
    r[u] = {200, "text/html; charset=utf-8",
            page(t, meta, nav + "<h1>" + t + "</h1><div class=\"info\">发布日期：" + d.iso() + "</div><p>正文内容。</p>" + foot), ""};
  }
  std::string home = page(name, "<meta name=\"SiteIDCode\" content=\"" + code + "\">",
                          nav + "<div class=\"box\"><h2>工作动态</h2><ul>" + items + "</ul></div>" + foot);
  r["/"] = {200, "text/html; charset=utf-8", home, ""};
  r["/index.html"] = r["/"];
  r["/xxgk/index.html"] = {200, "text/html; charset=utf-8",
                           page("政府信息公开", "", nav + "<ul><li><a href=\"/xxgk/gzdt/index.html\">工作动态</a></li></ul>" + foot), ""};
  r["/xxgk/gzdt/index.html"] = {200, "text/html; charset=utf-8",
                                page("工作动态", "", nav + "<div class=\"list\"><ul>" + items + "</ul></div>" + foot), ""};
  r["/robots.txt"] = {200, "text/plain", "User-agent: *\nDisallow: /admin/\n", ""};
  r["/images/ga.png"] = r["/images/red.png"] = r["/images/jiucuo.png"] = {200, "image/png", "PNG", ""};
  p.sites.push_back({id, name, "http://" + host + port + "/", "county", {host}, code, name + "办公室"});
  p.dns[host] = {"127.0.0.1", "::1"};
  auto plant = [&](bool present, const char* rule) {
    if (!present) p.planted.push_back(id + " " + rule + " " + host);
  };
  plant(f.site_id, "footer.missing_site_id");
  plant(f.icp, "footer.missing_icp");
  plant(f.psb, "footer.missing_psb");
  plant(f.conac, "footer.missing_conac");
  plant(f.jiucuo, "footer.missing_jiucuo");
  if (articles_without_meta > 1) p.planted.push_back(id + " meta.missing " + host);
}

}  // namespace

DemoPortal make_demo_portal(const Date& today, unsigned short port_number) {
  DemoPortal p;
  std::string port = ":" + std::to_string(port_number);
  Footer a;
  a.icp = false;
  a.jiucuo = false;
  add_site(p, today, port, "shifan", "示范县人民政府", "3400000101", a, 4);
  Footer b;
  b.site_id = false;
  b.psb = false;
  b.conac = false;
  add_site(p, today, port, "hexie", "和谐县人民政府", "3400000102", b, 0);
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
