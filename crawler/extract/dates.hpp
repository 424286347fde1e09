#pragma once
// Dates as Chinese government pages write them: 2023-05-12, 2023/5/12, 2023.05.12,
// 2023年05月12日, 2023-05-12 14:23, and the short list form [05-12] whose year comes from context.
// The same code serves extraction (lists, articles, messages) and `inspect`.
#include <optional>
#include <string_view>
#include <vector>

#include "model/date.hpp"

namespace govaudit::dates {

struct Found {
  Date date;
  size_t pos = 0;  // byte offset of the match in the text
  size_t len = 0;
};

// Every full date (with a year) in `text`, in order. Impossible days (2023-02-30) are skipped.
std::vector<Found> find_all(std::string_view text);

// The first full date in `text`; with `context_year`, also a month-day form (05-12, 5月12日).
std::optional<Date> first(std::string_view text, std::optional<int> context_year = std::nullopt);

// The date that follows a label such as 发布日期 / 发布时间 within a short distance, or nullopt.
std::optional<Date> after_label(std::string_view text, std::string_view label);

// Publication date from a URL: TRS ".../t20230512_123.html", Hanweb "/art/2023/5/12/art_…".
std::optional<Date> from_url(std::string_view url);

}  // namespace govaudit::dates
