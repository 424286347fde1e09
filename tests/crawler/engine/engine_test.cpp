// The Engine's loop with a fake Transport: a table of answers given after a short delay on the
// engine's own io_context, so scheduling, politeness, retries, redirects and revalidation are seen
// without a server. Names come from dns.static; the one lookup that leaves the process (the zone's
// name servers) goes to a closed loopback port and fails at once.
#include "crawler/engine/engine.hpp"

#include <gtest/gtest.h>

#include <boost/asio/steady_timer.hpp>
#include <mutex>

using namespace govaudit;
using namespace govaudit::engine;

namespace {

struct Answer {
  int status = 200;
  std::string body;
  std::string location;   // a redirect's target, absolute
  std::string etag;       // sent with the answer; a request carrying it as If-None-Match gets 304
  int unavailable = 0;    // answers 503 this many times first
};
Answer ok(std::string body) { return Answer{200, std::move(body), "", "", 0}; }
Answer moved(std::string to) { return Answer{301, "", std::move(to), "", 0}; }
Answer tagged(std::string body, std::string etag) { return Answer{200, std::move(body), "", std::move(etag), 0}; }
Answer unavailable(std::string body, int times) { return Answer{200, std::move(body), "", "", times}; }

// The web the fake serves, and what it was asked; transfers at once counted per scheme://host:port,
// as the engine keys its hosts (the homepage's HTTPS probes are another host).
struct Web {
  std::map<std::string, Answer> pages;
  std::vector<FetchRequest> asked;
  std::map<std::string, int> in_flight, most_in_flight;  // by host
  std::chrono::milliseconds delay{3};

  int asked_for(const std::string& url) const {
    return int(std::count_if(asked.begin(), asked.end(), [&](const FetchRequest& r) { return r.url == url; }));
  }
};

std::string host_of(const std::string& url) { return url.substr(0, url.find('/', url.find("://") + 3)); }

class FakeTransport : public Transport {
 public:
  FakeTransport(boost::asio::io_context& io, Web& web) : io_(io), web_(web) {}

  void fetch(FetchRequest req, std::function<void(FetchResult)> done) override {
    web_.asked.push_back(req);
    std::string host = host_of(req.url);
    int& n = ++web_.in_flight[host];
    web_.most_in_flight[host] = std::max(web_.most_in_flight[host], n);
    auto timer = std::make_shared<boost::asio::steady_timer>(io_, web_.delay);
    timer->async_wait([this, timer, host, req = std::move(req), done = std::move(done)](auto) {
      --web_.in_flight[host];
      done(answer(req));
    });
  }

 private:
  FetchResult answer(const FetchRequest& req) {
    FetchResult r;
    r.primary_ip = "127.0.0.1";
    if (req.url.rfind("https://", 0) == 0) {
      r.error_kind = ErrorKind::Connect;
      r.error = "connection refused";
      r.connection_refused = true;
      return r;
    }
    auto it = web_.pages.find(req.url);
    if (it == web_.pages.end()) {
      r.status = 404;
      r.content_type = "text/html";
      return r;
    }
    Answer& a = it->second;
    if (a.unavailable > 0) {
      --a.unavailable;
      r.status = 503;
      return r;
    }
    bool same = !a.etag.empty() && std::count(req.headers.begin(), req.headers.end(), "If-None-Match: " + a.etag);
    r.status = same ? 304 : a.location.empty() ? a.status : 301;
    r.location = a.location;
    r.etag = a.etag;
    r.content_type = "text/html; charset=utf-8";
    if (r.status == 200 && !req.head) r.body = a.body;
    r.bytes = std::int64_t(r.body.size());
    return r;
  }

  boost::asio::io_context& io_;
  Web& web_;
};

struct Sink : RecordSink {
  std::mutex mu;
  std::vector<Record> records;
  void push(Record r) override {
    std::lock_guard lk(mu);
    records.push_back(std::move(r));
  }
  size_t pending() override { return 0; }
  size_t backlog() const override { return 1 << 30; }

