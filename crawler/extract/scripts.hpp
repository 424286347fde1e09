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

// The HTML a script writes, read without running it: its string literals that hold markup, those
// joined by '+' as one (pcFooterStr = '<div>' + '…'), percent-decoded inside unescape("%3Cspan…")
// (the badge snippet conac hands out). One fragment per line; "" when there is none.
std::string written_html(std::string_view script);

// Absolute URLs that a script or an onclick handler names as string literals
// (window.open("http://…/jiucuo.html?site_code=" + …)); at most 32.
std::vector<std::string> script_urls(std::string_view script);

}  // namespace govaudit::extract
