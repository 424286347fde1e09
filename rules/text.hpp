#pragma once
// Text normalisation shared by the rules: names are compared after NFKC (full-width → half-width),
// with whitespace and punctuation removed, so "政府信息公开 指南", "【政府信息公开指南】" and
// "政府信息公开指南：" all match "政府信息公开指南".
#include <optional>
#include <string>
#include <string_view>

namespace govaudit::text {

std::string normalize_name(std::string_view s);

// False when normalize_name(s) cannot name a report (年度报告, 年报, 报表): they all hold 报, which
// NFKC makes of no other character. Cheap enough to run on every title before normalising it.
inline bool may_name_report(std::string_view s) { return s.find("报") != std::string_view::npos; }

// The first "YYYY年" (1990–2100) in `s`, e.g. 2024 in "东至县2024年政府信息公开工作年度报告".
std::optional<int> year_in(std::string_view s);

}  // namespace govaudit::text
