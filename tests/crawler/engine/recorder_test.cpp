// The Recorder on its own (no loop, no network): what a finished task becomes in records, and
// which URLs it hands back to be followed.
#include "crawler/engine/recorder.hpp"

#include <gtest/gtest.h>

using namespace govaudit;
using namespace govaudit::engine;

namespace {

struct Rig {
  Site site{"x", "某县", "http://www.x.gov.cn/", "county", {"www.x.gov.cn"}, "", ""};
  CrawlSettings crawl;
  Frontier frontier{crawl, 4};
  std::vector<SiteState> sites = std::vector<SiteState>(1);
  CrawlSummary summary;
  Recorder rec{crawl, sites, frontier, summary};
  Rig() { sites[0].site = &site; }
};

FetchResult ok() {
  FetchResult r;
  r.status = 200;
  r.content_type = "text/html";
  return r;
}

ParsedPage page_with(const std::string& digest, std::vector<extract::Link> links) {
  ParsedPage p;
  p.digest = digest;
  for (auto& l : links) p.link_to.push_back(l.href);
  p.page.links = std::move(links);
  p.page.is_list = true;
  p.page.items = {{"/art/1.html", "关于印发某县工作方案的通知", Date(2025, 11, 3)}};
  p.item_to = {"http://www.x.gov.cn/art/1.html"};
  return p;
}

const PageRecord& page_of(const Recorded& r) { return std::get<EvidencedPage>(*r.page).page; }

// What reads a stored crawl back, held in memory.
class EarlierCrawl : public PriorCrawl {
 public:
  const PriorPage* find(const std::string&, const std::string&) const override { return nullptr; }
  std::int64_t run_of(const std::string&) const override { return 1; }
  PageRecord check(const PriorPage&) override { return {}; }
  void content(const std::string& site, const std::string& url, std::vector<LinkRecord>& links, std::vector<ItemRecord>& items,
               std::vector<MessageRecord>&) override {
    ++reads;
    links.push_back({site, url, "http://www.x.gov.cn/col/2/index_1.html", "pager", "", ""});
    links.push_back({site, url, "http://www.x.gov.cn/art/9.html", "a", "某通知", ""});
    links.push_back({site, url, "http://www.x.gov.cn/logo.png", "img", "", ""});
    items.push_back({site, url, "http://www.x.gov.cn/art/9.html", "某通知", Date(2025, 10, 1)});
  }
  int reads = 0;
};

}  // namespace

TEST(Recorder, AParsedPageIsItsLinksItemsAndRecordAndWhatItLeadsTo) {
  Rig r;
  Task t = make_task(0, "http://www.x.gov.cn/col/1/index.html", 1, Mode::Page, false);
  auto rec = r.rec.parsed(t, ok(), page_with("d1", {{"http://www.x.gov.cn/art/1.html", "a", "通知"},
                                                   {"http://www.x.gov.cn/logo.png", "img", ""},
                                                   {"http://www.x.gov.cn/old/", "redirect", ""}}),
                          nullptr);
  ASSERT_TRUE(rec.page);
  EXPECT_EQ(page_of(rec).url, t.url);
  EXPECT_EQ(page_of(rec).kind, PageKind::List);
  EXPECT_TRUE(page_of(rec).duplicate_of.empty());
  ASSERT_EQ(rec.links.size(), 3u);  // an image is a link of the page, but not followed
  ASSERT_EQ(rec.follow.size(), 2u);
  EXPECT_EQ(rec.follow[0].first, "http://www.x.gov.cn/art/1.html");
  EXPECT_EQ(rec.follow[1].second, Mode::Page);  // a page's redirect link is a page; a homepage stub's is home
  ASSERT_EQ(rec.items.size(), 1u);
  EXPECT_EQ(rec.items[0].list_url, t.url);
  EXPECT_EQ(r.summary.pages, 1);
  EXPECT_EQ(r.sites[0].pages_done, 1);

  // The same content under another URL is a copy: no links of its own, nothing to follow.
  Task copy = make_task(0, "http://www.x.gov.cn/col/1/index.html?x=1", 2, Mode::Page, false);
  EXPECT_TRUE(r.rec.repeats(copy, "d1"));
  auto dup = r.rec.parsed(copy, ok(), page_with("d1", {{"http://www.x.gov.cn/art/2.html", "a", ""}}), nullptr);
  EXPECT_EQ(page_of(dup).duplicate_of, t.url);
  EXPECT_TRUE(dup.links.empty() && dup.items.empty() && dup.follow.empty());
  // A homepage never is.
  Task home = make_task(0, "http://www.x.gov.cn/", 0, Mode::Home, false);
  EXPECT_FALSE(r.rec.repeats(home, "d1"));
}

TEST(Recorder, AHomepageStubHandsHomeOnAndALimitIsRecordedOnce) {
  Rig r;
  Task home = make_task(0, "http://www.x.gov.cn/", 0, Mode::Home, false);
  auto stub = page_with("s", {{"http://www.x.gov.cn/index.html", "redirect", ""}});
  stub.page.links_truncated = true;
  EXPECT_TRUE(home_redirect_only(home, stub.page));
  auto rec = r.rec.parsed(home, ok(), std::move(stub), nullptr);
  ASSERT_EQ(rec.follow.size(), 1u);
  EXPECT_EQ(rec.follow[0].second, Mode::Home);
  ASSERT_EQ(rec.limits.size(), 1u);
  EXPECT_EQ(rec.limits[0].what.rfind("links per page (", 0), 0u) << rec.limits[0].what;
  auto again = page_with("s2", {});
  again.page.links_truncated = true;
  Task same = make_task(0, "http://www.x.gov.cn/", 0, Mode::Home, false);
  EXPECT_TRUE(r.rec.parsed(same, ok(), std::move(again), nullptr).limits.empty());
}

