#include "config/calendar.hpp"

#include <charconv>
#include <toml++/toml.h>

#include "config/config.hpp"
#include "config/toml_reader.hpp"

namespace govaudit {

namespace {
std::optional<Date> date_of(const toml::node& n) {
  auto d = n.as_date();
  if (!d) return std::nullopt;
  Date out(d->get().year, d->get().month, d->get().day);
  return out.valid() ? std::optional(out) : std::nullopt;
}
}  // namespace

Calendar Calendar::parse(std::string_view text, const std::string& source) {
  toml::table root = parse_toml(text, source);
  Calendar c;
  auto years = root["years"].as_table();
  if (!years) throw ConfigError(source + ": years: expected [years.YYYY] tables");
  for (auto&& [k, v] : *years) {
    std::string key = "years." + std::string(k.str());
    int year = 0;
    std::string_view digits = k.str();
    if (auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), year);
        ec != std::errc() || end != digits.data() + digits.size())
      fail(source, v, key, "expected a year");
    auto t = v.as_table();
    if (!t) fail(source, v, key, "expected a table");
    c.years_.insert(year);
    if (auto h = (*t)["holidays"].as_array()) {
      for (auto& e : *h) {
        auto a = e.as_array();
        if (!a || a->size() != 3 || !(*a)[0].is_string()) fail(source, e, key + ".holidays", "expected [name, first day, last day]");
        auto from = date_of((*a)[1]), to = date_of((*a)[2]);
        if (!from || !to || *to < *from) fail(source, e, key + ".holidays", "expected two dates, first <= last");
        for (Date d = *from; d <= *to; d = d.plus_days(1)) c.holidays_[d] = (*a)[0].as_string()->get();
      }
    }
    if (auto m = (*t)["makeup"].as_array())
      for (auto& e : *m) {
        auto d = date_of(e);
        if (!d) fail(source, e, key + ".makeup", "expected dates");
        c.makeup_.insert(*d);
      }
  }
  return c;
}

const Calendar& Calendar::builtin() {
  static const Calendar c = parse(default_config_text("calendar.toml"), "(defaults)/calendar.toml");
  return c;
}

bool Calendar::covers(const Date& d) const { return years_.count(d.year()) > 0; }

bool Calendar::is_working_day(const Date& d) const {
  if (makeup_.count(d)) return true;
  if (holidays_.count(d)) return false;
  unsigned w = d.weekday();
  return w != 0 && w != 6;
}

std::string Calendar::name(const Date& d) const {
  if (makeup_.count(d)) return "调休";
  auto it = holidays_.find(d);
  return it == holidays_.end() ? "" : it->second;
}

int Calendar::working_days_between(const Date& from, const Date& to) const {
  int n = 0;
  for (Date d = from.plus_days(1); d <= to; d = d.plus_days(1)) n += is_working_day(d);
  return n;
}

Date Calendar::add_working_days(const Date& d, int n) const {
  Date cur = d;
  while (n > 0) {
    cur = cur.plus_days(1);
    if (is_working_day(cur)) --n;
  }
  return cur;
}

}  // namespace govaudit
