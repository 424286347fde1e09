#include "storage/store.hpp"

#include <span>

#include "config/embedded.hpp"
#include "storage/page_rows.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <map>

using namespace govaudit;

namespace {
void remove_db(const std::string& p) {
  for (const char* suffix : {"", "-wal", "-shm", "-journal"}) std::filesystem::remove(p + suffix);
}

// A database file of this process's own, removed at its start and when the tests end.
std::string temp_db(const char* name) {
  static struct Made {
    std::vector<std::string> paths;
    ~Made() {
      for (auto& p : paths) remove_db(p);
    }
  } made;
  auto p = (std::filesystem::temp_directory_path() / (std::string("govaudit_") + name + "_" + std::to_string(::getpid()) + ".db")).string();
  remove_db(p);
  made.paths.push_back(p);
  return p;
}
}  // namespace

namespace govaudit::schema {
std::span<const EmbeddedFile> files();
}

TEST(Store, CreatesSchemaAtCurrentVersion) {
  std::string path = temp_db("schema");
  Store s(path);
  sqlite::Connection raw(path, false);
  auto st = raw.prepare("PRAGMA user_version");
  ASSERT_TRUE(st.step());
  EXPECT_EQ(st.integer(0), Store::kSchemaVersion);
  Store again(path);  // reopening migrates nothing and keeps the data
  EXPECT_TRUE(again.runs().empty());
}

TEST(Store, WriterRecordsRoundTripIntoSiteViews) {
  std::string path = temp_db("views");
  Store s(path);
  Site site{"qinghe", "清河县人民政府", "http://www.qinghe.gov.cn/", "county", {"www.qinghe.gov.cn"}, "", ""};
  auto run = s.begin_run(RunKind::Crawl, Date(2025, 11, 20), std::nullopt, "{}");
  s.add_sites(run, {site});
  {
    Writer w(path, run);
    PageRecord p;
    p.site_id = "qinghe";
    p.url = p.final_url = "http://www.qinghe.gov.cn/";
    p.status = 200;
    p.kind = PageKind::Home;
    p.fetched_at = now_iso_utc();
    p.meta = MetaTags{{"SiteIDCode", "1300000001"}};
    p.published = Date(2025, 11, 18);
    p.published_source = "header";
    p.document_date = Date(2025, 11, 17);
    p.column = "政务公开";
    p.text = std::string(5000, 'x') + "网站标识码：1300000001";
    w.push(p);
    w.push(std::vector<LinkRecord>{{"qinghe", p.url, "http://bszs.conac.cn/", "a", "党政机关"}});
    w.push(std::vector<ItemRecord>{{"qinghe", p.url, "http://www.qinghe.gov.cn/a.html", "通知", Date(2025, 11, 1)}});
    w.push(DnsRecord{"www.qinghe.gov.cn", "AAAA", {"::1"}, "", 3});
    w.flush();
  }
  s.set_site_status(run, "qinghe", "done", "", {"depth (20)"});
  s.finish_run(run, RunStatus::Done);
  auto views = s.load_site_views(run);
  ASSERT_EQ(views.size(), 1u);
  auto& v = views[0];
  EXPECT_EQ(v.site.name, "清河县人民政府");
  ASSERT_NE(v.homepage(), nullptr);
  EXPECT_EQ(v.homepage()->text.size(), 5000u + std::string("网站标识码：1300000001").size());
  EXPECT_EQ(v.homepage()->meta.at("SiteIDCode"), "1300000001");
  EXPECT_EQ(v.homepage()->published->iso(), "2025-11-18");
  EXPECT_EQ(v.homepage()->published_source, "header");
  EXPECT_EQ(v.homepage()->document_date->iso(), "2025-11-17");
  EXPECT_EQ(v.homepage()->column, "政务公开");
  ASSERT_EQ(v.links.size(), 1u);
  EXPECT_EQ(v.links[0].text, "党政机关");
  ASSERT_EQ(v.items.size(), 1u);
  EXPECT_EQ(v.items[0].date->iso(), "2025-11-01");
  ASSERT_EQ(v.dns.size(), 1u);
  EXPECT_EQ(v.dns[0].answers, std::vector<std::string>{"::1"});
  EXPECT_EQ(v.limits, std::vector<std::string>{"depth (20)"});
  EXPECT_EQ(s.latest_run(RunKind::Crawl)->id, run);
}