TEST(Recorder, ATrsPagerIsEnumeratedFromTwoPagesOfItsListAtMost) {
  Rig r;
  auto list = [&](int current) {
    auto p = page_with("p" + std::to_string(current), {});
    p.page.pager = extract::Pager{4, current, "index", "html"};
    std::string u = current ? "http://www.x.gov.cn/col/1/index_" + std::to_string(current) + ".html" : "http://www.x.gov.cn/col/1/index.html";
    return r.rec.parsed(make_task(0, u, 1, Mode::Page, false), ok(), std::move(p), nullptr);
  };
  auto first = list(0);
  EXPECT_EQ(first.follow.size(), 3u);  // index_1 … index_3
  EXPECT_EQ(first.links.size(), 3u);
  auto second = list(1);
  EXPECT_EQ(second.follow.size(), 3u);  // index, index_2, index_3
  ASSERT_EQ(second.links.size(), 1u);  // a page's pager row is kept once: only the first page is new
  EXPECT_EQ(second.links[0].to_url, "http://www.x.gov.cn/col/1/index.html");
  EXPECT_TRUE(list(2).follow.empty());  // two pages of the list named them all
}

TEST(Recorder, ACheckIsAnsweredOnceForEverySiteThatLinksIt) {
  Rig r;
  Site other{"y", "某区", "http://www.y.gov.cn/", "county", {"www.y.gov.cn"}, "", ""};
  r.sites.resize(2);
  r.sites[1].site = &other;
  const std::string u = "http://www.gov.cn.test/zhengce/";
  Task mine = make_task(0, u, 2, Mode::Check, true), theirs = make_task(1, u, 3, Mode::Check, true);
  EXPECT_EQ(r.rec.answer(u), nullptr);
  EXPECT_FALSE(r.rec.wait_for(mine));
  r.rec.asking(u);
  EXPECT_TRUE(r.rec.wait_for(theirs));  // the same URL under way: no second request
  FetchResult gone;
  gone.status = 404;
  auto page = r.rec.unparsed(mine, gone);
  EXPECT_EQ(page.page.kind, PageKind::External);
  EXPECT_EQ(page.page.error_kind, ErrorKind::Http);
  ASSERT_NE(r.rec.answer(u), nullptr);
  EXPECT_EQ(r.rec.answer(u)->status, 404);
  std::vector<Task> tasks;
  auto waiting = r.rec.answer_waiting(u, tasks);
  ASSERT_EQ(waiting.size(), 1u);
  ASSERT_EQ(tasks.size(), 1u);
  EXPECT_EQ(waiting[0].page.site_id, "y");
  EXPECT_EQ(waiting[0].page.status, 404);
  EXPECT_EQ(waiting[0].page.depth, 3);
  EXPECT_TRUE(r.rec.answer_waiting(u, tasks).empty());
  EXPECT_EQ(r.summary.checked, 1);
}

TEST(Recorder, AnUnreachableHomepageMarksItsSite) {
  Rig r;
  FetchResult refused;
  refused.error_kind = ErrorKind::Connect;
  refused.error = "Couldn't connect to server";
  auto page = r.rec.unparsed(make_task(0, "http://www.x.gov.cn/", 0, Mode::Home, false), refused);
  EXPECT_EQ(page.page.kind, PageKind::Home);
  EXPECT_TRUE(r.sites[0].unreachable);
  EXPECT_EQ(r.sites[0].error, "Couldn't connect to server");
  EXPECT_EQ(r.summary.errors["connect"], 1);
}

TEST(Recorder, AnUnchangedPageIsItsEarlierRowAndContentFollowedAgain) {
  Rig r;
  EarlierCrawl earlier;
  r.rec.earlier(&earlier);
  PriorPage prior{42, "\"e1\"", "", "d9", "2025-11-01T00:00:00Z", "http://www.x.gov.cn/col/2/index.html", PageKind::List, false};
  Task t = make_task(0, "http://www.x.gov.cn/col/2/index.html", 1, Mode::Page, false);
  t.prior = &prior;
  RevisitedPage rp;
  rp.etag = "\"e1\"";
  auto rec = r.rec.unchanged(t, rp);
  ASSERT_TRUE(rec.page);
  auto& row = std::get<RevisitedPage>(*rec.page);
  EXPECT_EQ(row.prior_row, 42);
  EXPECT_EQ(row.url, t.url);
  EXPECT_EQ(rec.links.size(), 3u);
  EXPECT_EQ(rec.items.size(), 1u);
  EXPECT_EQ(rec.follow.size(), 2u);  // not the image
  EXPECT_TRUE(r.sites[0].pager_linked.contains("http://www.x.gov.cn/col/2/index_1.html"));
  // The same content under another URL: a copy, its content not read again.
  Task copy = make_task(0, "http://www.x.gov.cn/col/2/", 1, Mode::Page, false);
  copy.prior = &prior;
  auto dup = r.rec.unchanged(copy, RevisitedPage{});
  EXPECT_EQ(std::get<RevisitedPage>(*dup.page).duplicate_of, t.url);
  EXPECT_TRUE(dup.follow.empty());
  EXPECT_EQ(earlier.reads, 1);
  EXPECT_EQ(r.summary.pages, 2);
}