  template <class T>
  std::vector<T> all() {
    std::vector<T> out;
    for (auto& r : records)
      if (auto* v = std::get_if<T>(&r)) out.push_back(*v);
    return out;
  }
  std::vector<PageRecord> pages() {
    std::vector<PageRecord> out;
    for (auto& e : all<EvidencedPage>()) out.push_back(e.page);
    return out;
  }
};

const std::string kHome = "http://www.x.test/";

std::string html(const std::vector<std::string>& hrefs) {
  std::string s = "<html><head><title>某县人民政府</title></head><body>";
  for (auto& h : hrefs) s += "<a href=\"" + h + "\">栏目 " + h + "</a>";  // pages of one text are copies
  return s + "</body></html>";
}

struct Rig {
  Config cfg = load_config();
  NetGuard guard{{"127.0.0.0/8"}};
  Web web;
  Sink sink;
  Site site{"x", "某县", kHome, "county", {"www.x.test"}, "", ""};
  Rig() {
    cfg.dns.static_hosts["www.x.test"] = {"127.0.0.1"};
    cfg.dns.servers = {"127.0.0.1:1"};
    cfg.dns.timeout_ms = 200;
    cfg.dns.tries = 1;
    cfg.crawl.retry_backoff_ms = 5;
    cfg.crawl.check_external_links = false;
  }
  CrawlSummary crawl(PriorCrawl* prior = nullptr) {
    Engine e(cfg, guard, sink, [this](boost::asio::io_context& io) { return std::make_unique<FakeTransport>(io, web); });
    e.revalidate(prior, false);
    std::vector<Site> sites{site};
    return e.go(sites, std::nullopt);
  }
  // A homepage linking /p0.html … /pN-1.html, each page linking `deeper` ones (/q0.html …) or none.
  void many_pages(int n, bool deeper) {
    std::vector<std::string> hrefs;
    for (int i = 0; i < n; ++i) {
      std::string k = std::to_string(i);
      hrefs.push_back("/p" + k + ".html");
      web.pages[kHome + "p" + k + ".html"] = ok(html(deeper ? std::vector<std::string>{"/q" + k + ".html"} : std::vector<std::string>{}));
    }
    web.pages[kHome] = ok(html(hrefs));
  }
  int recorded(const std::string& url) {
    auto pages = sink.pages();
    return int(std::count_if(pages.begin(), pages.end(), [&](const PageRecord& p) { return p.url == url; }));
  }
};

}  // namespace

TEST(Engine, FollowsLinksAndRecordsEachPageOnce) {
  Rig rig;
  rig.web.pages[kHome] = ok(html({"/a.html", "b.html", "/a.html#top", "http://www.x.test/a.html"}));
  rig.web.pages[kHome + "a.html"] = ok(html({"/b.html", "/", "/c.html"}));
  rig.web.pages[kHome + "b.html"] = ok(html({"/a.html"}));
  auto summary = rig.crawl();
  for (auto* u : {"", "a.html", "b.html"}) EXPECT_EQ(rig.recorded(kHome + u), 1) << u;
  for (auto* u : {"a.html", "b.html"}) EXPECT_EQ(rig.web.asked_for(kHome + u), 1) << u;  // the homepage also by its probes
  EXPECT_EQ(rig.web.asked_for(kHome + "c.html"), 1);
  auto pages = rig.sink.pages();
  auto c = std::find_if(pages.begin(), pages.end(), [](const PageRecord& p) { return p.url == kHome + "c.html"; });
  ASSERT_NE(c, pages.end());
  EXPECT_EQ(c->status, 404);
  EXPECT_EQ(summary.pages, 3);
  // The links of every page read are recorded, as read.
  size_t links = 0;
  for (auto& l : rig.sink.all<std::vector<LinkRecord>>()) links += l.size();
  EXPECT_GE(links, 7u);
}

TEST(Engine, NoHostHasMoreTransfersAtOnceThanItsLimit) {
  Rig rig;
  rig.cfg.crawl.per_host_connections = 2;
  rig.many_pages(30, false);
  rig.crawl();
  EXPECT_EQ(rig.web.most_in_flight["http://www.x.test"], 2);
  for (int i = 0; i < 30; ++i) EXPECT_EQ(rig.recorded(kHome + "p" + std::to_string(i) + ".html"), 1) << i;
}

TEST(Engine, ATransientAnswerIsAskedAgainAndTheLastAnswerRecorded) {
  Rig rig;
  rig.cfg.crawl.retries = 2;
  rig.web.pages[kHome] = ok(html({"/flaky.html", "/down.html"}));
  rig.web.pages[kHome + "flaky.html"] = unavailable(html({}), 1);
  rig.web.pages[kHome + "down.html"] = unavailable(html({}), 99);
  rig.crawl();
  EXPECT_EQ(rig.web.asked_for(kHome + "flaky.html"), 2);
  EXPECT_EQ(rig.web.asked_for(kHome + "down.html"), 3);  // the first ask and two retries
  for (auto& p : rig.sink.pages()) {
    if (p.url == kHome + "flaky.html") {
      EXPECT_EQ(p.status, 200);
    }
    if (p.url == kHome + "down.html") {
      EXPECT_EQ(p.status, 503);
    }
  }
}

TEST(Engine, ARedirectIsFollowedAndItsHopRecorded) {
  Rig rig;
  rig.web.pages[kHome] = ok(html({"/old.html"}));
  rig.web.pages[kHome + "old.html"] = moved(kHome + "new.html");
  rig.web.pages[kHome + "new.html"] = ok(html({"/deep.html"}));
  rig.web.pages[kHome + "deep.html"] = ok(html({}));
  rig.crawl();
  EXPECT_EQ(rig.web.asked_for(kHome + "new.html"), 1);
  EXPECT_EQ(rig.web.asked_for(kHome + "deep.html"), 1);  // the target's links are followed
  bool hop = false;
  for (auto& p : rig.sink.pages())
    for (auto& r : p.redirects) hop = hop || (r.url == kHome + "old.html" && r.status == 301);
  EXPECT_TRUE(hop);
}

