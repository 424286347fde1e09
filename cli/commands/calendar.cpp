#include "cli/commands/commands.hpp"
#include <charconv>
#include <iostream>
#include "config/calendar.hpp"

namespace govaudit::cli {
namespace {

namespace fs = std::filesystem;

struct Options : Common {
  std::string cal_from, cal_to;
  std::vector<std::string> cal_add;
};

int cmd_calendar(const Options& o) {
  const Calendar& cal = Calendar::builtin();
  auto date = [](const std::string& s, const char* opt) {
    auto d = Date::parse_iso(s);
    if (!d) throw Usage(std::string(opt) + ": '" + s + "' is not a date (YYYY-MM-DD)");
    return *d;
  };
  auto warn = [&](const Date& d) {
    if (!cal.covers(d))
      std::cerr << "govaudit: warning: " << d.iso() << " is outside the calendar (" << cal.first_year() << "–"
                << cal.last_year() << "); counted Monday–Friday without holidays\n";
  };
  if (!o.cal_add.empty()) {
    Date d = date(o.cal_add[0], "--add");
    int n = 0;
    const std::string& days = o.cal_add[1];
    if (auto [end, ec] = std::from_chars(days.data(), days.data() + days.size(), n); ec != std::errc() || end != days.data() + days.size())
      throw Usage("--add: '" + days + "' is not a number of working days");
    if (n < 0) throw Usage("--add: the number of working days must not be negative");
    Date r = cal.add_working_days(d, n);
    warn(d);
    warn(r);
    std::cout << r.iso() << "\n";
    return 0;
  }
  if (o.cal_from.empty() || o.cal_to.empty()) throw Usage("calendar: give --from D1 --to D2, or --add D N");
  Date from = date(o.cal_from, "--from"), to = date(o.cal_to, "--to");
  if (to < from) throw Usage("calendar: --to is before --from");
  if (to.days_since(from) > 366 * 20) throw Usage("calendar: at most 20 years at a time");
  for (Date d = from; d <= to; d = d.plus_days(1)) {
    warn(d);
    std::cout << d.iso() << '\t' << (cal.is_working_day(d) ? "work" : "off") << '\t' << cal.name(d) << '\n';
  }
  return 0;
}

}  // namespace

Command calendar_command(CLI::App& parent) {
  auto o = std::make_shared<Options>();
  auto* app = parent.add_subcommand("calendar", "Working-day calendar: list days or add working days");
  add_common(app, *o, false);
  app->add_option("--from", o->cal_from, "First day to list (YYYY-MM-DD)");
  app->add_option("--to", o->cal_to, "Last day to list (YYYY-MM-DD)");
  app->add_option("--add", o->cal_add, "D N: print the date N working days after D")->expected(2);
  return {app, o.get(), [o] { return cmd_calendar(*o); }};
}
}  // namespace govaudit::cli
