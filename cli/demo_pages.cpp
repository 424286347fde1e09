#include "cli/demo_pages.hpp"

#include <unistd.h>
#include <xlsxwriter.h>

#include <cstdio>
#include <filesystem>

#include "model/id_number.hpp"
#include "model/strings.hpp"

namespace govaudit::demo {

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

std::string demo_id(const std::string& area, const std::string& born, int seq) {
  char s[8];
  std::snprintf(s, sizeof s, "%03d", seq);
  std::string body = area + born + s;
  return body + id_number::check_char(body);
}

std::string name_list_xlsx(const std::vector<std::vector<std::string>>& rows) {
  auto path = std::filesystem::temp_directory_path() / ("govaudit-demo-" + std::to_string(::getpid()) + ".xlsx");
  lxw_workbook* wb = workbook_new(path.c_str());
  lxw_worksheet* ws = workbook_add_worksheet(wb, nullptr);
  for (size_t i = 0; i < rows.size(); ++i)
    for (size_t j = 0; j < rows[i].size(); ++j) worksheet_write_string(ws, lxw_row_t(i), lxw_col_t(j), rows[i][j].c_str(), nullptr);
  workbook_close(wb);
  std::string bytes = read_file(path);
  std::filesystem::remove(path);
  return bytes;
}

std::string article_url(const std::string& col, const Date& d, int n) {
  char buf[96];
  std::snprintf(buf, sizeof buf, "/xxgk/%s/%04d%02u/t%04d%02u%02u_%d.html", col.c_str(), d.year(), d.month(), d.year(),
                d.month(), d.day(), n);
  return buf;
}

}  // namespace govaudit::demo
