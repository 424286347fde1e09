#include "cli/demo_site.hpp"

#include <cstdio>
#include <filesystem>
#include <map>
#include <optional>

#include "cli/demo_pages.hpp"
#include "model/strings.hpp"
#include "rules/columns.hpp"

namespace govaudit {
namespace {

using namespace demo;

// One policy document of a demo site and its interpretation case.
enum class Interp { OnTime, Late, Missing, Unlinked };

// What is planted on one demo site.
struct Plan {
  Footer footer;
  int articles_without_meta = 0;  // of the 工作动态 articles
  std::string missing_column, empty_column, stale_column;
  bool homepage_stale = false;
  bool annual_report = true;
  std::vector<Interp> policies;    // documents of 政府文件, in order
  bool aaaa = true;                // the host has an AAAA record
  bool v6_placeholder = false;     // the IPv6 homepage is an "IPv6 改造测试" page
  bool v6_closed = false;          // AAAA exists but the server closes every IPv6 connection
  bool broken_links = false;       // a 404 article and a missing attachment
  bool content_cases = false;      // leaked ID numbers, injected hidden links, wording errors
  enum class Mailbox { Answered, Unanswered, Stale, Offsite } mailbox = Mailbox::Answered;
  bool website_form = true;        // last year's 政府网站工作年度报表 on the homepage
  bool a11y_entry = true;          // a 无障碍 entry on the homepage
  enum class Search { Works, Broken, Script } search = Search::Works;
};

struct SiteBuilder {
  DemoPortal& p;
  const Config& cfg;
  Date today;
  std::string port, id, name, code, host;
  Plan plan;
  std::string foot, nav;
  int serial = 1000;
  DemoRoutes::mapped_type& r;
  std::map<std::string, std::string> doc_items_;  // policy column -> its list items
  std::string interp_items_, directory_, home_items_;
  bool content_planted_ = false;

  SiteBuilder(DemoPortal& portal, const Config& c, const Date& t, std::string pt, std::string i, std::string n,
              std::string cd, Plan pl)
      : p(portal), cfg(c), today(t), port(std::move(pt)), id(std::move(i)), name(std::move(n)), code(std::move(cd)),
        host("www." + id + ".gov.cn.test"), plan(std::move(pl)), r(portal.routes[host]) {
    foot = footer(name, code, plan.footer, port);
    nav = "<div class=\"nav\"><a href=\"/index.html\">首页</a> <a href=\"/xxgk/index.html\">政务公开</a></div>";
  }

  static DemoResponse html(std::string body) { return DemoResponse{200, "text/html; charset=utf-8", std::move(body), ""}; }
  void plant(const std::string& rule, const std::string& subject) { p.planted.push_back(id + " " + rule + " " + subject); }
  std::string abs(const std::string& path) const { return "http://" + host + port + path; }

  std::string meta_for(const std::string& column, const std::string& title, const Date& d, bool complete) const {
    if (!complete) return "<meta name=\"SiteName\" content=\"" + name + "\">";
    return "<meta name=\"SiteName\" content=\"" + name + "\"><meta name=\"SiteDomain\" content=\"" + host +
           "\"><meta name=\"SiteIDCode\" content=\"" + code + "\"><meta name=\"ColumnName\" content=\"" + column +
           "\"><meta name=\"ArticleTitle\" content=\"" + title + "\"><meta name=\"PubDate\" content=\"" + d.iso() + " 09:30\">";
  }

  void article(const std::string& url, const std::string& column, const std::string& title, const Date& d,
               bool complete_meta, const std::string& related = "", const std::string& body = "<p>正文内容。</p>") {
    r[url] = html(page(title, meta_for(column, title, d, complete_meta),
                       nav + "<h1>" + title + "</h1><div class=\"info\">发布日期：" + d.iso() + "</div>" + body +
                           related + foot));
  }

