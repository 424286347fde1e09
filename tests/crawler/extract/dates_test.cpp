#include "crawler/extract/dates.hpp"

#include <gtest/gtest.h>

using namespace govaudit;

TEST(Dates, CommonWrittenForms) {
  EXPECT_EQ(dates::first("发布时间：2023-05-12 14:23")->iso(), "2023-05-12");
  EXPECT_EQ(dates::first("2023/5/2")->iso(), "2023-05-02");
  EXPECT_EQ(dates::first("[2023.05.12]")->iso(), "2023-05-12");
  EXPECT_EQ(dates::first("2020年08月02日")->iso(), "2020-08-02");
  EXPECT_EQ(dates::first("2020年8月2日 星期日")->iso(), "2020-08-02");
}

TEST(Dates, RejectsNonDates) {
  EXPECT_FALSE(dates::first("2023-02-30"));
  EXPECT_FALSE(dates::first("电话 0556-5000000"));
  EXPECT_FALSE(dates::first("皖ICP备12345678号"));
  EXPECT_FALSE(dates::first("120230512"));  // digits run on: not a date
}

TEST(Dates, MonthDayNeedsContextYear) {
  EXPECT_FALSE(dates::first("[05-12]"));
  EXPECT_EQ(dates::first("[05-12]", 2024)->iso(), "2024-05-12");
  EXPECT_EQ(dates::first("5月12日", 2024)->iso(), "2024-05-12");
}

TEST(Dates, AfterLabelSkipsOtherDates) {
  std::string t = "成文日期：2017-09-27 发布日期：2017-09-28 有效性：有效";
  EXPECT_EQ(dates::after_label(t, "发布日期")->iso(), "2017-09-28");
  EXPECT_EQ(dates::after_label(t, "成文日期")->iso(), "2017-09-27");
  EXPECT_FALSE(dates::after_label("发布日期：未知", "发布日期"));
}

TEST(Dates, FromCmsUrls) {
  EXPECT_EQ(dates::from_url("http://a/xxgk/202305/t20230512_100123.html")->iso(), "2023-05-12");
  EXPECT_EQ(dates::from_url("http://a/art/2023/5/12/art_1234_56789.html")->iso(), "2023-05-12");
  EXPECT_FALSE(dates::from_url("http://a/xxgk/index.html"));
}