TEST(Store, AuditViewKeepsWhatRulesReadAndCompactsTheRest) {
  std::string path = temp_db("auditview");
  Store s(path);
  const std::string H = "http://w.gov.cn/";
  Site site{"w", "W", H, "county", {"w.gov.cn"}, "", ""};
  auto run = s.begin_run(RunKind::Crawl, Date(2025, 11, 20), std::nullopt, "{}");
  s.add_sites(run, {site});
  auto page = [&](const std::string& url, const char* kind, int status = 200) {
    PageRecord p;
    p.site_id = "w";
    p.url = p.final_url = url;
    p.status = status;
    p.kind = page_kind_from(kind);
    p.text = std::string(kind) + " text of " + url;
    p.published = Date(2025, 3, 1);
    p.published_source = "label";  // the interpretation rule reads where the date came from
    p.fetched_at = "2025-03-02T00:00:00Z";
    p.meta = MetaTags{{"ArticleTitle", "标题"}, {"Keywords", "关键词"}};
    return p;
  };
  {
    Writer w(path, run);
    w.push(page(H, "home"));
    w.push(page(H + "nav.html", "list"));
    w.push(page(H + "dead.html", "page", 404));
    std::vector<LinkRecord> links;
    for (int i = 0; i < 30; ++i) {
      std::string a = H + "a" + std::to_string(i) + ".html";
      w.push(page(a, "article"));
      links.push_back({"w", a, H + "nav.html", "a", "通知公告"});    // navigation on every article
      links.push_back({"w", a, H + "dead.html", "a", "失效"});        // a broken link on every article
      links.push_back({"w", a, H + "a0.html", "a", "相关解读"});      // another article
    }
    // A three-page list whose pages list their items.
    for (int p = 0; p < 3; ++p) {
      std::string l = H + "list/index" + (p ? "_" + std::to_string(p) : "") + ".html";
      w.push(page(l, "list"));
      if (p == 0) links.push_back({"w", l, H + "list/index_1.html", "pager", ""});
      links.push_back({"w", l, H + "a" + std::to_string(p) + ".html", "a", "文章"});
      w.push(std::vector<ItemRecord>{{"w", l, H + "a" + std::to_string(p) + ".html", "文章", Date(2025, 11, 1)}});
    }
    links.push_back({"w", H, H + "nav.html", "a", "通知公告"});
    w.push(links);
    w.flush();
  }
  s.finish_run(run, RunStatus::Done);
  std::vector<SiteView> audit;
  s.for_each_site_view(run, [&](SiteView& v) { audit.push_back(std::move(v)); }, Store::ViewParts::Audit);
  ASSERT_EQ(audit.size(), 1u);
  auto count = [&](const std::string& from_prefix, const std::string& to) {
    return std::count_if(audit[0].links.begin(), audit[0].links.end(),
                         [&](auto l) { return l.from_url.starts_with(from_prefix) && l.to_url == to; });
  };
  EXPECT_EQ(count(H + "a", H + "nav.html"), 1);    // boilerplate: once
  EXPECT_EQ(count(H, H + "nav.html"), 2);          // ... and the homepage's own link
  EXPECT_EQ(count(H + "a", H + "dead.html"), 30);  // a broken target keeps every source
  EXPECT_EQ(count(H + "a", H + "a0.html"), 30);    // links between articles are kept
  EXPECT_EQ(count(H + "list/", H + "list/index_1.html"), 1);  // the pager
  EXPECT_EQ(count(H + "list/", H + "a1.html"), 0);  // held by the item record
  EXPECT_EQ(audit[0].items.size(), 3u);
  // Articles' and lists' texts stay in the store until a rule asks for them; what rules read is kept.
  // The audit's view holds a table of the pages and the homepage's record; the rest is read as asked.
  EXPECT_TRUE(audit[0].pages.empty());
  EXPECT_EQ(audit[0].page_table().size(), 36u);
  ASSERT_NE(audit[0].homepage(), nullptr);
  EXPECT_EQ(audit[0].homepage()->url, H);
  ASSERT_NE(audit[0].page(H + "dead.html"), nullptr);
  EXPECT_EQ(audit[0].page(H + "dead.html")->status, 404);
  EXPECT_EQ(audit[0].page(H + "none.html"), nullptr);
  audit[0].each_page([&](const PageRecord& p) {
    EXPECT_EQ(p.published_source, "label") << p.url;
    // When a failed page (a broken link's target) or the homepage was fetched is evidence.
    bool evidence = p.status >= 400 || p.kind == PageKind::Home;
    EXPECT_EQ(audit[0].page(p.url)->fetched_at, evidence ? "2025-03-02T00:00:00Z" : "") << p.url;
    EXPECT_EQ(p.fetched_at, "") << p.url;  // a walk's record leaves it to the whole one
    EXPECT_EQ(p.published, Date(2025, 3, 1)) << p.url;
    bool stored = p.kind == PageKind::Article || p.kind == PageKind::List;
    EXPECT_EQ(stored, p.text.empty() && p.crawl().text_z.empty()) << p.url;
    EXPECT_EQ(audit[0].text_of(p), std::string(name(p.kind)) + " text of " + p.url);
  });
  // Given the <meta> names the rules read, pages keep only those.
  std::set<std::string> read = {"ArticleTitle", "PubDate"};
  s.for_each_site_view(run, [&](SiteView& v) {
    v.each_page([&](const PageRecord& p) {
      EXPECT_EQ(p.meta.count("ArticleTitle"), 1u) << p.url;
      EXPECT_EQ(p.meta.count("Keywords"), 0u) << p.url;
    });
  }, Store::ViewParts::Audit, &read);
  // The full view has every row.
  auto full = s.load_site_views(run);
  EXPECT_EQ(full[0].links.size(), 30u * 3 + 3 + 1 + 1);
  // Both give the pages in crawl order, not in the order of the URL index they are read through.
  std::vector<std::string> crawled = {H, H + "nav.html", H + "dead.html"};
  for (int i = 0; i < 30; ++i) crawled.push_back(H + "a" + std::to_string(i) + ".html");
  for (auto l : {"index", "index_1", "index_2"}) crawled.push_back(H + "list/" + l + ".html");
  auto urls = [](const SiteView& v) {
    std::vector<std::string> u;
    v.each_page([&](const PageRecord& p) { u.push_back(p.url); });
    return u;
  };
  EXPECT_EQ(urls(audit[0]), crawled);
  EXPECT_EQ(urls(full[0]), crawled);
}

