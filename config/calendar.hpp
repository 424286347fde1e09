#pragma once
// China's working-day calendar (config/defaults/calendar.toml): statutory holidays and make-up
// working days (调休) by year. Immutable after loading; thread-safe.
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "model/date.hpp"

namespace govaudit {

class Calendar {
 public:
  // The compiled-in calendar; throws ConfigError if it is malformed.
  static const Calendar& builtin();
  // Parses calendar TOML; `source` names it in errors. Throws ConfigError.
  static Calendar parse(std::string_view toml_text, const std::string& source);

  // Whether `d` falls in a year the calendar covers.
  bool covers(const Date& d) const;
  // A make-up working day, or Monday–Friday and not a holiday. Outside the covered years this
  // falls back to Monday–Friday: callers check covers() and warn.
  bool is_working_day(const Date& d) const;
  // The holiday's name ("春节"), "调休" for a make-up working day, "" otherwise.
  std::string name(const Date& d) const;
  // Working days in the interval (from, to]; 0 when to <= from.
  int working_days_between(const Date& from, const Date& to) const;
  // The date `n` working days after `d` (n >= 0; n = 0 gives d).
  Date add_working_days(const Date& d, int n) const;
  int first_year() const { return years_.empty() ? 0 : *years_.begin(); }
  int last_year() const { return years_.empty() ? 0 : *years_.rbegin(); }

 private:
  std::set<int> years_;
  std::map<Date, std::string> holidays_;
  std::set<Date> makeup_;
};

}  // namespace govaudit
