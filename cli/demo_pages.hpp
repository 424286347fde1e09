#pragma once
// The pieces of the demo portals' pages: the footer with its identifiers (each can be left out to
// plant a finding), the page frame, synthetic resident ID numbers, a 名单 spreadsheet and TRS-style
// article URLs.
#include <string>
#include <vector>

#include "model/date.hpp"

namespace govaudit::demo {

struct Footer {
  bool site_id = true, icp = true, psb = true, conac = true, jiucuo = true;
};

// The footer of site `name` (网站标识码 `code`); `port` is ":PORT" of the identifier services' hosts.
std::string footer(const std::string& name, const std::string& code, const Footer& f, const std::string& port);
std::string page(const std::string& title, const std::string& head, const std::string& body);
// A resident ID number that passes every check (synthetic: area, birth date and sequence made up).
std::string demo_id(const std::string& area, const std::string& born, int seq);
// A 名单 spreadsheet as offices publish them, written by libxlsxwriter: the file's bytes.
std::string name_list_xlsx(const std::vector<std::vector<std::string>>& rows);
// "/xxgk/COL/YYYYMM/tYYYYMMDD_N.html"
std::string article_url(const std::string& col, const Date& d, int n);

}  // namespace govaudit::demo
