#pragma once
// The list of sites to audit, as evaluators keep it: TOML, CSV (also with the Chinese headers of
// the national site registry: 网站名称, 网站标识码, 首页网址, 主办单位) or JSON like the corpus's sites.json.
#include <filesystem>
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

// Loads and validates a site list; the format is chosen by extension (.toml .csv .json) or, for
// others, by content. Throws ConfigError naming file, line and field for any bad row: a bad row
// never silently drops a site. Ids are unique; the homepage's host is always in `hosts`.
std::vector<Site> load_sites(const std::filesystem::path& file);

// Parses site list text; `source` names it in errors.
std::vector<Site> parse_sites(const std::string& text, const std::string& source, const std::string& format);

// Lower-case host of an absolute http(s) URL; empty when it is not one.
std::string url_host(const std::string& url);

}  // namespace govaudit
