#include "model/date.hpp"

#include <gtest/gtest.h>

using govaudit::Date;

TEST(Date, ParsesIsoAndRejectsImpossibleDays) {
  auto d = Date::parse_iso("2025-11-20");
  ASSERT_TRUE(d);
  EXPECT_EQ(d->year(), 2025);
  EXPECT_EQ(d->month(), 11u);
  EXPECT_EQ(d->day(), 20u);
  EXPECT_FALSE(Date::parse_iso("2025-02-29"));
  EXPECT_TRUE(Date::parse_iso("2024-02-29"));
  EXPECT_FALSE(Date::parse_iso("2025-1-5"));
  EXPECT_FALSE(Date::parse_iso("2025/11/20"));
}

TEST(Date, ArithmeticAndWeekday) {
  Date d(2025, 11, 20);
  EXPECT_EQ(d.weekday(), 4u);  // Thursday
  EXPECT_EQ(d.plus_days(12).iso(), "2025-12-02");
  EXPECT_EQ(d.plus_days(-20).iso(), "2025-10-31");
  EXPECT_EQ(d.days_since(Date(2025, 1, 1)), 323);
  EXPECT_LT(Date(2024, 12, 31), Date(2025, 1, 1));
}
