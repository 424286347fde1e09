#pragma once
// The list of sites to audit, as evaluators keep it: TOML, CSV (also with the Chinese headers of
// the national site registry: 网站名称, 网站标识码, 首页网址, 主办单位) or JSON like the corpus's sites.json.
#include <filesystem>
#include <string>
#include <vector>

#include "model/site.hpp"

namespace govaudit {


// Loads and validates a site list; the format is chosen by extension (.toml .csv .json) or, for
// others, by content. Throws ConfigError naming file, line and field for any bad row: a bad row
// never silently drops a site. Ids are unique; the homepage's host is always in `hosts`.
std::vector<Site> load_sites(const std::filesystem::path& file);

// Parses site list text; `source` names it in errors.
std::vector<Site> parse_sites(const std::string& text, const std::string& source, const std::string& format);

}  // namespace govaudit
