#pragma once
// A site to audit, as the site list names it.
#include <string>
#include <vector>

namespace govaudit {

struct Site {
  std::string id;        // short stable id used in findings (e.g. "qinghe")
  std::string name;      // 网站名称
  std::string homepage;  // absolute http(s) URL
  std::string level;     // county, city, department … (free text)
  std::vector<std::string> hosts;  // the site's own host names (crawl scope), lower case
  std::string site_code; // 网站标识码, when the list gives one
  std::string unit;      // 主办单位, the default responsible unit
};

}  // namespace govaudit