  // Content safety: a 公示 with ID numbers in its table, one with them in its attached 名单 (and a
  // masked one beside it), wording errors, an abolished institution named as current (and as
  // history), and hidden gambling links on the homepage.
  void plant_content_cases(const std::string& col, std::string& lis) {
    auto add = [&](const std::string& title, const Date& d, const std::string& body) {
      std::string u = article_url(col, d, serial++);
      lis += "<li><a href=\"" + u + "\">" + title + "</a><span>" + d.iso() + "</span></li>";
      article(u, cfg.catalog.empty() ? "" : "工作动态", title, d, true, "", body);
      return u;
    };
    std::string a = demo_id("340823", "19560312", 41), b = demo_id("340823", "19620907", 52);
    std::string masked = "340823********" + demo_id("340823", "19700101", 63).substr(14);
    std::string table = "<table><tr><th>序号</th><th>姓名</th><th>身份证号</th><th>金额（元）</th></tr><tr><td>1</td><td>王秀英</td><td>" +
                        a + "</td><td>1200.00</td></tr><tr><td>2</td><td>李建国</td><td>" + masked + "</td><td>800.00</td></tr></table>";
    plant("privacy.id_number", abs(add("高龄津贴发放名单公示", today.plus_days(-40), "<p>现将名单公示如下。</p>" + table)));
    std::string file = "/xxgk/" + col + "/P020" + std::to_string(serial++) + ".xlsx";
    r[file] = {200, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
               name_list_xlsx({{"序号", "姓名", "身份证号", "村（社区）"}, {"1", "张桂兰", b, "东风村"}, {"2", "刘志强", masked, "向阳村"}}), ""};
    add("耕地地力保护补贴对象名单的公示", today.plus_days(-41),
        "<p>名单详见附件。</p><p>附件：<a href=\"" + file + "\">补贴对象名单.xlsx</a></p>");
    plant("privacy.id_number", abs(file));
    plant("wording.serious_error",
          abs(add("县政府召开常务会议", today.plus_days(-42), "<p>　　会议要求，要深入学习宣传中华人名共和国宪法，提高依法行政水平。</p>")));
    plant("wording.suspected_error", abs(add("县重点项目建设进展顺利", today.plus_days(-43), "<p>　　截止目前，全县重点项目完成投资18亿元。</p>")));
    plant("wording.outdated_name",
          abs(add("县召开林业工作会议", today.plus_days(-44), "<p>　　会议传达了国家林业局有关要求，部署全县森林防火工作。</p>")));
    add("县召开自然资源工作会议", today.plus_days(-45),
        "<p>　　机构改革后，原国土资源部的职责已划入自然资源部，县农业部门、文化部门负责同志参加会议。</p>");
    // The same article published twice in the column (the later copy is the finding), and a
    // regular notice whose title recurs over another text (not one).
    std::string safety = "<p>　　会议通报了今年以来全县安全生产形势，分析了当前存在的突出问题。</p>"
                         "<p>　　会议强调，各乡镇、各部门要压实安全生产责任，深入开展隐患排查整治。</p>";
    add("县召开安全生产工作推进会", today.plus_days(-50), safety);
    plant("content.duplicate_article", abs(add("县召开安全生产工作推进会", today.plus_days(-47), safety)));
    add("关于开展防汛应急演练的通知", today.plus_days(-52), "<p>　　定于本月在城关镇开展防汛应急演练，请相关单位按方案做好准备。</p>");
    add("关于开展防汛应急演练的通知", today.plus_days(-48), "<p>　　定于下周在东流镇开展山洪灾害避险转移演练，请沿河村组群众积极参加。</p>");
  }

  // Injected blocks as attackers leave them: one hidden by its style, one by a class in <style>.
  // Hidden by a style attribute, a <style> block and a rule of the site's own stylesheet; an own
  // menu hidden the same ways is the control.
  std::string hidden_spam(std::string& head) {
    std::string spam = "http://www.xpj-casino.test" + port;
    head += "<style>.yqlj2{display:none}</style><link rel=\"stylesheet\" type=\"text/css\" href=\"/css/site.css\">";
    r["/css/site.css"] = {200, "text/css", "body{margin:0}\n.yqlj3 { display: none; }\n.submenu{display:none}\n", ""};
    return "<div style=\"position:absolute;left:-9999px\"><a href=\"" + spam + "/\">澳门博彩</a></div>"
           "<div class=\"yqlj2\"><a href=\"" + spam + "/lhc/\">六合彩开奖</a></div>"
           "<div class=\"yqlj3\"><a href=\"" + spam + "/ssc/\">时时彩</a></div>"
           "<div class=\"sub\" style=\"display:none\"><a href=\"/xxgk/index.html\">政务公开</a></div>"
           "<ul class=\"submenu\"><li><a href=\"/xxgk/index.html\">信息公开目录</a></li></ul>";
  }