// An audit view reads a site's pages by rowid range where they lie close together, else one by one
// by rowid (a site crawled beside another, rows interleaved). Both come in crawl order, whole.
TEST(Store, LargeSitesViewsComeWholeInCrawlOrder) {
  std::string path = temp_db("largeview");
  Store s(path);
  auto run = s.begin_run(RunKind::Crawl, Date(2025, 11, 20), std::nullopt, "{}");
  s.add_sites(run, {Site{"big", "Big", "http://big.gov.cn/", "county", {"big.gov.cn"}, "", ""},
                    Site{"mix", "Mix", "http://mix.gov.cn/", "county", {"mix.gov.cn"}, "", ""}});
  std::vector<std::string> big, mix;
  {
    Writer w(path, run);
    for (int i = 0; i < 3001; ++i) {
      PageRecord p;
      bool other = i % 3 == 0;  // every third row is the other site's
      p.site_id = other ? "mix" : "big";
      // URLs in an order unlike the crawl's, so that the index's order is not the crawl's
      p.url = p.final_url = "http://" + p.site_id + ".gov.cn/" + std::to_string((i * 7919) % 3001) + ".html";
      p.status = 200;
      p.kind = PageKind::Article;
      p.charset = "UTF-8";
      p.meta = MetaTags{{"ArticleTitle", "标题" + std::to_string(i)}};
      p.a11y.images = i;
      p.text = "text " + std::to_string(i);
      (other ? mix : big).push_back(p.url);
      w.push(std::move(p));
    }
    w.flush();
  }
  s.finish_run(run, RunStatus::Done);
  std::set<std::string> read = {"ArticleTitle"};
  std::map<std::string, std::vector<std::string>> seen;
  s.for_each_site_view(run, [&](SiteView& v) {
    v.each_page([&](const PageRecord& p) {
      seen[v.site.id].push_back(p.url);
      // The whole record, read by itself; a walk's leaves out what the page table holds.
      auto whole = v.page(p.url);
      ASSERT_TRUE(whole) << p.url;
      int i = whole->a11y.images;
      EXPECT_EQ(v.page_table()[*v.page_table().own(p.url)].a11y.images, i) << p.url;
      EXPECT_EQ(p.meta.at("ArticleTitle"), "标题" + std::to_string(i)) << p.url;
      EXPECT_EQ(whole->meta.at("ArticleTitle"), "标题" + std::to_string(i)) << p.url;
      EXPECT_EQ(v.text_of(p), "text " + std::to_string(i)) << p.url;
    });
    // With the texts asked for, they come with the records.
    v.each_page([&](const PageRecord& p) { EXPECT_FALSE(p.text.empty()) << p.url; }, true);
    // A walk stops where it is told to.
    int walked = 0;
    v.each_page([&](const PageRecord&) { return ++walked < 10; });
    EXPECT_EQ(walked, 10);
  }, Store::ViewParts::Audit, &read);
  EXPECT_EQ(seen["big"], big);
  EXPECT_EQ(seen["mix"], mix);
}

