// Mainland mobile numbers as a leak check finds and masks them.
#include "model/phone_number.hpp"

#include <gtest/gtest.h>

namespace govaudit {
namespace {

TEST(PhoneNumber, MobileNumbersOnly) {
  EXPECT_EQ(phone_number::find("联系电话：13956781234。"), std::vector<std::string>{"13956781234"});
  EXPECT_EQ(phone_number::find("tel:19046061491"), std::vector<std::string>{"19046061491"});  // a colon is a boundary
  EXPECT_TRUE(phone_number::find("139****1234").empty());                                     // masked
  EXPECT_TRUE(phone_number::find("工单编号：12240000001").empty());                            // 12… is no mobile
  EXPECT_TRUE(phone_number::find("0556-5123456").empty());                                   // a landline
  EXPECT_TRUE(phone_number::find("639567812345").empty());                                   // inside a longer number
  EXPECT_TRUE(phone_number::find("139567812345").empty());
  EXPECT_TRUE(phone_number::find("a13956781234").empty());
  EXPECT_EQ(phone_number::find("13956781234,15155551234").size(), 2u);
}

TEST(PhoneNumber, MaskedInPlaceWhereNoDigitTouchesIt) {
  std::string s = "联系电话：13956781234，再次：13956781234；订单 9913956781234";
  EXPECT_EQ(phone_number::mask(s, {"13956781234"}), 2u);
  EXPECT_EQ(s, "联系电话：139****1234，再次：139****1234；订单 9913956781234");
  EXPECT_EQ(phone_number::masked("13956781234"), "139****1234");
}

}  // namespace
}  // namespace govaudit
