// Content safety rules on hand-built site views: what the crawler recorded, judged.
#include "rules/content.hpp"
#include "rules/rule.hpp"

#include <gtest/gtest.h>

#include <map>
#include <set>
#include <nlohmann/json.hpp>

using namespace govaudit;

namespace {

const Date kToday(2025, 11, 20);

PageRecord page(const std::string& url, const std::string& text, std::optional<Date> published = std::nullopt,
                PageKind kind = PageKind::Article) {
  PageRecord p;
  p.site_id = "x";
  p.url = p.final_url = url;
  p.status = 200;
  p.kind = kind;
  p.text = text;
  p.published = published;
  return p;
}

SiteView site() {
  SiteView v;
  v.site = Site{"x", "x", "http://www.x.gov.cn/", "county", {"www.x.gov.cn", "x.gov.cn"}, "", ""};
  return v;
}

std::map<std::string, std::string> by_subject(const std::vector<Finding>& f) {
  std::map<std::string, std::string> out;
  for (auto& x : f) out[x.subject] = x.rule;
  return out;
}

}  // namespace

TEST(Privacy, PagesAndAttachmentsThatShowIdNumbers) {
  SiteView v = site();
  auto leak = page("http://www.x.gov.cn/art/1.html", "");
  leak.id_count = 7;
  leak.id_numbers = {{"3408**********1234", "1\t王秀英\t3408**********1234\t东风村"}};
  auto file = page("http://www.x.gov.cn/files/名单.xlsx", "", std::nullopt, PageKind::Attachment);
  file.id_count = 1;
  file.id_numbers = {{"3410**********002X", "申请人：李建国，身份证号码：3410**********002X"}};
  auto dup = leak;  // the same page under another URL: reported once, at its first URL
  dup.url = dup.final_url = "http://www.x.gov.cn/art/1.html?sid=3";
  dup.duplicate_of = leak.url;
  auto unread = page("http://www.x.gov.cn/files/old.pdf", "", std::nullopt, PageKind::Attachment);
  unread.content_note = "not read: the PDF is encrypted";
  auto clean = page("http://www.x.gov.cn/art/2.html", "3408**********1234");
  v.pages = {leak, file, dup, unread, clean};
  v.links = {{"x", "http://www.x.gov.cn/art/3.html", file.url, "a", "名单.xlsx", ""}};
  Config cfg = load_config();
  auto f = PrivacyRule().check(v, RuleContext{kToday, &cfg});
  EXPECT_EQ(by_subject(f), (std::map<std::string, std::string>{{leak.url, "privacy.id_number"},
                                                               {file.url, "privacy.id_number"},
                                                               {unread.url, "privacy.manual_check"}}));
  for (auto& x : f)
    if (x.subject == file.url) {
      EXPECT_EQ(x.url, "http://www.x.gov.cn/art/3.html");  // the page that links the attachment
      auto d = nlohmann::json::parse(x.detail_json);
      EXPECT_EQ(d["id_numbers"], 1);
      EXPECT_EQ(d["seen"][0]["number"], "3410**********002X");
    }
}

TEST(HiddenLinks, OffSiteNonGovernmentTargetsOnly) {
  SiteView v = site();
  auto add = [&](const std::string& from, const std::string& to, const std::string& hidden, const std::string& text = "x") {
    v.links.push_back({"x", from, to, "a", text, hidden});
  };
  const std::string home = "http://www.x.gov.cn/", art = "http://www.x.gov.cn/art/1.html";
  add(home, "http://www.xpj-casino.test/", "display:none", "澳门博彩");
  add(art, "http://www.xpj-casino.test/", "display:none", "澳门博彩");  // one finding per target
  add(home, "http://www.game.test/zr/", "position:absolute;left:-9999px");
  add(home, "http://www.x.gov.cn/xxgk/", "display:none");          // a drop-down of its own columns
  add(home, "http://x.gov.cn/#main", "position:absolute;left:-9999px");  // skip link
  add(home, "http://www.ah.gov.cn/old/", "display:none");           // another government site
  add(home, "http://www.ccb.com/", "");                             // a visible commercial link
  add(art, "http://sns.qzone.qq.com/cgi-bin/qzshare/cgi_qzshare_onekey?url=x", "display:none");  // a share menu
  add(home, "http://www.hanweb.com/", "display:none");              // the CMS vendor's credit
  add(home, "http://121.43.68.40/exposure/jiucuo.html?site_code=1", "display:none");
  v.links.push_back({"x", home, "http://www.img.test/a.png", "img", "", "display:none"});
  Config cfg = load_config();
  auto f = HiddenLinkRule().check(v, RuleContext{kToday, &cfg});
  EXPECT_EQ(by_subject(f), (std::map<std::string, std::string>{{"http://www.game.test/zr/", "security.hidden_link"},
                                                               {"http://www.xpj-casino.test/", "security.hidden_link"}}));
  for (auto& x : f) {
    auto d = nlohmann::json::parse(x.detail_json);
    if (x.subject == "http://www.xpj-casino.test/") {
      EXPECT_EQ(d["linked_from_pages"], 2);
      EXPECT_EQ(d["prohibited_words"], nlohmann::json({"casino", "xpj", "博彩"}));
    } else {
      EXPECT_FALSE(d.contains("prohibited_words"));
    }
  }
  EXPECT_TRUE(government_host("www.ah.gov.cn.test", cfg.content));
  EXPECT_FALSE(government_host("www.gov.cn-spam.test", cfg.content));
}