  // Policy documents and interpretations are generated together: they link to each other. The
  // first policy column carries the planted cases; others get one document interpreted on time.
  void build_policies(const std::string& interp_col) {
    bool first_policy_column = true;
    int k = 0;
    for (size_t ci = 0; ci < cfg.catalog.size(); ++ci) {
      const ColumnSpec& pc = cfg.catalog[ci];
      if (!pc.policy_documents || pc.name == plan.empty_column || pc.name == plan.missing_column) continue;
      std::string doc_col = "col" + std::to_string(ci + 1);
      std::vector<Interp> cases = first_policy_column ? plan.policies : std::vector<Interp>{Interp::OnTime};
      first_policy_column = false;
      for (Interp c : cases) {
        ++k;
        std::string policy = name.substr(0, name.find("人民政府")) + "第" + std::to_string(k) + "号专项工作实施方案";
        std::string doc_title = name + "关于印发《" + policy + "》的通知";
        std::string int_title = "《" + policy + "》政策解读";
        Date dd = today.plus_days(-30 - k);
        Date id_ = c == Interp::Late ? dd.plus_days(20) : dd;
        std::string du = article_url(doc_col, dd, serial++), iu = article_url(interp_col, id_, serial++);
        bool linked = c != Interp::Unlinked;
        article(du, pc.name, doc_title, dd, true,
                c == Interp::Missing || !linked ? "" : "<div class=\"related\">相关解读：<a href=\"" + iu + "\">" + int_title + "</a></div>");
        doc_items_[doc_col] += "<li><a href=\"" + du + "\">" + doc_title + "</a><span>" + dd.iso() + "</span></li>";
        if (c != Interp::Missing) {
          article(iu, "政策解读", int_title, id_, true,
                  linked ? "<div class=\"related\">相关文件：<a href=\"" + du + "\">" + doc_title + "</a></div>" : "");
          interp_items_ += "<li><a href=\"" + iu + "\">" + int_title + "</a><span>" + id_.iso() + "</span></li>";
        }
        if (c == Interp::Late) plant("interpretation.late", abs(du));
        if (c == Interp::Missing) plant("interpretation.missing", abs(du));
        if (c == Interp::Unlinked) plant("interpretation.unlinked", abs(du));
      }
    }
  }

  // A catalog column's list page and its articles, with the planted column cases.
  void build_column(size_t ci, const std::string& interp_col) {
    int annual_due = AnnualReportRule::due_year(today, "county", cfg.thresholds);
    const ColumnSpec& c = cfg.catalog[ci];
    if (c.name == plan.missing_column) return;
    std::string col = "col" + std::to_string(ci + 1);
    std::string list_url = "/xxgk/" + col + "/index.html";
    directory_ += "<li><a href=\"" + list_url + "\">" + c.name + "</a></li>";
    bool news = c.update_limit_days && *c.update_limit_days <= 14;
    std::string lis;
    if (doc_items_.count(col)) lis = doc_items_[col];
    else if (col == interp_col) lis = interp_items_;
    else if (c.name != plan.empty_column && !c.policy_documents) {
      int age0 = 1;
      if (c.name == plan.stale_column || (news && plan.homepage_stale))
        age0 = (c.update_limit_days ? *c.update_limit_days : 365) + 20;
      std::vector<std::pair<std::string, Date>> items;
      if (c.checked_by == "annual_report") {
        for (int y = annual_due - 2; y <= annual_due; ++y)
          if (y < annual_due || plan.annual_report)
            items.push_back({name + std::to_string(y) + "年政府信息公开工作年度报告", Date(y + 1, 1, 20)});
      } else {
        for (int i = 0, n = news ? 10 : 3; i < n; ++i)
          items.push_back({name + c.name + "信息（第" + std::to_string(i + 1) + "期）", today.plus_days(-(age0 + i * 3))});
      }
      for (size_t i = 0; i < items.size(); ++i) {
        auto& [title, d] = items[i];
        std::string u = article_url(col, d, serial++);
        lis += "<li><a href=\"" + u + "\" title=\"" + title + "\">" + title + "</a><span>" + d.iso() + "</span></li>";
        article(u, c.name, title, d, !(news && int(i) < plan.articles_without_meta));
        if (news) home_items_ += "<li><a href=\"" + u + "\">" + title + "</a><span>" + d.iso() + "</span></li>";
      }
      if (news && plan.broken_links) plant_link_cases(col, lis);
      if (news && plan.content_cases && !content_planted_) {
        plant_content_cases(col, lis);
        content_planted_ = true;
      }
    }
    if (lis.empty()) lis = "<li class=\"nodata\">暂无信息</li>";
    r[list_url] = html(page(c.name, "", nav + "<div class=\"crumb\">当前位置：首页 &gt; 政务公开 &gt; " + c.name +
                                            "</div><div class=\"list\"><h3>" + c.name + "</h3><ul>" + lis + "</ul></div>" + foot));
  }

