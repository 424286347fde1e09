#pragma once
// What govaudit reads from one page, as one JSON object: the view `govaudit inspect` prints, made
// by the same charset, extraction and date code the crawl and the rules use.
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "crawler/extract/extract.hpp"

namespace govaudit {

// `url` resolves the page's relative links and judges internal vs external (by host). `parsed`, when
// given, receives the page as extraction read it. `stylesheets`: the texts of the stylesheets the
// page links on its own host, applied to the hidden-link marks as the crawl applies them.
nlohmann::json inspect_page(std::string_view body, std::string_view content_type, const std::string& url,
                            extract::Page* parsed = nullptr, const std::vector<std::string_view>& stylesheets = {});

// A readable multi-line summary of inspect_page's object.
std::string inspect_summary(const nlohmann::json& j);

}  // namespace govaudit