namespace {
// An earlier crawl held in memory: one page with a validator, whose recorded links name a page the
// answer would not show (a 304 has no body).
class Earlier : public PriorCrawl {
 public:
  PriorPage page{7, "\"v1\"", "", "d1", "2026-11-01T00:00:00Z", kHome + "a.html", PageKind::Page, false};
  const PriorPage* find(const std::string&, const std::string& url) const override {
    return url == kHome + "a.html" ? &page : nullptr;
  }
  std::int64_t run_of(const std::string&) const override { return 1; }
  PageRecord check(const PriorPage&) override { return {}; }
  void content(const std::string& site, const std::string& url, std::vector<LinkRecord>& links, std::vector<ItemRecord>&,
               std::vector<MessageRecord>&) override {
    links.push_back({site, url, kHome + "only-before.html", "a", "旧链接", ""});
  }
};
}  // namespace

TEST(Engine, APageThatDidNotChangeIsTakenFromTheEarlierCrawlAndItsLinksFollowed) {
  Rig rig;
  Earlier earlier;
  rig.web.pages[kHome] = ok(html({"/a.html"}));
  rig.web.pages[kHome + "a.html"] = tagged(html({}), "\"v1\"");
  rig.web.pages[kHome + "only-before.html"] = ok(html({}));
  auto summary = rig.crawl(&earlier);
  ASSERT_EQ(rig.web.asked_for(kHome + "a.html"), 1);
  auto asked = std::find_if(rig.web.asked.begin(), rig.web.asked.end(), [](auto& r) { return r.url == kHome + "a.html"; });
  EXPECT_EQ(std::count(asked->headers.begin(), asked->headers.end(), "If-None-Match: \"v1\""), 1);
  EXPECT_EQ(summary.not_modified, 1);
  auto revisits = rig.sink.all<RevisitedPage>();
  ASSERT_EQ(revisits.size(), 1u);
  EXPECT_EQ(revisits[0].url, kHome + "a.html");
  EXPECT_EQ(revisits[0].prior_row, 7);
  EXPECT_EQ(rig.recorded(kHome + "a.html"), 0);  // not recorded twice
  EXPECT_EQ(rig.web.asked_for(kHome + "only-before.html"), 1);
}

TEST(Engine, ASiteCutShortByThePageCapSaysSo) {
  Rig rig;
  rig.cfg.crawl.max_pages_per_site = 5;
  rig.many_pages(30, true);
  rig.crawl();
  auto pages = rig.sink.pages();
  EXPECT_EQ(std::count_if(pages.begin(), pages.end(), [](auto& p) { return p.kind != PageKind::Home; }), 4);
  auto limits = rig.sink.all<LimitRecord>();
  ASSERT_EQ(limits.size(), 1u);
  EXPECT_EQ(limits[0].site_id, "x");
  EXPECT_EQ(limits[0].what, "pages per site (5)");
}

// While the crawl's connection limit holds hosts back, the host with the most work waiting goes
// first: in name order, a small site's pages would all go before the big one's first.
TEST(Engine, WhileTheConnectionLimitHoldsTheBusiestHostGoesFirst) {
  Rig rig;
  rig.cfg.crawl.global_connections = 1;
  rig.cfg.crawl.per_host_connections = 1;
  rig.web.delay = std::chrono::milliseconds(40);  // the order is renewed every 100 ms
  const std::string a = "http://www.a.test/", z = "http://www.z.test/";
  std::vector<std::string> few, many;
  for (int i = 0; i < 4; ++i) {
    few.push_back("/a" + std::to_string(i) + ".html");
    rig.web.pages[a + "a" + std::to_string(i) + ".html"] = ok(html({}));
  }
  for (int i = 0; i < 16; ++i) {
    many.push_back("/z" + std::to_string(i) + ".html");
    rig.web.pages[z + "z" + std::to_string(i) + ".html"] = ok(html({}));
  }
  rig.web.pages[a] = ok(html(few));
  rig.web.pages[z] = ok(html(many));
  for (auto* h : {"www.a.test", "www.z.test"}) rig.cfg.dns.static_hosts[h] = {"127.0.0.1"};
  Engine e(rig.cfg, rig.guard, rig.sink, [&](boost::asio::io_context& io) { return std::make_unique<FakeTransport>(io, rig.web); });
  std::vector<Site> sites{{"a", "甲县", a, "county", {"www.a.test"}, "", ""}, {"z", "乙县", z, "county", {"www.z.test"}, "", ""}};
  e.go(sites, std::nullopt);
  auto at = [&](const std::string& prefix, bool last) {
    int found = -1;
    for (int i = 0; i < int(rig.web.asked.size()); ++i)
      if (rig.web.asked[size_t(i)].url.rfind(prefix, 0) == 0 && (last || found < 0)) found = i;
    return found;
  };
  ASSERT_GE(at(z + "z", false), 0);
  ASSERT_GE(at(a + "a", true), 0);
  EXPECT_LT(at(z + "z", false), at(a + "a", true));
  for (auto& [host, n] : rig.web.most_in_flight) EXPECT_LE(n, 1) << host;
}