  // The link cases of a news column: a deleted article, a missing attachment, an anti-bot page,
  // a dead old host, a redirect loop and a moved article.
  void plant_link_cases(const std::string& col, std::string& lis) {
    // A listed article that was deleted, and an attachment that was never uploaded.
    std::string gone = "/xxgk/" + col + "/202001/t20200101_1.html";
    lis += "<li><a href=\"" + gone + "\">已删除的文章</a><span>" + today.plus_days(-2).iso() + "</span></li>";
    lis += "<li><a href=\"/xxgk/files/P020200101.pdf\">附件：实施细则.pdf</a></li>";
    // A page behind an anti-bot gateway: listed for a manual check, never as broken.
    lis += "<li><a href=\"/hdjl/zxft.html\">在线访谈</a></li>";
    r["/hdjl/zxft.html"] = {412, "text/html", "<html><head><script>document.cookie='__waf=1;path=/';"
                                                "location.reload();</script></head><body></body></html>", ""};
    plant("links.manual_check", abs("/hdjl/zxft.html"));
    plant("links.broken", abs(gone));
    plant("links.broken", abs("/xxgk/files/P020200101.pdf"));
    // The old portal's host: its name still resolves, nothing listens there.
    std::string old_site = "http://old." + id + ".gov.cn.test" + port + "/xxgk/index.html";
    lis += "<li><a href=\"" + old_site + "\">旧版网站</a></li>";
    p.dns["old." + id + ".gov.cn.test"] = {"127.0.0.2"};
    plant("links.broken", old_site);
    // A survey whose login redirects back to it: no browser ever reaches a page.
    lis += "<li><a href=\"/hdjl/wsdc.html\">网上调查</a></li>";
    r["/hdjl/wsdc.html"] = {302, "text/html", "", "/hdjl/wsdc_login.html"};
    r["/hdjl/wsdc_login.html"] = {302, "text/html", "", "/hdjl/wsdc.html"};
    plant("links.broken", abs("/hdjl/wsdc.html"));
    // A moved article (301 into another directory, not broken); its relative attachment link
    // resolves against where it moved, so a crawler resolving it against /old/ reports a false 404.
    lis += "<li><a href=\"/old/news.html\">旧版链接</a></li>";
    std::string moved = "/xxgk/" + col + "/202501/t20250102_" + std::to_string(serial++) + ".html";
    r["/old/news.html"] = {301, "text/html", "", moved};
    r[moved] = html(page("迁移的文章", "", nav + "<h1>迁移的文章</h1><a href=\"./P020250102_fj.pdf\">附件</a>" + foot));
    r["/xxgk/" + col + "/202501/P020250102_fj.pdf"] = {200, "application/pdf", "%PDF-1.4", ""};
    plant("privacy.manual_check", abs("/xxgk/" + col + "/202501/P020250102_fj.pdf"));  // a PDF nothing can read
  }

