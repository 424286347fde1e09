#pragma once
// Text normalisation shared by the rules: names are compared after NFKC (full-width → half-width),
// with whitespace and punctuation removed, so "政府信息公开 指南", "【政府信息公开指南】" and
// "政府信息公开指南：" all match "政府信息公开指南".
#include <optional>
#include <string>
#include <string_view>

namespace govaudit::text {

std::string normalize_name(std::string_view s);

// The first "YYYY年" (1990–2100) in `s`, e.g. 2024 in "东至县2024年政府信息公开工作年度报告".
std::optional<int> year_in(std::string_view s);

}  // namespace govaudit::text
