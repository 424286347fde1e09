#include "crawler/net/robots.hpp"

#include <gtest/gtest.h>

using govaudit::Robots;

TEST(Robots, StarGroupDisallowAndLongestMatch) {
  auto r = Robots::parse("User-agent: *\nDisallow: /admin/\nAllow: /admin/public/\n");
  EXPECT_FALSE(r.allowed("/admin/x.html"));
  EXPECT_TRUE(r.allowed("/admin/public/x.html"));
  EXPECT_TRUE(r.allowed("/index.html"));
}

TEST(Robots, OwnGroupWinsOverStar) {
  auto r = Robots::parse("User-agent: *\nDisallow: /\n\nUser-agent: govaudit\nDisallow: /private\n");
  EXPECT_TRUE(r.allowed("/index.html"));
  EXPECT_FALSE(r.allowed("/private/a"));
}

TEST(Robots, WildcardsAndEndAnchor) {
  auto r = Robots::parse("User-agent: *\nDisallow: /*.php$\nDisallow: /search*q=\nDisallow:\n");
  EXPECT_FALSE(r.allowed("/a/b.php"));
  EXPECT_TRUE(r.allowed("/a/b.php5"));
  EXPECT_FALSE(r.allowed("/search?x=1&q=2"));
  EXPECT_TRUE(Robots().allowed("/anything"));
}