  void build() {
    // The interpretation column is the last one the catalog marks so.
    std::string interp_col;
    for (size_t ci = 0; ci < cfg.catalog.size(); ++ci)
      if (cfg.catalog[ci].interpretations) interp_col = "col" + std::to_string(ci + 1);
    build_policies(interp_col);
    for (size_t ci = 0; ci < cfg.catalog.size(); ++ci) build_column(ci, interp_col);
    std::string home_head = "<meta name=\"SiteIDCode\" content=\"" + code + "\">";
    std::string home_body = nav + "<div class=\"box\"><h2>工作动态</h2><ul>" + home_items_ + "</ul></div>" + services() + foot;
    if (plan.content_cases) {
      home_body += hidden_spam(home_head);
      plant("security.hidden_link", "http://www.xpj-casino.test" + port + "/");
      plant("security.hidden_link", "http://www.xpj-casino.test" + port + "/lhc/");
      plant("security.hidden_link", "http://www.xpj-casino.test" + port + "/ssc/");
    }
    r["/"] = html(page(name, home_head, home_body));
    r["/index.html"] = r["/"];
    if (plan.v6_placeholder)
      p.routes_v6[host]["/"] = html(page("IPv6改造测试", "", "<h1>IPv6 改造测试页面</h1><p>本站正在进行IPv6改造，敬请期待。</p>"));
    r["/xxgk/index.html"] = html(page("政府信息公开", "", nav + "<ul class=\"tree\">" + directory_ + "</ul>" + foot));
    r["/robots.txt"] = {200, "text/plain", "User-agent: *\nDisallow: /admin/\n", ""};
    r["/images/ga.png"] = r["/images/red.png"] = r["/images/jiucuo.png"] = {200, "image/png", "PNG", ""};
    if (plan.v6_closed)
      for (auto& [path, resp] : r) p.routes_v6[host][path] = DemoResponse{444, "", "", ""};
    p.sites.push_back({id, name, abs("/"), "county", {host}, code, name + "办公室"});
    p.dns[host] = plan.aaaa ? std::vector<std::string>{"127.0.0.1", "::1"} : std::vector<std::string>{"127.0.0.1"};
    plant_rest();
  }

  // 互动交流 and the homepage's services: the mailbox (its list and one page per message), the
  // website's annual form, the 无障碍 entry.
  std::string services() {
    using M = Plan::Mailbox;
    std::string out = "<div class=\"box hdjl\"><h2>互动交流</h2><ul>";
    if (plan.mailbox == M::Offsite) {
      std::string u = "http://www.ahzwfw.gov.cn.test" + port + "/xzxx/" + id + ".html";
      out += "<li><a href=\"" + u + "\">县长信箱</a></li>";
      plant("interaction.manual_check", u);
    } else {
      out += "<li><a href=\"/hdjl/xzxx/index.html\">县长信箱</a></li>";
      mailbox();
    }
    out += "</ul></div>";
    int year = WebsiteFormRule::due_year(today, cfg.thresholds);
    if (plan.website_form) {
      std::string u = "/xxgk/wzbb/" + std::to_string(year) + ".html", t = name + std::to_string(year) + "年政府网站工作年度报表";
      article(u, "政府网站年度报表", t, Date(year + 1, 1, 15), true);
      out += "<div class=\"box\"><a href=\"" + u + "\">" + t + "</a></div>";
    } else {
      plant("annual_report.website_form_missing", std::to_string(year));
    }
    using S = Plan::Search;
    if (plan.search == S::Script) {
      out += "<form onsubmit=\"return doSearch()\"><input id=\"kw\" placeholder=\"请输入关键词\"><button>搜索</button></form>";
      plant("search.manual_check", host);
    } else {
      // The search page lists the titles it finds; the broken one points at a page that is not there.
      out += "<form action=\"/search/" + std::string(plan.search == S::Works ? "index.html" : "broken.jsp") +
             "\" method=\"get\"><input type=\"hidden\" name=\"siteid\" value=\"1\"><input name=\"q\" "
             "placeholder=\"请输入关键词\"><input type=\"submit\" value=\"搜索\"></form>";
      if (plan.search == S::Works) r["/search/index.html"] = html(page("搜索结果", "", nav + "<ul>" + home_items_ + "</ul>" + foot));
      else plant("search.broken", host);
    }
    if (plan.a11y_entry) {
      out += "<div class=\"tools\"><a href=\"/wza/index.html\">无障碍</a> <a href=\"/care/index.html\">长者模式</a></div>";
      r["/wza/index.html"] = r["/care/index.html"] = html(page("无障碍浏览", "", nav + "<h2>无障碍浏览</h2>" + foot));
    } else {
      plant("accessibility.entry_missing", host);
    }
    return out;
  }

