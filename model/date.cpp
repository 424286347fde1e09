#include "model/date.hpp"

#include <algorithm>

#include <cstdio>

namespace govaudit {

std::optional<Date> Date::parse_iso(std::string_view s) {
  if (s.size() != 10 || s[4] != '-' || s[7] != '-') return std::nullopt;
  int v[3] = {0, 0, 0};
  const int start[3] = {0, 5, 8}, len[3] = {4, 2, 2};
  for (int k = 0; k < 3; ++k)
    for (int i = 0; i < len[k]; ++i) {
      char c = s[start[k] + i];
      if (c < '0' || c > '9') return std::nullopt;
      v[k] = v[k] * 10 + (c - '0');
    }
  Date d(v[0], unsigned(v[1]), unsigned(v[2]));
  if (!d.valid()) return std::nullopt;
  return d;
}

Date Date::today_china() {
  auto now = std::chrono::system_clock::now() + std::chrono::hours(8);
  return Date(std::chrono::floor<std::chrono::days>(now));
}

std::string Date::iso() const {
  char buf[16];
  std::snprintf(buf, sizeof buf, "%04d-%02u-%02u", year(), month(), day());
  return buf;
}

Date Date::minus_months(int n) const {
  int months = year() * 12 + int(month()) - 1 - n;
  int y = months / 12;
  unsigned m = unsigned(months % 12 + 1);
  auto last = std::chrono::year_month_day_last(std::chrono::year{y}, std::chrono::month_day_last{std::chrono::month{m}});
  return Date(y, m, std::min(day(), unsigned(last.day())));
}

}  // namespace govaudit