TEST(Wording, SeriousErrorsWithTheSentenceAndTheFix) {
  SiteView v = site();
  v.pages = {page("http://www.x.gov.cn/a.html", "标题\n　　会议要求，要深入学习宣传中华人名共和国宪法。会议结束。\n"),
             page("http://www.x.gov.cn/b.html", "全县上下要始终坚持中国共产党的领导。"),
             page("http://www.x.gov.cn/c.html", "截止目前，已完成改造。")};
  Config cfg = load_config();
  auto f = WordingRule(cfg.content).check(v, RuleContext{kToday, &cfg});
  EXPECT_EQ(by_subject(f), (std::map<std::string, std::string>{{"http://www.x.gov.cn/a.html", "wording.serious_error"},
                                                               {"http://www.x.gov.cn/c.html", "wording.suspected_error"}}));
  auto d = nlohmann::json::parse(f[0].detail_json);
  EXPECT_EQ(d["wrong"], nlohmann::json({"中华人名共和国"}));
  EXPECT_EQ(d["right"], nlohmann::json({"中华人民共和国"}));
  EXPECT_EQ(d["errors"][0]["sentence"], "会议要求，要深入学习宣传中华人名共和国宪法。");
}

TEST(Wording, OutdatedNamesOnlyAsCurrentOnRecentPages) {
  SiteView v = site();
  Date recent(2025, 10, 12), old(2017, 5, 1);
  v.pages = {page("http://www.x.gov.cn/1.html", "根据国家林业局要求，认真组织开展工作。", recent),
             page("http://www.x.gov.cn/2.html", "机构改革后，原国土资源部的职责已划入自然资源部。", recent),
             page("http://www.x.gov.cn/3.html", "县农业部门、文化部门和纪检监察部门负责同志参加会议。", recent),
             page("http://www.x.gov.cn/4.html", "根据国家林业局要求，认真组织开展工作。", old),
             page("http://www.x.gov.cn/5.html", "根据国家林业局要求，认真组织开展工作。"),  // undated: not judged
             page("http://www.x.gov.cn/6.html", "会议对农业部署作了安排。", recent),
             page("http://www.x.gov.cn/7.html", "中国银行保险监督管理委员会有关负责人表示。", Date(2023, 3, 1)),
             page("http://www.x.gov.cn/8.html", "中国银行保险监督管理委员会有关负责人表示。", Date(2024, 3, 1)),
             page("http://www.x.gov.cn/9.html", "根据《国家林业局关于加强森林防火工作的通知》要求。", recent),  // a cited title
             page("http://www.x.gov.cn/10.html", "国家林业局关于森林防火的通知\n", recent, PageKind::List),  // a list of old documents
             page("http://www.x.gov.cn/11.html", "《规划》印发后\n国家林业局要求", recent),
             page("http://www.x.gov.cn/12.html", "相关文件\n国家林业局关于森林防火的通知\n", recent)};  // a link to an old document
  v.links = {{"x", "http://www.x.gov.cn/12.html", "http://www.x.gov.cn/old.html", "a", "国家林业局关于森林防火的通知", ""}};
  Config cfg = load_config();
  auto f = WordingRule(cfg.content).check(v, RuleContext{kToday, &cfg});
  EXPECT_EQ(by_subject(f), (std::map<std::string, std::string>{{"http://www.x.gov.cn/1.html", "wording.outdated_name"},
                                                               {"http://www.x.gov.cn/8.html", "wording.outdated_name"},
                                                               {"http://www.x.gov.cn/11.html", "wording.outdated_name"}}));
  auto d = nlohmann::json::parse(f[0].detail_json);
  EXPECT_EQ(d["names"], nlohmann::json({"国家林业局"}));
  EXPECT_EQ(d["now"], nlohmann::json({"国家林业和草原局"}));
  EXPECT_EQ(d["published"], "2025-10-12");
}