  void mailbox() {
    using M = Plan::Mailbox;
    struct Msg {
      std::string title;
      Date left;
      std::optional<Date> replied;
    };
    std::vector<Msg> msgs;
    Date newest = plan.mailbox == M::Stale ? today.minus_months(3) : today.plus_days(-5);
    msgs.push_back({"关于城南小区停车难的问题", newest.plus_days(-4), newest});
    msgs.push_back({"咨询高龄津贴申领流程", today.plus_days(-20), std::nullopt});  // recent: not yet late
    msgs.push_back({"反映农村公路破损问题", today.minus_months(8), today.minus_months(8).plus_days(9)});
    msgs.push_back({"关于学校周边交通安全的建议", today.minus_months(14), std::nullopt});  // before the year judged
    if (plan.mailbox == M::Unanswered) msgs.push_back({"反映自来水水压不足问题", today.minus_months(5), std::nullopt});
    std::string rows;
    for (size_t i = 0; i < msgs.size(); ++i) {
      auto& m = msgs[i];
      std::string u = "/hdjl/xzxx/" + std::to_string(900 + i) + ".html";
      std::string status = m.replied ? "已回复" : "办理中";
      rows += "<tr><td><a href=\"" + u + "\">" + m.title + "</a></td><td>" + m.left.iso() + "</td><td>" + status + "</td><td>" +
              (m.replied ? m.replied->iso() : "") + "</td></tr>";
      // The citizen's mobile number shown masked, as it should be; on the first message of a site with
      // content cases, unmasked (privacy.phone_number). A work-order number and the department's
      // hotline are no leak.
      bool leak = plan.content_cases && i == 0;
      std::string phone = leak ? "13956781234" : "139****" + std::to_string(1000 + i);
      std::string detail = "<table class=\"msg\"><tr><th>留言标题</th><td>" + m.title + "</td></tr><tr><th>留言人</th><td>王**</td></tr>"
                           "<tr><th>留言时间</th><td>" + m.left.iso() + " 10:12</td></tr><tr><th>办理状态</th><td>" + status +
                           "</td></tr><tr><th>留言内容</th><td>" + m.title + "，请有关部门尽快处理。联系电话：" + phone +
                           "（工单编号：12" + std::to_string(240000000 + i) + "）</td></tr>";
      if (m.replied)
        detail += "<tr><th>答复单位</th><td>县住建局</td></tr><tr><th>答复时间</th><td>" + m.replied->iso() +
                  " 16:30</td></tr><tr><th>答复内容</th><td>您好！您反映的问题已收悉，已安排专人处理。如有疑问请拨打 13800551234 咨询。</td></tr>";
      if (leak) plant("privacy.phone_number", abs(u));
      r[u] = html(page(m.title, meta_for("县长信箱", m.title, m.left, true), nav + "<h2>" + m.title + "</h2>" + detail + "</table>" + foot));
      if (plan.mailbox == M::Unanswered && i == msgs.size() - 1) plant("interaction.unanswered", abs(u));
    }
    r["/hdjl/xzxx/index.html"] =
        html(page("县长信箱", "", nav + "<div class=\"crumb\">当前位置：首页 &gt; 互动交流 &gt; 县长信箱</div><table><tr><th>标题</th>"
                                   "<th>留言时间</th><th>状态</th><th>回复时间</th></tr>" + rows + "</table>" + foot));
    if (plan.mailbox == M::Stale) plant("interaction.reply_stale", abs("/hdjl/xzxx/index.html"));
  }