TEST(Store, FindingsBelongToTheirAuditRun) {
  std::string path = temp_db("findings");
  Store s(path);
  auto crawl = s.begin_run(RunKind::Crawl, Date(2025, 11, 20), std::nullopt, "{}");
  auto a1 = s.begin_run(RunKind::Audit, Date(2025, 11, 20), crawl, "{}");
  auto a2 = s.begin_run(RunKind::Audit, Date(2025, 11, 21), crawl, "{}");
  s.save_findings(a1, {{"x", "footer.missing_icp", "www.x.gov.cn", "http://www.x.gov.cn/", "{\"a\":1}"}});
  EXPECT_EQ(s.findings(a1).size(), 1u);
  EXPECT_TRUE(s.findings(a2).empty());
  EXPECT_EQ(s.run(a2)->crawl_run, crawl);
  EXPECT_EQ(s.findings(a1)[0].detail_json, "{\"a\":1}");
}

TEST(Store, TextCompressionRoundTrips) {
  std::string t = "政务公开 " + std::string(10000, 'a');
  EXPECT_LT(compress_text(t).size(), t.size() / 10);
  EXPECT_EQ(decompress_text(compress_text(t)), t);
  EXPECT_EQ(decompress_text(""), "");
}

TEST(Store, MigratesAVersion1DatabaseKeepingItsRunsAndPages) {
  std::string path = temp_db("migrate");
  {
    // A database as the first release left it: schema file 1 only, one crawl with one page.
    sqlite::Connection c(path);
    c.exec(std::string(schema::files()[0].data));
    c.exec("INSERT INTO runs (kind, started_at, today, status) VALUES ('crawl', '2025-11-20T00:00:00Z', '2025-11-20', 'done')");
    c.exec("INSERT INTO pages (run_id, site_id, url, final_url, status, kind, depth, fetched_at) "
           "VALUES (1, 'a', 'http://a/', 'http://a/', 200, 'home', 0, '2025-11-20T00:00:01Z')");
    c.exec("PRAGMA user_version = 1");
  }
  Store s(path);
  sqlite::Connection raw(path, false);
  auto st = raw.prepare("PRAGMA user_version");
  ASSERT_TRUE(st.step());
  EXPECT_EQ(st.integer(0), Store::kSchemaVersion);
  EXPECT_EQ(s.runs().size(), 1u);
  s.add_availability({{"x", "http://x/", "2025-11-19T01:00:00Z", true, 200, "", 5}});
  EXPECT_EQ(s.availability("x", "2025-11-19T00:00:00Z", "2025-11-20T00:00:00Z"), std::make_pair(1, 0));
  auto pages = raw.prepare("SELECT url, warc FROM pages");
  ASSERT_TRUE(pages.step());
  EXPECT_EQ(pages.text(0), "http://a/");
  EXPECT_EQ(pages.text(1), "");
  EXPECT_FALSE(pages.step());
}

