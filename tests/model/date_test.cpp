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

TEST(Date, MinusMonthsClampsToTheMonthsEnd) {
  using govaudit::Date;
  EXPECT_EQ(Date(2025, 11, 20).minus_months(12), Date(2024, 11, 20));
  EXPECT_EQ(Date(2025, 11, 20).minus_months(3), Date(2025, 8, 20));
  EXPECT_EQ(Date(2025, 5, 31).minus_months(3), Date(2025, 2, 28));
  EXPECT_EQ(Date(2024, 3, 31).minus_months(1), Date(2024, 2, 29));
  EXPECT_EQ(Date(2025, 1, 15).minus_months(2), Date(2024, 11, 15));
}