  void plant_rest() {
    const Footer& f = plan.footer;
    if (!f.site_id) plant("footer.missing_site_id", host);
    if (!f.icp) plant("footer.missing_icp", host);
    if (!f.psb) plant("footer.missing_psb", host);
    if (!f.conac) plant("footer.missing_conac", host);
    if (!f.jiucuo) plant("footer.missing_jiucuo", host);
    if (plan.articles_without_meta > 1) plant("meta.missing", host);
    if (!plan.missing_column.empty()) plant("columns.missing", plan.missing_column);
    if (!plan.empty_column.empty()) plant("columns.empty", plan.empty_column);
    if (!plan.stale_column.empty()) plant("columns.stale", plan.stale_column);
    if (plan.homepage_stale) {
      plant("homepage.stale", host);
      for (auto& c : cfg.catalog)
        if (c.update_limit_days && *c.update_limit_days <= 14 && c.name != plan.stale_column) plant("columns.stale", c.name);
    }
    plant("https.unavailable", host);  // the demo serves plain HTTP only
    if (!plan.annual_report)
      plant("annual_report.missing", std::to_string(AnnualReportRule::due_year(today, "county", cfg.thresholds)));
    if (!plan.aaaa) {
      plant("ipv6.no_aaaa", host);
      plant("ipv6.link_support_low", host);  // its own links do not work over IPv6
    } else if (plan.v6_closed) {
      plant("ipv6.unreachable", host);
      plant("ipv6.link_support_low", host);
    } else if (plan.v6_placeholder) {
      plant("ipv6.content_mismatch", host);
    }
  }
};

}  // namespace

void configure_for_demo(Config& cfg, const DemoPortal& portal) {
  for (auto& [host, addrs] : portal.dns) cfg.dns.static_hosts[host] = addrs;
  cfg.allow_net.push_back("127.0.0.0/8");
  cfg.allow_net.push_back("::1/128");
  cfg.crawl.https_port = 1;  // nothing listens there on loopback: the demo has no HTTPS
  cfg.crawl.retry_backoff_ms = 10;
}

DemoPortal make_demo_portal(const Config& cfg, const Date& today, unsigned short port_number, bool has_v6) {
  DemoPortal p;
  std::string port = ":" + std::to_string(port_number);
  Plan a;
  a.footer.icp = false;
  a.footer.jiucuo = false;
  a.articles_without_meta = 10;  // of ~60 articles: above the 10 % limit
  a.missing_column = "统计信息";
  a.empty_column = "规范性文件";
  a.stale_column = "通知公告";
  a.policies = {Interp::OnTime, Interp::Late, Interp::Missing};
  a.v6_placeholder = true;
  a.broken_links = true;
  a.content_cases = true;
  a.mailbox = Plan::Mailbox::Unanswered;
  a.aaaa = has_v6;
  SiteBuilder(p, cfg, today, port, "shifan", "示范县人民政府", "3400000101", a).build();
  Plan b;
  b.footer.site_id = false;
  b.footer.psb = false;
  b.footer.conac = false;
  b.homepage_stale = true;
  b.annual_report = false;
  b.policies = {Interp::OnTime, Interp::Unlinked};
  b.aaaa = false;
  b.mailbox = Plan::Mailbox::Stale;
  b.website_form = false;
  b.a11y_entry = false;
  b.search = Plan::Search::Broken;
  SiteBuilder(p, cfg, today, port, "hexie", "和谐县人民政府", "3400000102", b).build();
  if (has_v6) {
    // Dual-stack on paper only: the AAAA record points at a server that drops IPv6 connections.
    Plan c;
    c.policies = {Interp::OnTime};
    c.v6_closed = true;
    c.mailbox = Plan::Mailbox::Offsite;
    c.search = Plan::Search::Script;
    SiteBuilder(p, cfg, today, port, "anding", "安定县人民政府", "3400000104", c).build();
  }
  // A county whose server answers every request with 503: site.unreachable and nothing else.
  std::string down = "www.guanbi.gov.cn.test";
  p.routes[down]["/"] = {503, "text/html", "<html><body>Service Unavailable</body></html>", ""};
  p.sites.push_back({"guanbi", "关闭县人民政府", "http://" + down + port + "/", "county", {down}, "3400000103", ""});
  p.dns[down] = {"127.0.0.1"};
  p.planted.push_back("guanbi site.unreachable " + down);
  for (const char* h : {"beian.miit.gov.cn.test", "www.beian.gov.cn.test", "bszs.conac.cn.test", "zfwzzc.www.gov.cn.test",
                        "www.xpj-casino.test", "www.ahzwfw.gov.cn.test"}) {
    p.any_hosts.push_back(h);
    p.dns[h] = has_v6 ? std::vector<std::string>{"127.0.0.1", "::1"} : std::vector<std::string>{"127.0.0.1"};
  }
  return p;
}

}  // namespace govaudit