TEST(Wording, UsersAddTheirOwnEntries) {
  Config cfg = load_config();
  size_t shipped = cfg.content.wording.size();
  apply_config_text(cfg, "[[content.wording]]\nwrong = \"青和县\"\nright = \"清河县\"\n", "user.toml");
  EXPECT_EQ(cfg.content.wording.size(), shipped + 1);
  SiteView v = site();
  v.pages = {page("http://www.x.gov.cn/a.html", "青和县人民政府")};
  auto f = WordingRule(cfg.content).check(v, RuleContext{kToday, &cfg});
  ASSERT_EQ(f.size(), 1u);
  EXPECT_EQ(f[0].rule, "wording.serious_error");
  EXPECT_THROW(apply_config_text(cfg, "[[content.wording]]\nwrong = \"a\"\nright = \"b\"\nlevel = \"maybe\"\n", "user.toml"),
               ConfigError);
}

// A page the site redirects to from an old address is named where it is served, whichever of the
// two URLs the crawl met first (the finding must not change between runs over the same content).
TEST(Wording, APageReachedThroughARedirectIsNamedWhereItIsServed) {
  Config cfg = load_config();
  auto rules = all_rules(cfg);
  const std::string served = "http://www.x.gov.cn/art/2025/10/12/art_1_1.html";
  SiteView via_old = site(), direct = site();
  PageRecord p = page("http://x.gov.cn/old/news.html", "根据国家林业局要求，认真组织开展工作。", Date(2025, 10, 12));
  p.final_url = served;
  p.redirects = {{"http://x.gov.cn/old/news.html", 301}};
  PageRecord home = page("http://www.x.gov.cn/", "首页\n政务公开", std::nullopt, PageKind::Home);
  via_old.pages = {home, p};
  direct.pages = {home, page(served, p.text, p.published)};
  auto a = judge(via_old, rules, RuleContext{kToday, &cfg}), b = judge(direct, rules, RuleContext{kToday, &cfg});
  ASSERT_EQ(by_subject(a).count(served), 1u);
  EXPECT_EQ(by_subject(a), by_subject(b));
}

// The subjects of privacy.id_number findings on a site where a page was recorded at `first` and then,
// with the same content, at `second` as its duplicate: two fetches in flight at once record either first.
namespace {
std::set<std::string> id_number_subjects(const std::string& first, const std::string& second) {
  Config cfg = load_config();
  PageRecord home = page("http://www.x.gov.cn/", "首页\n政务公开", std::nullopt, PageKind::Home);
  PageRecord a = page(first, "公示名单", Date(2025, 11, 5));
  a.id_count = 1;
  a.id_numbers = {{"3408**********1234", "1\t王秀英\t3408**********1234\t东风村"}};
  PageRecord b = a;
  b.url = b.final_url = second;
  b.duplicate_of = first;
  SiteView v = site();
  v.pages = {home, a, b};
  std::set<std::string> named;
  for (auto& f : judge(v, all_rules(cfg), RuleContext{kToday, &cfg}))
    if (f.rule == "privacy.id_number") named.insert(f.subject);
  return named;
}
}  // namespace

// The homepage links an article with a tracking query (?sid=) and its column links it plainly. The
// finding is named by the plain URL whichever the crawl met first.
TEST(Privacy, APageUnderATrackingQueryIsNamedByItsPlainUrlWhicheverTheCrawlMetFirst) {
  const std::string plain = "http://www.x.gov.cn/art/2025/11/5/art_1_9.html", tracked = plain + "?sid=1278";
  EXPECT_EQ(id_number_subjects(tracked, plain), std::set<std::string>{plain});
  EXPECT_EQ(id_number_subjects(plain, tracked), std::set<std::string>{plain});
}

// A column linked as "/xxgk/gsgg/" from the homepage and as "/xxgk/gsgg/index.html" from its pages:
// the finding is named by the directory whichever the crawl met first.
TEST(Privacy, ADirectoryAndItsIndexHtmlAreNamedByTheDirectoryWhicheverTheCrawlMetFirst) {
  const std::string dir = "http://www.x.gov.cn/xxgk/gsgg/", index = dir + "index.html";
  EXPECT_EQ(id_number_subjects(index, dir), std::set<std::string>{dir});
  EXPECT_EQ(id_number_subjects(dir, index), std::set<std::string>{dir});
}