TEST(Store, PackedLinksRoundTripAndRefuseMalformedValues) {
  std::vector<LinkRecord> in = {{"a", "http://a/", "http://a/x.html?p=1:2", "a", "12:30 通知", ""},
                                {"a", "http://a/", "http://b/", "img", "", "display:none"}};
  std::string packed = rows::pack_links(in.data(), in.size());
  std::string_view to, tag, text, hidden;
  rows::PackedLinks links(packed);
  for (auto& l : in) {
    ASSERT_TRUE(links.next(to, tag, text, hidden));
    EXPECT_EQ(to, l.to_url);
    EXPECT_EQ(tag, l.tag);
    EXPECT_EQ(text, l.text);
    EXPECT_EQ(hidden, l.hidden);
  }
  EXPECT_FALSE(links.next(to, tag, text, hidden));
  for (std::string bad : {packed.substr(0, packed.size() - 1), std::string("9:abc"), std::string("x:"), std::string("3abc")}) {
    rows::PackedLinks b(bad);
    EXPECT_THROW(while (b.next(to, tag, text, hidden)) {}, sqlite::StorageError) << bad;
  }
}

TEST(Store, MigratesVersion8LinkRowsIntoOneRowPerPageInCrawlOrder) {
  std::string path = temp_db("migrate8");
  {
    sqlite::Connection c(path);
    for (int v = 0; v < 8; ++v) c.exec(std::string(schema::files()[size_t(v)].data));
    c.exec("PRAGMA user_version = 8");
    c.exec("INSERT INTO runs (kind, started_at, today, status) VALUES ('crawl', '2025-11-20T00:00:00Z', '2025-11-20', 'done')");
    // Rows of two pages interleaved as a crawl wrote them; b's first row comes first.
    for (auto [from, to, text] : {std::tuple{"http://a/b", "http://a/1", "通知"}, {"http://a/", "http://a/b", "12:30"},
                                  {"http://a/b", "http://a/2", ""}, {"http://a/", "http://a/c", "首页"}})
      c.exec(std::string("INSERT INTO links (run_id, site_id, from_url, to_url, tag, text) VALUES (1, 's', '") + from + "', '" +
             to + "', 'a', '" + text + "')");
  }
  Store s(path);
  sqlite::Connection raw(path, false);
  auto st = raw.prepare("SELECT site_id, from_url, links FROM page_links ORDER BY rowid");
  std::vector<std::string> got;
  std::string_view to, tag, text, hidden;
  while (st.step())
    for (rows::PackedLinks links(st.blob_view(2)); links.next(to, tag, text, hidden);)
      got.push_back(st.text(1) + " " + std::string(to) + " " + std::string(tag) + " " + std::string(text) + "|" + std::string(hidden));
  EXPECT_EQ(got, (std::vector<std::string>{"http://a/b http://a/1 a 通知|", "http://a/b http://a/2 a |",
                                           "http://a/ http://a/b a 12:30|", "http://a/ http://a/c a 首页|"}));
}

TEST(Store, RefusesADatabaseFromANewerGovaudit) {
  std::string path = temp_db("newer");
  {
    sqlite::Connection c(path);
    c.exec("PRAGMA user_version = 99");
  }
  EXPECT_THROW(Store s(path), sqlite::StorageError);
}
