#pragma once
// Which CMS built a page, with the evidence: county portals run on a handful of systems whose
// markup decides how lists, pagers and dates must be read.
#include <string>
#include <string_view>
#include <vector>

namespace govaudit::cms {

struct Detection {
  std::string name;                   // TRS, Hanweb, other
  std::vector<std::string> evidence;  // what was seen, e.g. "createPageHTML pager"
};

Detection detect(std::string_view html, std::string_view url);

}  // namespace govaudit::cms
