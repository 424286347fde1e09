#pragma once
// What a page's scripts and meta refresh say to a crawler: the TRS pager (createPageHTML and the
// inline currentPage/countPage form), a window.location redirect, a meta refresh target and the
// Hanweb <datastore> list data kept in CDATA. Thread-safe: patterns are compiled once.
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "crawler/extract/extract.hpp"

namespace govaudit::extract {

std::optional<Pager> find_pager(const std::string& script);
std::string find_script_redirect(const std::string& script);
std::string refresh_target(const std::string& meta_content);
// Hanweb list data: <datastore> … <record><![CDATA[<li>…</li>]]></record> inside a script.
std::string cdata_html(const std::string& script);

// What a script's string literals hold, read in one pass without running it:
// - html: the HTML it writes, its literals that hold markup, those joined by '+' as one
//   (pcFooterStr = '<div>' + '…'), percent-decoded inside unescape("%3Cspan…") (the badge snippet
//   conac hands out); one fragment per line, "" when there is none (or `want_html` is false);
// - urls: the absolute URLs it names (window.open("http://…/jiucuo.html?site_code=" + …)); at most 32.
struct ScriptStrings {
  std::string html;
  std::vector<std::string> urls;
};
ScriptStrings script_strings(std::string_view script, bool want_html = true);

}  // namespace govaudit::extract
