#pragma once
// What a page's scripts and meta refresh say to a crawler: the TRS pager (createPageHTML and the
// inline currentPage/countPage form), a window.location redirect, a meta refresh target and the
// Hanweb <datastore> list data kept in CDATA. Thread-safe: patterns are compiled once.
#include <optional>
#include <string>

#include "crawler/extract.hpp"

namespace govaudit::extract {

std::optional<Pager> find_pager(const std::string& script);
std::string find_script_redirect(const std::string& script);
std::string refresh_target(const std::string& meta_content);
// Hanweb list data: <datastore> … <record><![CDATA[<li>…</li>]]></record> inside a script.
std::string cdata_html(const std::string& script);

}  // namespace govaudit::extract
