#pragma once
// A civil calendar date (no time, no zone). Audit dates, publication dates and working-day
// arithmetic all use this type; "today" always comes from the caller, never from the clock here.
#include <chrono>
#include <compare>
#include <optional>
#include <string>
#include <string_view>

namespace govaudit {

class Date {
 public:
  Date() = default;
  Date(int y, unsigned m, unsigned d) : ymd_(std::chrono::year{y}, std::chrono::month{m}, std::chrono::day{d}) {}
  explicit Date(std::chrono::sys_days d) : ymd_(d) {}

  // Strict "YYYY-MM-DD"; nullopt for anything else or an impossible day (2025-02-30).
  static std::optional<Date> parse_iso(std::string_view s);
  // Today in China's time zone (UTC+8, no DST): the default audit date.
  static Date today_china();

  bool valid() const { return ymd_.ok(); }
  int year() const { return int(ymd_.year()); }
  unsigned month() const { return unsigned(ymd_.month()); }
  unsigned day() const { return unsigned(ymd_.day()); }
  std::chrono::sys_days days() const { return std::chrono::sys_days(ymd_); }
  // 0 = Sunday … 6 = Saturday.
  unsigned weekday() const { return std::chrono::weekday(days()).c_encoding(); }
  Date plus_days(int n) const { return Date(days() + std::chrono::days(n)); }
  // The same day of the month `n` calendar months earlier, clamped to that month's last day
  // (2025-05-31 minus 3 months is 2025-02-28).
  Date minus_months(int n) const;
  // Calendar days from `earlier` to this date (negative when this is earlier).
  int days_since(const Date& earlier) const { return int((days() - earlier.days()).count()); }
  std::string iso() const;  // "YYYY-MM-DD"

  auto operator<=>(const Date& o) const { return days() <=> o.days(); }
  bool operator==(const Date& o) const { return days() == o.days(); }

 private:
  std::chrono::year_month_day ymd_{std::chrono::year{1970}, std::chrono::month{1}, std::chrono::day{1}};
};

}  // namespace govaudit
