// The frontier on its own (no loop, no network): host queues, politeness and discovery.
#include "crawler/engine/frontier.hpp"

#include <gtest/gtest.h>

using namespace govaudit;
using namespace govaudit::engine;

namespace {

Site county() { return Site{"x", "某县", "http://www.x.gov.cn/", "county", {"www.x.gov.cn", "zwgk.x.gov.cn"}, "", ""}; }

Host& queued(Frontier& f, const std::string& u, int n, const std::string& address = "10.0.0.1") {
  auto p = url::parts(u);
  for (int i = 0; i < n; ++i) f.push(make_task(0, u + "?" + std::to_string(i), 1, Mode::Page, false), *p, p->host, {});
  Host& h = f.host_for(*p);
  h.answer.v4 = {address};
  return h;
}

}  // namespace

TEST(Frontier, PolitenessPerHostPerAddressAndForTheCrawl) {
  CrawlSettings c;
  c.per_host_connections = 2;
  c.per_ip_connections = 3;
  c.hosts["slow.x.gov.cn"].connections = 1;
  c.hosts["slow.x.gov.cn"].delay_ms = 500;
  Frontier f(c, 4);
  auto now = Clock::now();
  Host& a = queued(f, "http://www.x.gov.cn/a.html", 5);
  EXPECT_EQ(f.room(a, now), Frontier::Room::Yes);
  f.occupy(a, now), f.occupy(a, now);
  EXPECT_EQ(f.room(a, now), Frontier::Room::Host);  // its own limit
  Host& b = queued(f, "http://zwgk.x.gov.cn/b.html", 5);  // the same server address
  f.occupy(b, now);
  EXPECT_EQ(f.room(b, now), Frontier::Room::Address);  // crawl.per_ip_connections = 3
  Host& slow = queued(f, "http://slow.x.gov.cn/c.html", 5, "10.0.0.2");
  EXPECT_EQ(f.connections_of(slow), 1);
  f.occupy(slow, now);
  EXPECT_EQ(f.active(), 4);
  Host& other = queued(f, "http://www.y.gov.cn/", 1, "10.0.0.3");
  EXPECT_EQ(f.room(other, now), Frontier::Room::Crawl);  // the crawl's 4 connections
  f.vacate(slow);
  EXPECT_EQ(f.room(slow, now), Frontier::Room::Delay);  // 500 ms between its starts
  EXPECT_EQ(f.room(slow, now + std::chrono::milliseconds(501)), Frontier::Room::Yes);
  f.vacate(a);
  EXPECT_EQ(f.room(b, now), Frontier::Room::Yes);
  EXPECT_EQ(f.peak(), 4);
  EXPECT_EQ(f.hosts().size(), 4u);
  EXPECT_EQ(a.queue.size(), 5u);
}

TEST(Frontier, AHostOfASiteIsInScope) {
  CrawlSettings c;
  Frontier f(c, 4);
  Site site = county();
  std::vector<SiteState> sites(1);
  sites[0].site = &site;
  auto own = url::parts("http://zwgk.x.gov.cn/a.html"), other = url::parts("http://www.gov.cn/");
  f.push(make_task(0, "http://zwgk.x.gov.cn/a.html", 1, Mode::Page, false), *own, own->host, sites);
  f.push(make_task(0, "http://www.gov.cn/", 1, Mode::Check, true), *other, other->host, sites);
  EXPECT_TRUE(f.host_for(*own).in_scope);
  EXPECT_FALSE(f.host_for(*other).in_scope);
}

TEST(Frontier, DiscoveryKeepsToTheSiteAndItsLimits) {
  CrawlSettings c;
  c.max_depth = 3;
  c.max_query_variants_per_path = 2;
  c.max_pages_per_site = 6;
  c.max_url_length = 80;
  c.attachment_extensions = {"pdf", "doc"};
  Frontier f(c, 10);
  Site site = county();
  SiteState s;
  s.site = &site;
  using L = Frontier::Link;
  auto page = f.discover(s, 1, "http://www.x.gov.cn/xxgk/index.html", Mode::Page);
  EXPECT_EQ(page.kind, L::Page);
  EXPECT_EQ(page.depth, 2);
  EXPECT_EQ(f.discover(s, 1, "http://www.x.gov.cn/xxgk/index.html", Mode::Page).kind, L::Ignored);  // seen
  EXPECT_EQ(f.discover(s, 1, "http://zwgk.x.gov.cn/a.html", Mode::Page).kind, L::Page);  // another host of the site
  auto file = f.discover(s, 1, "http://www.x.gov.cn/files/a.pdf", Mode::Page);
  EXPECT_EQ(file.kind, L::Check);  // an attachment is checked, not crawled
  EXPECT_EQ(f.discover(s, 1, "http://www.gov.cn/", Mode::Page).kind, L::Check);  // another host's link
  auto deep = f.discover(s, 3, "http://www.x.gov.cn/deep.html", Mode::Page);
  EXPECT_EQ(deep.kind, L::Limited);
  EXPECT_EQ(deep.limit, "depth (3)");
  EXPECT_EQ(f.discover(s, 1, "http://www.x.gov.cn/s?q=1", Mode::Page).kind, L::Page);
  EXPECT_EQ(f.discover(s, 1, "http://www.x.gov.cn/s?q=2", Mode::Page).kind, L::Page);
  auto trap = f.discover(s, 1, "http://www.x.gov.cn/s?q=3", Mode::Page);
  EXPECT_EQ(trap.kind, L::Limited);
  EXPECT_EQ(trap.limit, "query variants per path (2) on /s");
  EXPECT_EQ(f.discover(s, 1, "http://www.x.gov.cn/" + std::string(80, 'a') + ".html", Mode::Page).limit, "URL length (80)");
  EXPECT_EQ(f.discover(s, 0, "http://www.x.gov.cn/b.html", Mode::Home).depth, 0);  // the homepage's own redirect
  EXPECT_EQ(f.discover(s, 1, "http://www.x.gov.cn/c.html", Mode::Page).kind, L::Page);
  EXPECT_EQ(s.pages_queued, 6);
  EXPECT_EQ(f.discover(s, 1, "http://www.x.gov.cn/d.html", Mode::Page).limit, "pages per site (6)");
  c.check_external_links = false;
  EXPECT_EQ(f.discover(s, 1, "http://www.z.gov.cn/", Mode::Page).kind, L::Ignored);
}
