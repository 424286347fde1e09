// The console's pages: runs, a run's overview and findings (with its work units over a shared
// store), a finding with its history and evidence, and the report. Every string that came from a
// crawled page or a person is escaped; what an account may not see is not found.
#include <algorithm>
#include <cstring>
#include <map>
#include <set>
#include <nlohmann/json.hpp>
#include <spdlog/spdlog.h>
#include <sstream>

#include "model/strings.hpp"
#include "model/url.hpp"
#include "reports/console.hpp"
#include "reports/console_html.hpp"
#include "reports/history.hpp"
#include "storage/warc.hpp"

namespace govaudit {

using nlohmann::json;

namespace console {

namespace {
constexpr const char* kPageCsp =
    "default-src 'none'; style-src 'unsafe-inline'; img-src 'self' data:; frame-src 'self'; form-action 'self'; "
    "base-uri 'none'; frame-ancestors 'none'";

const char* kStyle = R"css(
body{font-family:"Noto Sans CJK SC","Source Han Sans SC","Microsoft YaHei",sans-serif;margin:0;background:#f5f6f8;color:#222}
header{background:#8b1a1a;color:#fff;padding:10px 24px}header a{color:#fff;text-decoration:none;margin-right:18px}
header form{display:inline;float:right}header .who{float:right;margin-right:12px}
main{padding:16px 24px;max-width:1280px}table{border-collapse:collapse;width:100%;background:#fff;margin:8px 0 16px}
th,td{border:1px solid #ddd;padding:5px 7px;font-size:13px;text-align:left;vertical-align:top;word-break:break-all}
th{background:#eef0f3}.pass{color:#187a2f}.fail{color:#b00020;font-weight:bold}.muted{color:#777;font-size:12px}
.bar{background:#c0392b;height:12px;display:inline-block}form.filters{background:#fff;padding:8px;border:1px solid #ddd}
form.filters label{margin-right:12px;font-size:13px}.tag{display:inline-block;padding:1px 6px;border-radius:3px;font-size:12px;background:#eee}
.tag.fix_failed{background:#b00020;color:#fff}.tag.false_positive{background:#777;color:#fff}.tag.confirmed{background:#1f6feb;color:#fff}
.tag.fix_claimed{background:#187a2f;color:#fff}iframe{width:100%;height:560px;border:2px solid #999;background:#fff}
pre{background:#fff;border:1px solid #ddd;padding:8px;font-size:12px;white-space:pre-wrap;word-break:break-all}
.review{background:#fff;border:1px solid #ddd;padding:10px}.review textarea{width:100%;height:60px}.err{color:#b00020}
)css";

std::string role_label(Role r) { return r == Role::Evaluator ? "测评人员" : r == Role::County ? "县级账号" : "只读账号"; }

// The review choices an account has: a county's staff may only claim a fix.
std::string status_choices(const Account& a) {
  if (a.role == Role::County) return "<label><input type=\"radio\" name=\"status\" value=\"fixed\" checked> 已整改</label> ";
  return "<label><input type=\"radio\" name=\"status\" value=\"confirmed\" checked> 确认</label> "
         "<label><input type=\"radio\" name=\"status\" value=\"false_positive\"> 误报（须写明理由）</label> "
         "<label><input type=\"radio\" name=\"status\" value=\"fixed\"> 已整改</label> ";
}

std::string csrf_field(const Principal& p) { return "<input type=\"hidden\" name=\"csrf\" value=\"" + html_escape(p.csrf) + "\">"; }

// A media type as the console sends it again: type/subtype and a charset of plain letters only. A
// crawled site's header never reaches the browser as it was written.
std::string safe_content_type(const std::string& stored) {
  std::string v = ascii_lower(stored.substr(0, stored.find(';')));
  v = trim(v);
  auto ok = [](const std::string& s, const char* extra) {
    return !s.empty() && std::all_of(s.begin(), s.end(), [&](char c) { return std::isalnum(static_cast<unsigned char>(c)) || std::strchr(extra, c); });
  };
  auto slash = v.find('/');
  // None stored, or none worth keeping: shown as its source text (never a download, never sniffed).
  if (slash == std::string::npos || !ok(v.substr(0, slash), "-") || !ok(v.substr(slash + 1), "-+.")) return "text/plain; charset=utf-8";
  auto cs = ascii_lower(stored).find("charset=");
  if (cs != std::string::npos) {
    std::string charset = stored.substr(cs + 8);
    charset = charset.substr(0, charset.find_first_of("; \t\r\n\""));
    if (ok(charset, "-_")) v += "; charset=" + charset;
  }
  return v;
}
}  // namespace

HttpResponse html(std::string body, int status) {
  HttpResponse r;
  r.status = status;
  r.body = std::move(body);
  // same-origin, not no-referrer: under no-referrer a browser's form POST says "Origin: null",
  // and the console refuses a POST whose origin is not its own.
  r.headers = {{"Content-Security-Policy", kPageCsp}, {"X-Frame-Options", "DENY"}, {"Referrer-Policy", "same-origin"},
               {"X-Content-Type-Options", "nosniff"}, {"Cache-Control", "no-store"}};
  return r;
}

HttpResponse json_response(const json& j, int status) {
  HttpResponse r;
  r.status = status;
  r.content_type = "application/json; charset=utf-8";
  r.body = j.dump(-1, ' ', false, json::error_handler_t::replace);
  r.headers = {{"X-Content-Type-Options", "nosniff"}, {"Cache-Control", "no-store"}};
  return r;
}

HttpResponse redirect(const std::string& to) {
  HttpResponse r;
  r.status = 303;
  r.headers = {{"Location", to}};
  return r;
}

std::string frame(const std::string& title, const std::string& body, const Principal* who) {
  std::string account;
  if (who && !who->account.name.empty() && !who->bearer)
    account = "<form method=\"post\" action=\"/logout\">" + csrf_field(*who) + "<button>退出</button></form><span class=\"who\">" +
              html_escape(who->account.name) + "（" + role_label(who->account.role) + "）</span>";
  return "<!DOCTYPE html><html lang=\"zh-CN\"><head><meta charset=\"utf-8\"><title>" + html_escape(title) +
         " · govaudit 复核台</title><style>" + kStyle + "</style></head><body><header>" + account +
         "<a href=\"/\"><b>govaudit 复核台</b></a><a href=\"/\">测评批次</a></header><main>" + body + "</main></body></html>";
}

HttpResponse not_found_page() { return html(frame("未找到", "<p>未找到该页面。</p>"), 404); }

std::string state_tag(ReviewState s) {
  return "<span class=\"tag " + std::string(name(s)) + "\">" + std::string(label(s)) + "</span>";
}

std::string select(const std::string& field, const std::string& caption, const std::vector<std::pair<std::string, std::string>>& options,
                   const std::string& chosen) {
  std::string s = "<label>" + caption + " <select name=\"" + field + "\"><option value=\"\">全部</option>";
  for (auto& [v, text] : options)
    s += "<option value=\"" + html_escape(v) + "\"" + (v == chosen ? " selected" : "") + ">" + html_escape(text) + "</option>";
  return s + "</select></label>";
}

json review_json(const Review* r, ReviewState st) {
  if (!r) return nullptr;
  return {{"status", name(r->status)}, {"state", name(st)}, {"note", r->note}, {"reviewer", r->reviewer},
          {"account", r->account}, {"at", r->at}, {"run", r->run}};
}

std::string review_label(ReviewStatus s) {
  return s == ReviewStatus::Confirmed ? "确认" : s == ReviewStatus::FalsePositive ? "误报" : "已整改";
}

}  // namespace console

using namespace console;

HttpResponse Console::runs_page(const Principal& p) {
  std::string b = "<h1>测评批次</h1><table><tr><th>批次</th><th>测评日期</th><th>开始时间</th><th>完成时间</th><th>状态</th><th>网站数</th>"
                  "<th>发现问题</th><th>已复核</th><th></th></tr>";
  auto runs = store_.audit_runs();
  std::reverse(runs.begin(), runs.end());
  for (auto& r : runs) {
    if (!visible_run(p, r.id)) continue;
    auto reviews = store_.reviews_for(r.id);
    size_t found = 0, reviewed = 0, sites = 0;
    for (auto& f : store_.findings(r.id))
      if (p.account.sees(f.site_id)) ++found, reviewed += reviews.count(key_of(f));
    for (auto& s : r.sites) sites += p.account.sees(s);
    std::string id = std::to_string(r.id);
    b += "<tr><td><a href=\"/runs/" + id + "\">第 " + id + " 批</a></td><td>" + html_escape(r.today) + "</td><td>" + html_escape(r.started_at) +
         "</td><td>" + html_escape(r.finished_at) + "</td><td>" + (r.done ? "已完成" : "<span class=\"fail\">未完成</span>") + "</td><td>" +
         std::to_string(sites) + "</td><td>" + std::to_string(found) + "</td><td>" + std::to_string(reviewed) + "</td><td><a href=\"/runs/" + id +
         "/report\">测评报告</a></td></tr>";
  }
  b += "</table><p class=\"muted\">API：<code>GET /api/runs</code>、<code>GET /api/findings?run=N</code>、<code>GET /api/findings/{id}</code>、"
       "<code>POST /api/findings/{id}/review</code>、<code>POST /api/reviews</code>（JSON；带 <code>Authorization: Bearer …</code> 的客户端无需 "
       "CSRF 令牌，浏览器会话带 <code>X-CSRF-Token</code>，见 <code>GET /api/session</code>）、<code>GET /evidence/{id}</code>。</p>";
  return html(frame("测评批次", b, &p));
}

std::string Console::units_table(const Principal& p, std::int64_t run) {
  auto units = store_.unit_status(run);
  if (units.empty()) return "";
  static const std::map<std::string, std::string> state = {{"pending", "等待"}, {"leased", "进行中"}, {"done", "完成"}, {"failed", "失败"}};
  std::string b = "<h2>工作单元</h2><table><tr><th>单元</th><th>服务器</th><th>网站</th><th>状态</th><th>执行者</th><th>领取时间</th>"
                  "<th>已进行</th><th>尝试次数</th><th>最近错误</th><th></th></tr>";
  for (auto& u : units) {
    std::string sites;
    for (auto& s : u.sites)
      if (p.account.sees(s)) sites += (sites.empty() ? "" : "、") + html_escape(s);
    if (sites.empty()) continue;
    auto st = state.count(u.state) ? state.at(u.state) : u.state;
    std::string retry;
    if (u.state == "failed" && p.account.role == Role::Evaluator)
      retry = "<form method=\"post\" action=\"/runs/" + std::to_string(run) + "/units/" + std::to_string(u.id) + "/retry\">" + csrf_field(p) +
              "<button>重试</button></form>";
    b += "<tr><td>" + std::to_string(u.id) + "</td><td>" + html_escape(u.server) + "</td><td>" + sites + "</td><td" +
         (u.state == "failed" ? " class=\"fail\"" : "") + ">" + st + "</td><td>" + html_escape(u.owner) + "</td><td>" + html_escape(u.leased_at) +
         "</td><td>" + (u.state == "leased" ? std::to_string(int(u.lease_age_s)) + " 秒" : "") + "</td><td>" + std::to_string(u.attempts) +
         "</td><td>" + html_escape(u.error) + "</td><td>" + retry + "</td></tr>";
  }
  return b + "</table>";
}

// The run's overview, from the same summary the report files are written from.
static std::string run_overview(const ReportData& d, RunSummary& sum, const std::string& srun) {
  std::string b = "<h1>第 " + srun + " 批测评（" + html_escape(d.audit.today) + "）</h1>";
  if (auto line = not_audited_line(sum); !line.empty()) b += "<p class=\"fail\">" + html_escape(line) + "。</p>";
  if (auto line = cut_short_line(sum); !line.empty()) b += "<p class=\"fail\">" + html_escape(line) + "。</p>";
  b += "<p>网站 " + std::to_string(d.sites.size()) + " 个，不合格 <span class=\"fail\">" + std::to_string(sum.failed) + "</span> 个；计入问题 " +
       std::to_string(d.findings.size() - sum.manual.size()) + " 项，需人工核查 " + std::to_string(sum.manual.size()) + " 项，已复核排除 " +
       std::to_string(d.excluded.size()) + " 项。 <a href=\"/runs/" + srun + "/report\">查看测评报告</a></p>";
  b += "<table><tr><th>网站</th><th>状态</th><th>页面</th><th>得分</th><th>结论</th><th>单项否决</th><th>问题</th></tr>";
  for (auto& s : d.sites) {
    const Verdict& v = sum.verdicts[s.site.id];
    std::string vetoes;
    for (auto& x : v.vetoes) vetoes += (vetoes.empty() ? "" : "；") + html_escape(x);
    std::string state = s.status == "unreachable" ? "无法访问" : site_audited(s) ? "已采集" : "未测评：" + (s.error.empty() ? "测评未完成" : s.error);
    b += "<tr><td><a href=\"/runs/" + srun + "?site=" + url::encode_component(s.site.id) + "\">" + html_escape(s.site.name) +
         "</a><br><span class=\"muted\">" + html_escape(s.site.id) + "</span></td><td>" + html_escape(state) + "</td><td>" +
         std::to_string(s.pages) + "</td><td>" + v.score_text() + "</td><td><span class=\"" + (v.passed() ? "pass" : "fail") + "\">" +
         v.conclusion() + "</span></td><td>" + vetoes + "</td><td>" + std::to_string(sum.by_site[s.site.id].size()) + "</td></tr>";
  }
  return b + "</table>";
}

// The findings by category, as bars.
static std::string category_bars(const RunSummary& sum) {
  std::string b = "<h2>问题分类</h2><table>";
  int most = 1;
  for (auto& [c, n] : sum.by_category) most = std::max(most, n);
  for (auto& [c, n] : sum.by_category)
    b += "<tr><td style=\"width:18%\">" + html_escape(c) + "</td><td><span class=\"bar\" style=\"width:" + std::to_string(n * 600 / most) +
         "px\"></span> " + std::to_string(n) + "</td></tr>";
  return b + "</table>";
}

HttpResponse Console::run_page(const Principal& p, std::int64_t run, const Params& q) {
  auto loaded = report_for(p, run);
  if (!loaded) return html(frame("未找到", "<p>没有这个测评批次。</p>", &p), 404);
  const ReportData& d = loaded->data;
  RunSummary sum = summarize(d);
  auto param = [&](const char* k) { auto it = q.find(k); return it == q.end() ? std::string() : it->second; };
  std::string site = param("site"), category = param("category"), rule = param("rule"), review_f = param("review"), hist = param("history");
  std::string srun = std::to_string(run);

  std::string b = run_overview(d, sum, srun) + units_table(p, run) + category_bars(sum);

  // Filters and the findings, with their ids (the handle of the console and the API).
  std::set<std::string> cats, rules;
  std::vector<std::pair<std::string, std::string>> site_opts;
  for (auto& s : d.sites) site_opts.push_back({s.site.id, s.site.name});
  auto stored = store_.stored_findings(run);
  std::erase_if(stored, [&](const StoredFinding& sf) { return !p.account.sees(sf.finding.site_id); });
  for (auto& sf : stored) cats.insert(config_.rule_text(sf.finding.rule).category), rules.insert(sf.finding.rule);
  std::vector<std::pair<std::string, std::string>> cat_opts, rule_opts;
  for (auto& c : cats) cat_opts.push_back({c, c});
  for (auto& r : rules) rule_opts.push_back({r, config_.rule_text(r).title + "（" + r + "）"});
  b += "<h2>问题清单</h2><form class=\"filters\" method=\"get\" action=\"/runs/" + srun + "\">" + select("site", "网站", site_opts, site) +
       select("category", "类别", cat_opts, category) + select("rule", "规则", rule_opts, rule) +
       select("review", "复核", {{"none", "未复核"}, {"confirmed", "已确认"}, {"false_positive", "误报"}, {"fix_claimed", "已整改（待验证）"}, {"fix_failed", "整改未通过"}}, review_f) +
       select("history", "对比上次", {{"新发现", "新发现"}, {"仍存在", "仍存在"}, {"已整改", "已整改"}}, hist) + "<button>筛选</button></form>";
  EarlierFindings earlier(d.previous);
  auto keep = [&](const Finding& f) {
    return (site.empty() || f.site_id == site) && (category.empty() || config_.rule_text(f.rule).category == category) &&
           (rule.empty() || f.rule == rule);
  };
  bool batch = p.account.role != Role::Viewer && hist != "已整改";
  if (batch) b += "<form class=\"review\" method=\"post\" action=\"/runs/" + srun + "/review\">" + csrf_field(p);
  b += "<table id=\"findings\"><tr>" + std::string(batch ? "<th></th>" : "") +
       "<th>编号</th><th>网站</th><th>类别</th><th>问题</th><th>对象</th><th>严重程度</th><th>对比上次</th><th>复核</th></tr>";
  size_t shown = 0;
  auto row = [&](const StoredFinding& sf, const std::string& history, const std::string& review) {
    const Finding& f = sf.finding;
    auto rt = config_.rule_text(f.rule);
    std::string id = std::to_string(sf.id);
    ++shown;
    b += "<tr>" + (batch ? "<td><input type=\"checkbox\" name=\"ids\" value=\"" + id + "\"></td>" : std::string()) + "<td class=\"id\"><a href=\"/findings/" +
         id + "\">#" + id + "</a></td><td>" + html_escape(f.site_id) + "</td><td class=\"cat\">" + html_escape(rt.category) + "</td><td><a href=\"/findings/" + id +
         "\">" + html_escape(rt.title) + "</a><br><code>" + html_escape(f.rule) + "</code></td><td>" + html_escape(f.subject) + "</td><td>" +
         std::string(name(f.severity)) + "</td><td>" + history + "</td><td>" + review + "</td></tr>";
  };
  if (hist != "已整改") {
    auto rechecks = store_.rechecks_for(run);
    for (auto& sf : stored) {
      ReviewState st = d.state(sf.finding);
      std::string h = earlier.status(sf.finding);
      std::string tag = state_tag(st);
      if (auto rc = rechecks.find(key_of(sf.finding)); rc != rechecks.end() && st == ReviewState::FixClaimed)
        tag += " <span class=\"muted\">回头看：" + std::string(label(rc->second.result)) + "</span>";
      if (keep(sf.finding) && (review_f.empty() || review_f == name(st)) && (hist.empty() || hist == h)) row(sf, h, tag);
    }
  } else if (auto prev = store_.previous_audit_run(run)) {
    // 已整改: found by the run before and not by this one (linked to the finding as it was then).
    std::set<FindingKey> now;
    for (auto& sf : stored) now.insert(key_of(sf.finding));
    for (auto& sf : store_.stored_findings(*prev))
      if (!now.count(key_of(sf.finding)) && keep(sf.finding) && p.account.sees(sf.finding.site_id))
        row(sf, "<span class=\"pass\">已整改</span>", "");
  }
  b += "</table>";
  if (batch)
    b += "<p>对所选问题：" + status_choices(p.account) + "<label>意见 <input name=\"note\" maxlength=\"2000\" size=\"40\"></label> "
         "<button id=\"batch-review\">批量复核</button></p></form>";
  b += "<p class=\"muted\">共 " + std::to_string(shown) + " 项。</p>";
  return html(frame("第 " + srun + " 批测评", b, &p));
}

HttpResponse Console::finding_page(const Principal& p, std::int64_t id) {
  auto sf = visible_finding(p, id);
  if (!sf) return html(frame("未找到", "<p>没有这个问题。</p>", &p), 404);
  const Finding& f = sf->finding;
  auto rt = config_.rule_text(f.rule);
  auto reviews = store_.reviews_for(sf->run);
  const Review* current = reviews.count(key_of(f)) ? &reviews.at(key_of(f)) : nullptr;
  ReviewState st = review_state(current, sf->run);
  std::string sid = std::to_string(id), run = std::to_string(sf->run);
  auto rechecks = store_.rechecks_for(sf->run);
  auto rc = rechecks.find(key_of(f));
  std::string recheck;
  if (rc != rechecks.end())
    recheck = " <span class=\"tag " + std::string(rc->second.result == RecheckResult::Passed ? "fix_claimed" : "fix_failed") + "\">回头看：" +
              std::string(label(rc->second.result)) + "</span>";
  std::string b = "<p><a href=\"/runs/" + run + "\">← 第 " + run + " 批测评</a></p><h1>#" + sid + " " + html_escape(rt.title) + " " + state_tag(st) +
                  recheck + "</h1>";
  if (rc != rechecks.end())
    b += "<p>回头看（" + html_escape(rc->second.at) + "）：" + std::string(label(rc->second.result)) + "；" + html_escape(rc->second.note) +
         (rc->second.warc.empty() ? "" : "；新证据：" + html_escape(rc->second.warc)) + "</p>";
  b += "<table><tr><th style=\"width:14%\">网站</th><td>" + html_escape(f.site_id) + "</td></tr><tr><th>规则</th><td><code>" + html_escape(f.rule) +
       "</code>（" + html_escape(rt.category) + "，" + std::string(name(f.severity)) + "）</td></tr><tr><th>对象</th><td>" + html_escape(f.subject) +
       "</td></tr><tr><th>地址</th><td>" + html_escape(f.url) + "</td></tr><tr><th>测量值</th><td>" + detail_text(f.detail_json, config_) +
       "</td></tr><tr><th>整改要求</th><td>" + html_escape(rt.requirement) + "</td></tr><tr><th>依据</th><td>" + html_escape(rt.basis) + "</td></tr></table>";

  // History: the runs that found it, and every review of it.
  auto runs = store_.runs_with_finding(f.site_id, f.rule, f.subject);
  b += "<h2>历史</h2><p>首次发现：第 " + (runs.empty() ? run : std::to_string(runs.front())) + " 批；最近发现：第 " +
       (runs.empty() ? run : std::to_string(runs.back())) + " 批；共 " + std::to_string(runs.size()) + " 批发现：";
  for (auto r : runs) b += " <a href=\"/runs/" + std::to_string(r) + "\">" + std::to_string(r) + "</a>";
  b += "</p>";
  auto history = store_.reviews_of(f.site_id, f.rule, f.subject);
  if (!history.empty()) {
    b += "<table><tr><th>时间</th><th>批次</th><th>复核结论</th><th>意见</th><th>复核人</th><th>账号</th></tr>";
    for (auto& r : history)
      b += "<tr><td>" + html_escape(r.at) + "</td><td>" + std::to_string(r.run) + "</td><td>" + review_label(r.status) + "</td><td>" +
           html_escape(r.note) + "</td><td>" + html_escape(r.reviewer) + "</td><td>" + html_escape(r.account) + "</td></tr>";
    b += "</table>";
  }
  if (p.account.role != Role::Viewer)
    b += "<h2>复核</h2><form class=\"review\" method=\"post\" action=\"/findings/" + sid + "/review\">" + csrf_field(p) + status_choices(p.account) +
         "<br><label>意见<textarea name=\"note\" maxlength=\"2000\"></textarea></label><label>复核人 <input name=\"reviewer\" maxlength=\"100\"></label> "
         "<button id=\"submit-review\">提交</button></form>";

  // The evidence as captured: the stored answer, replayed in a sandboxed frame.
  std::string loc = store_.evidence_of(*sf);
  b += "<h2>证据（采集时的原始应答）</h2>";
  if (loc.empty()) {
    b += "<p class=\"muted\">该地址未存档（未开启 WARC，或问题不对应单个页面）。</p>";
  } else {
    try {
      auto rec = read_warc_record(options_.warc_root, loc);
      b += "<p class=\"muted\">存档：" + html_escape(loc) + "，采集于 " + html_escape(rec.date) +
           (rec.revisit_date.empty() ? "" : "（" + html_escape(rec.revisit_date) + " 复查时未变化，HTTP 304，内容为该次存档）") + "</p><pre>" +
           html_escape(rec.http_head) +
           "</pre><iframe sandbox=\"\" title=\"证据\" src=\"/evidence/" + sid + "\"></iframe>";
    } catch (const std::exception& e) {  // the reason names a file on this machine: the log gets it, the page does not
      spdlog::warn("console: evidence of finding {}: {}", sid, e.what());
      b += "<p class=\"err\">存档无法读取（存档文件缺失或损坏；原因见服务器日志）。</p>";
    }
  }
  return html(frame("#" + sid + " " + rt.title, b, &p));
}

HttpResponse Console::evidence(const Principal& p, std::int64_t id) {
  auto sf = visible_finding(p, id);
  std::string loc = sf ? store_.evidence_of(*sf) : "";
  if (loc.empty()) return html(frame("无证据", "<p>无存档。</p>"), 404);
  WarcRecord rec;
  try {
    rec = read_warc_record(options_.warc_root, loc);
  } catch (const std::exception& e) {  // the reason names a file: the browser gets none
    spdlog::warn("console: evidence of finding {}: {}", id, e.what());
    return html(frame("无证据", "<p>存档文件缺失或损坏。</p>"), 404);
  }
  HttpResponse r;
  std::string stored;
  std::istringstream head(rec.http_head);
  for (std::string line; std::getline(head, line);)
    if (ascii_lower(line.substr(0, 13)) == "content-type:") stored = line.substr(13);
  r.content_type = safe_content_type(stored);
  r.body = std::move(rec.body);
  // No script of the captured page runs and nothing is fetched from the live site.
  r.headers = {{"Content-Security-Policy", "sandbox; default-src 'none'; style-src 'unsafe-inline'; img-src data:; frame-ancestors 'self'"},
               {"X-Content-Type-Options", "nosniff"}, {"Cache-Control", "no-store"}, {"Referrer-Policy", "no-referrer"}};
  if (r.content_type.find("html") != std::string::npos) {
    // The link the finding is about, marked (CSS only: the page's own markup is left as captured).
    auto css_string = [](std::string s) {
      std::string out;
      for (char c : s) {
        if (c == '"' || c == '\\') out += '\\';
        if (c == '\n' || c == '\r' || c == '<') continue;
        out += c;
      }
      return out;
    };
    std::string mark;
    for (auto& u : {sf->finding.url, sf->finding.subject})
      if (u.rfind("http", 0) == 0) {
        auto path = u.find('/', u.find("//") + 2);
        mark += "a[href=\"" + css_string(u) + "\"]" + (path == std::string::npos ? "" : ",a[href=\"" + css_string(u.substr(path)) + "\"]") + ",";
      }
    if (!mark.empty()) {
      mark.pop_back();
      r.body = "<style>" + mark + "{outline:3px solid #d00 !important;background:#ff0 !important}</style>" + r.body;
    }
  }
  return r;
}

HttpResponse Console::report_page(const Principal& p, std::int64_t run) {
  auto loaded = report_for(p, run);
  if (!loaded) return html(frame("未找到", "<p>没有这个测评批次。</p>", &p), 404);
  std::ostringstream out;
  write_html(loaded->data, out);
  return html(out.str());
}

}  // namespace govaudit
