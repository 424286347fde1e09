#include "crawler/net/netguard.hpp"

#include <gtest/gtest.h>

#include "config/config.hpp"

using govaudit::NetGuard;

TEST(NetGuard, RefusesInternalRangesByDefault) {
  NetGuard g;
  for (const char* a : {"127.0.0.1", "10.1.2.3", "172.16.0.1", "192.168.1.1", "169.254.169.254", "100.64.0.1",
                        "::1", "fd00::1", "fe80::1", "::ffff:127.0.0.1", "::ffff:10.0.0.1", "64:ff9b::a9fe:a9fe", "0.0.0.0"})
    EXPECT_FALSE(g.allowed(std::string(a))) << a;
  EXPECT_TRUE(g.allowed(std::string("202.108.22.5")));
  EXPECT_TRUE(g.allowed(std::string("2400:da00::6666")));
  EXPECT_EQ(g.refusal("169.254.169.254"), "link-local");
}

TEST(NetGuard, AllowListOpensRanges) {
  NetGuard g({"127.0.0.0/8", "::1/128"});
  EXPECT_TRUE(g.allowed(std::string("127.0.0.2")));
  EXPECT_TRUE(g.allowed(std::string("::1")));
  EXPECT_TRUE(g.allowed(std::string("::ffff:127.0.0.1")));
  EXPECT_FALSE(g.allowed(std::string("10.0.0.1")));
}

TEST(NetGuard, MalformedCidrIsAConfigError) {
  EXPECT_THROW(NetGuard({"10.0.0.0/33"}), govaudit::ConfigError);
  EXPECT_THROW(NetGuard({"not-an-address"}), govaudit::ConfigError);
  EXPECT_THROW(NetGuard({"10.0.0.0/8x"}), govaudit::ConfigError);
}
