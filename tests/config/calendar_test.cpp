#include "config/calendar.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <set>

#include "config/config.hpp"
#include "tests/test_helpers.hpp"

using namespace govaudit;

TEST(Calendar, IdenticalToTheCorpusCalendarOnEveryDay2019To2026) {
  std::filesystem::path p = GOVAUDIT_SHARED_DIR "/corpus/calendar.json";
  if (!std::filesystem::exists(p)) GOVAUDIT_NEED_SHARED("corpus");
  std::ifstream in(p);
  auto j = nlohmann::json::parse(in);
  std::set<std::string> holidays, makeup;
  for (auto& [y, v] : j["years"].items()) {
    for (auto& d : v["holidays"]) holidays.insert(d.get<std::string>());
    for (auto& d : v["makeup_workdays"]) makeup.insert(d.get<std::string>());
  }
  const Calendar& c = Calendar::builtin();
  int days = 0;
  for (Date d(2019, 1, 1); d <= Date(2026, 12, 31); d = d.plus_days(1), ++days) {
    std::string iso = d.iso();
    bool expected = makeup.count(iso) || (!holidays.count(iso) && d.weekday() != 0 && d.weekday() != 6);
    ASSERT_EQ(c.is_working_day(d), expected) << iso;
    ASSERT_EQ(!c.name(d).empty() && c.name(d) != "调休", holidays.count(iso) > 0) << iso;
    ASSERT_EQ(c.name(d) == "调休", makeup.count(iso) > 0) << iso;
  }
  EXPECT_EQ(days, 2922);
}

TEST(Calendar, AddAcrossSpringFestival) {
  const Calendar& c = Calendar::builtin();
  // Fri 2025-01-24: Sun 01-26 is a make-up working day, 01-28..02-04 are off.
  EXPECT_EQ(c.add_working_days(Date(2025, 1, 24), 1).iso(), "2025-01-26");
  EXPECT_EQ(c.add_working_days(Date(2025, 1, 24), 3).iso(), "2025-02-05");
  EXPECT_EQ(c.add_working_days(Date(2024, 2, 8), 1).iso(), "2024-02-09");
  EXPECT_EQ(c.add_working_days(Date(2024, 2, 9), 1).iso(), "2024-02-18");  // Sunday make-up day after the festival
}

TEST(Calendar, AddAcrossNationalDayAndMakeupWeekends) {
  const Calendar& c = Calendar::builtin();
  EXPECT_EQ(c.add_working_days(Date(2025, 9, 26), 1).iso(), "2025-09-28");  // Sunday 调休
  EXPECT_EQ(c.add_working_days(Date(2025, 9, 30), 1).iso(), "2025-10-09");
  EXPECT_EQ(c.add_working_days(Date(2025, 10, 9), 2).iso(), "2025-10-11");  // Saturday 调休
  EXPECT_EQ(c.add_working_days(Date(2025, 10, 9), 0).iso(), "2025-10-09");
}

TEST(Calendar, WorkingDaysBetweenIsHalfOpen) {
  const Calendar& c = Calendar::builtin();
  EXPECT_EQ(c.working_days_between(Date(2025, 11, 20), Date(2025, 11, 20)), 0);
  EXPECT_EQ(c.working_days_between(Date(2025, 11, 20), Date(2025, 11, 19)), 0);
  EXPECT_EQ(c.working_days_between(Date(2025, 11, 20), Date(2025, 11, 24)), 2);  // Fri, Mon
  // 2025-02-05 (Wed) to 2025-02-10 (Mon): Thu, Fri, Sat 02-08 (调休), Mon = 4, though Mon–Fri counts 3.
  EXPECT_EQ(c.working_days_between(Date(2025, 2, 5), Date(2025, 2, 10)), 4);
}

TEST(Calendar, CoversAndRejectsBadData) {
  const Calendar& c = Calendar::builtin();
  EXPECT_TRUE(c.covers(Date(2019, 1, 1)));
  EXPECT_TRUE(c.covers(Date(2026, 12, 31)));
  EXPECT_FALSE(c.covers(Date(2027, 1, 1)));
  EXPECT_THROW(Calendar::parse("[years.2030]\nholidays = [[\"x\", 2030-01-05, 2030-01-01]]\n", "c.toml"), ConfigError);
  EXPECT_THROW(Calendar::parse("[years.abc]\n", "c.toml"), ConfigError);
}
