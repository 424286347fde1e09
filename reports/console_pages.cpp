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

std::string role_label(const Config& cfg, Role r) {
  return cfg.words(r == Role::Evaluator ? "console.role_evaluator" : r == Role::County ? "console.role_county" : "console.role_viewer");
}

// The review choices an account has: a county's staff may only claim a fix.
std::string status_choices(const Config& cfg, const Account& a) {
  auto choice = [&](const char* value, const char* words, bool checked) {
    return std::string("<label><input type=\"radio\" name=\"status\" value=\"") + value + "\"" + (checked ? " checked" : "") + "> " +
           html_escape(cfg.words(std::string("console.") + words)) + "</label> ";
  };
  if (a.role == Role::County) return choice("fixed", "choice_fixed", true);
  return choice("confirmed", "choice_confirmed", true) + choice("false_positive", "choice_false_positive", false) +
         choice("fixed", "choice_fixed", false);
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

std::string frame(const Config& cfg, const std::string& title, const std::string& body, const Principal* who) {
  std::string account;
  auto w = [&](const char* key) { return html_escape(cfg.words(std::string("console.") + key)); };
  if (who && !who->account.name.empty() && !who->bearer)
    account = "<form method=\"post\" action=\"/logout\">" + csrf_field(*who) + "<button>" + w("logout") + "</button></form><span class=\"who\">" +
              html_escape(who->account.name) + "（" + html_escape(role_label(cfg, who->account.role)) + "）</span>";
  return "<!DOCTYPE html><html lang=\"zh-CN\"><head><meta charset=\"utf-8\"><title>" + html_escape(title) + " · " + w("title") +
         "</title><style>" + kStyle + "</style></head><body><header>" + account + "<a href=\"/\"><b>" + w("title") + "</b></a><a href=\"/\">" +
         w("runs") + "</a></header><main>" + body + "</main></body></html>";
}

HttpResponse not_found_page(const Config& cfg) { return message_page(cfg, 404, "console.not_found", "console.no_page"); }

HttpResponse message_page(const Config& cfg, int status, const std::string& title, const std::string& words, const Principal* who,
                          const std::string& back) {
  std::string body = "<p" + std::string(status >= 400 && status != 404 ? " class=\"err\"" : "") + ">" + html_escape(cfg.words(words)) + "</p>";
  if (!back.empty()) body += "<p><a href=\"" + html_escape(back) + "\">" + html_escape(cfg.words("console.back")) + "</a></p>";
  return html(frame(cfg, cfg.words(title), body, who), status);
}

std::string state_tag(ReviewState s) {
  return "<span class=\"tag " + std::string(name(s)) + "\">" + std::string(label(s)) + "</span>";
}

std::string select(const Config& cfg, const std::string& field, const std::string& caption,
                   const std::vector<std::pair<std::string, std::string>>& options, const std::string& chosen) {
  std::string s = "<label>" + html_escape(caption) + " <select name=\"" + field + "\"><option value=\"\">" +
                  html_escape(cfg.words("console.all")) + "</option>";
  for (auto& [v, text] : options)
    s += "<option value=\"" + html_escape(v) + "\"" + (v == chosen ? " selected" : "") + ">" + html_escape(text) + "</option>";
  return s + "</select></label>";
}

json review_json(const Review* r, ReviewState st) {
  if (!r) return nullptr;
  return {{"status", name(r->status)}, {"state", name(st)}, {"note", r->note}, {"reviewer", r->reviewer},
          {"account", r->account}, {"at", r->at}, {"run", r->run}};
}

std::string review_label(const Config& cfg, ReviewStatus s) {
  return cfg.words(s == ReviewStatus::Confirmed       ? "console.decision_confirmed"
                   : s == ReviewStatus::FalsePositive ? "console.decision_false_positive"
                                                      : "console.decision_fixed");
}

}  // namespace console

using namespace console;

HttpResponse Console::runs_page(const Principal& p) {
  auto w = [&](const char* key) { return html_escape(config_.words(std::string("console.") + key)); };
  std::string b = "<h1>" + w("runs") + "</h1><table>" + head_row(config_, "console_runs");
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
    b += "<tr><td><a href=\"/runs/" + id + "\">" + html_escape(config_.say("console.run_link", {{"run", id}})) + "</a></td><td>" +
         html_escape(r.today) + "</td><td>" + html_escape(r.started_at) + "</td><td>" + html_escape(r.finished_at) + "</td><td>" +
         (r.done ? w("run_done") : "<span class=\"fail\">" + w("run_unfinished") + "</span>") + "</td><td>" + std::to_string(sites) + "</td><td>" +
         std::to_string(found) + "</td><td>" + std::to_string(reviewed) + "</td><td><a href=\"/runs/" + id + "/report\">" + w("report") + "</a></td></tr>";
  }
  b += "</table><p class=\"muted\">API：<code>GET /api/runs</code>、<code>GET /api/findings?run=N</code>、<code>GET /api/findings/{id}</code>、"
       "<code>POST /api/findings/{id}/review</code>、<code>POST /api/reviews</code>（JSON；带 <code>Authorization: Bearer …</code> 的客户端无需 "
       "CSRF 令牌，浏览器会话带 <code>X-CSRF-Token</code>，见 <code>GET /api/session</code>）、<code>GET /evidence/{id}</code>。</p>";
  return html(frame(config_, config_.words("console.runs"), b, &p));
}

std::string Console::units_table(const Principal& p, std::int64_t run) {
  auto units = store_.unit_status(run);
  if (units.empty()) return "";
  static const std::set<std::string> states = {"pending", "leased", "done", "failed"};
  std::string b = "<h2>" + html_escape(config_.words("console.units")) + "</h2><table>" + head_row(config_, "console_units");
  for (auto& u : units) {
    std::string sites;
    for (auto& s : u.sites)
      if (p.account.sees(s)) sites += (sites.empty() ? "" : "、") + html_escape(s);
    if (sites.empty()) continue;
    auto st = html_escape(states.count(u.state) ? config_.words("console.unit_" + u.state) : u.state);
    std::string retry;
    if (u.state == "failed" && p.account.role == Role::Evaluator)
      retry = "<form method=\"post\" action=\"/runs/" + std::to_string(run) + "/units/" + std::to_string(u.id) + "/retry\">" + csrf_field(p) +
              "<button>" + html_escape(config_.words("console.retry")) + "</button></form>";
    b += "<tr><td>" + std::to_string(u.id) + "</td><td>" + html_escape(u.server) + "</td><td>" + sites + "</td><td" +
         (u.state == "failed" ? " class=\"fail\"" : "") + ">" + st + "</td><td>" + html_escape(u.owner) + "</td><td>" + html_escape(u.leased_at) +
         "</td><td>" + (u.state == "leased" ? html_escape(config_.say("console.seconds", {{"n", std::to_string(int(u.lease_age_s))}})) : "") + "</td><td>" + std::to_string(u.attempts) +
         "</td><td>" + html_escape(u.error) + "</td><td>" + retry + "</td></tr>";
  }
  return b + "</table>";
}

// The run's overview, from the same summary the report files are written from.
static std::string run_overview(const Config& cfg, const ReportData& d, RunSummary& sum, const std::string& srun) {
  std::string b = "<h1>" + html_escape(cfg.say("console.run_heading", {{"run", srun}, {"date", d.audit.today}})) + "</h1>";
  if (auto line = not_audited_line(cfg, sum); !line.empty()) b += "<p class=\"fail\">" + html_escape(line) + "。</p>";
  if (auto line = cut_short_line(cfg, sum); !line.empty()) b += "<p class=\"fail\">" + html_escape(line) + "。</p>";
  b += "<p>" +
       html_escape(cfg.say("console.run_summary", {{"sites", std::to_string(d.sites.size())}, {"failed", std::to_string(sum.failed)},
                                                   {"counted", std::to_string(d.findings.size() - sum.manual.size())},
                                                   {"manual", std::to_string(sum.manual.size())}, {"excluded", std::to_string(d.excluded.size())}})) +
       " <a href=\"/runs/" + srun + "/report\">" + html_escape(cfg.words("console.view_report")) + "</a></p>";
  b += "<table>" + head_row(cfg, "console_sites");
  for (auto& s : d.sites) {
    const Verdict& v = sum.verdicts[s.site.id];
    std::string vetoes;
    for (auto& x : v.vetoes) vetoes += (vetoes.empty() ? "" : "；") + html_escape(x);
    std::string state = s.status == "unreachable" ? cfg.words("console.site_unreachable")
                        : site_audited(s)          ? cfg.words("console.site_crawled")
                                                   : cfg.say("report.site_not_audited",
                                                             {{"why", s.error.empty() ? cfg.words("report.audit_unfinished") : s.error}});
    b += "<tr><td><a href=\"/runs/" + srun + "?site=" + url::encode_component(s.site.id) + "\">" + html_escape(s.site.name) +
         "</a><br><span class=\"muted\">" + html_escape(s.site.id) + "</span></td><td>" + html_escape(state) + "</td><td>" +
         std::to_string(s.pages) + "</td><td>" + v.score_text() + "</td><td><span class=\"" + (v.passed() ? "pass" : "fail") + "\">" +
         v.conclusion() + "</span></td><td>" + vetoes + "</td><td>" + std::to_string(sum.by_site[s.site.id].size()) + "</td></tr>";
  }
  return b + "</table>";
}

// The findings by category, as bars.
static std::string category_bars(const Config& cfg, const RunSummary& sum) {
  std::string b = "<h2>" + html_escape(cfg.words("console.categories")) + "</h2><table>";
  int most = 1;
  for (auto& [c, n] : sum.by_category) most = std::max(most, n);
  for (auto& [c, n] : sum.by_category)
    b += "<tr><td style=\"width:18%\">" + html_escape(c) + "</td><td><span class=\"bar\" style=\"width:" + std::to_string(n * 600 / most) +
         "px\"></span> " + std::to_string(n) + "</td></tr>";
  return b + "</table>";
}

HttpResponse Console::run_page(const Principal& p, std::int64_t run, const Params& q) {
  auto loaded = report_for(p, run);
  if (!loaded) return message_page(config_, 404, "console.not_found", "console.no_run", &p);
  const ReportData& d = loaded->data;
  RunSummary sum = summarize(d);
  auto param = [&](const char* k) { auto it = q.find(k); return it == q.end() ? std::string() : it->second; };
  std::string site = param("site"), category = param("category"), rule = param("rule"), review_f = param("review"), hist = param("history");
  std::string srun = std::to_string(run);

  std::string b = run_overview(config_, d, sum, srun) + units_table(p, run) + category_bars(config_, sum);
  auto w = [&](const char* key) { return config_.words(std::string("console.") + key); };

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
  std::vector<std::pair<std::string, std::string>> review_opts, hist_opts = {
      {"新发现", history_words(config_, "新发现")}, {"仍存在", history_words(config_, "仍存在")}, {"已整改", history_words(config_, "已整改")}};
  for (auto* st : {"none", "confirmed", "false_positive", "fix_claimed", "fix_failed"}) review_opts.push_back({st, w(("review_" + std::string(st)).c_str())});
  b += "<h2>" + html_escape(w("findings")) + "</h2><form class=\"filters\" method=\"get\" action=\"/runs/" + srun + "\">" +
       select(config_, "site", w("filter_site"), site_opts, site) + select(config_, "category", w("filter_category"), cat_opts, category) +
       select(config_, "rule", w("filter_rule"), rule_opts, rule) + select(config_, "review", w("filter_review"), review_opts, review_f) +
       select(config_, "history", w("filter_history"), hist_opts, hist) + "<button>" + html_escape(w("filter")) + "</button></form>";
  EarlierFindings earlier(d.previous);
  auto keep = [&](const Finding& f) {
    return (site.empty() || f.site_id == site) && (category.empty() || config_.rule_text(f.rule).category == category) &&
           (rule.empty() || f.rule == rule);
  };
  bool batch = p.account.role != Role::Viewer && hist != "已整改";
  if (batch) b += "<form class=\"review\" method=\"post\" action=\"/runs/" + srun + "/review\">" + csrf_field(p);
  b += "<table id=\"findings\">" + head_row(config_, "console_findings", batch);
  size_t shown = 0;
  auto row = [&](const StoredFinding& sf, const std::string& history, const std::string& review) {  // history and review: HTML
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
        tag += " <span class=\"muted\">" + html_escape(config_.say("console.recheck", {{"result", std::string(label(rc->second.result))}})) + "</span>";
      if (keep(sf.finding) && (review_f.empty() || review_f == name(st)) && (hist.empty() || hist == h)) row(sf, html_escape(history_words(config_, h)), tag);
    }
  } else if (auto prev = store_.previous_audit_run(run)) {
    // 已整改: found by the run before and not by this one (linked to the finding as it was then).
    std::set<FindingKey> now;
    for (auto& sf : stored) now.insert(key_of(sf.finding));
    for (auto& sf : store_.stored_findings(*prev))
      if (!now.count(key_of(sf.finding)) && keep(sf.finding) && p.account.sees(sf.finding.site_id))
        row(sf, "<span class=\"pass\">" + html_escape(history_words(config_, "已整改")) + "</span>", "");
  }
  b += "</table>";
  if (batch)
    b += "<p>" + html_escape(w("batch")) + status_choices(config_, p.account) + "<label>" + html_escape(w("note")) +
         " <input name=\"note\" maxlength=\"2000\" size=\"40\"></label> <button id=\"batch-review\">" + html_escape(w("batch_review")) +
         "</button></p></form>";
  b += "<p class=\"muted\">" + html_escape(config_.say("console.shown", {{"n", std::to_string(shown)}})) + "</p>";
  return html(frame(config_, config_.say("console.run_title", {{"run", srun}}), b, &p));
}

HttpResponse Console::finding_page(const Principal& p, std::int64_t id) {
  auto sf = visible_finding(p, id);
  if (!sf) return message_page(config_, 404, "console.not_found", "console.no_finding", &p);
  const Finding& f = sf->finding;
  auto w = [&](const char* key) { return html_escape(config_.words(std::string("console.") + key)); };
  auto rt = config_.rule_text(f.rule);
  auto reviews = store_.reviews_for(sf->run);
  const Review* current = reviews.count(key_of(f)) ? &reviews.at(key_of(f)) : nullptr;
  ReviewState st = review_state(current, sf->run);
  std::string sid = std::to_string(id), run = std::to_string(sf->run);
  auto rechecks = store_.rechecks_for(sf->run);
  auto rc = rechecks.find(key_of(f));
  std::string recheck;
  if (rc != rechecks.end())
    recheck = " <span class=\"tag " + std::string(rc->second.result == RecheckResult::Passed ? "fix_claimed" : "fix_failed") + "\">" +
              html_escape(config_.say("console.recheck", {{"result", std::string(label(rc->second.result))}})) + "</span>";
  std::string b = "<p><a href=\"/runs/" + run + "\">" + html_escape(config_.say("console.back_to_run", {{"run", run}})) + "</a></p><h1>#" + sid + " " +
                  html_escape(rt.title) + " " + state_tag(st) + recheck + "</h1>";
  if (rc != rechecks.end())
    b += "<p>" +
         html_escape(config_.say("console.recheck_line", {{"at", rc->second.at}, {"result", std::string(label(rc->second.result))}, {"note", rc->second.note}}) +
                     (rc->second.warc.empty() ? "" : config_.say("console.recheck_evidence", {{"warc", rc->second.warc}}))) +
         "</p>";
  // The finding's rows: site, rule, subject, URL, measured, requirement, basis (HTML each).
  std::vector<std::string> cells = {html_escape(f.site_id),
                                    "<code>" + html_escape(f.rule) + "</code>（" + html_escape(rt.category) + "，" + std::string(name(f.severity)) + "）",
                                    html_escape(f.subject), html_escape(f.url), detail_text(f.detail_json, config_), html_escape(rt.requirement),
                                    html_escape(rt.basis)};
  auto& heads = config_.column_words("columns.console_finding");
  b += "<table>";
  for (size_t i = 0; i < cells.size(); ++i)
    b += std::string("<tr><th") + (i ? "" : " style=\"width:14%\"") + ">" + html_escape(heads[i]) + "</th><td>" + cells[i] + "</td></tr>";
  b += "</table>";

  // History: the runs that found it, and every review of it.
  auto runs = store_.runs_with_finding(f.site_id, f.rule, f.subject);
  b += "<h2>" + w("history") + "</h2><p>" +
       html_escape(config_.say("console.history_line", {{"first", runs.empty() ? run : std::to_string(runs.front())},
                                                        {"last", runs.empty() ? run : std::to_string(runs.back())},
                                                        {"count", std::to_string(runs.size())}}));
  for (auto r : runs) b += " <a href=\"/runs/" + std::to_string(r) + "\">" + std::to_string(r) + "</a>";
  b += "</p>";
  auto history = store_.reviews_of(f.site_id, f.rule, f.subject);
  if (!history.empty()) {
    b += "<table>" + head_row(config_, "console_reviews");
    for (auto& r : history)
      b += "<tr><td>" + html_escape(r.at) + "</td><td>" + std::to_string(r.run) + "</td><td>" + html_escape(review_label(config_, r.status)) + "</td><td>" +
           html_escape(r.note) + "</td><td>" + html_escape(r.reviewer) + "</td><td>" + html_escape(r.account) + "</td></tr>";
    b += "</table>";
  }
  if (p.account.role != Role::Viewer)
    b += "<h2>" + w("review") + "</h2><form class=\"review\" method=\"post\" action=\"/findings/" + sid + "/review\">" + csrf_field(p) +
         status_choices(config_, p.account) + "<br><label>" + w("note") + "<textarea name=\"note\" maxlength=\"2000\"></textarea></label><label>" +
         w("reviewer") + " <input name=\"reviewer\" maxlength=\"100\"></label> <button id=\"submit-review\">" + w("submit") + "</button></form>";

  // The evidence as captured: the stored answer, replayed in a sandboxed frame.
  std::string loc = store_.evidence_of(*sf);
  b += "<h2>" + w("evidence") + "</h2>";
  if (loc.empty()) {
    b += "<p class=\"muted\">" + w("not_archived") + "</p>";
  } else {
    try {
      auto rec = read_warc_record(options_.warc_root, loc);
      b += "<p class=\"muted\">" +
           html_escape(config_.say("console.archived", {{"where", loc}, {"date", rec.date}}) +
                       (rec.revisit_date.empty() ? "" : config_.say("console.archived_unchanged", {{"date", rec.revisit_date}}))) +
           "</p><pre>" + html_escape(rec.http_head) + "</pre><iframe sandbox=\"\" title=\"" + w("evidence_frame") + "\" src=\"/evidence/" + sid +
           "\"></iframe>";
    } catch (const std::exception& e) {  // the reason names a file on this machine: the log gets it, the page does not
      spdlog::warn("console: evidence of finding {}: {}", sid, e.what());
      b += "<p class=\"err\">" + w("archive_unreadable") + "</p>";
    }
  }
  return html(frame(config_, "#" + sid + " " + rt.title, b, &p));
}

HttpResponse Console::evidence(const Principal& p, std::int64_t id) {
  auto sf = visible_finding(p, id);
  std::string loc = sf ? store_.evidence_of(*sf) : "";
  if (loc.empty()) return message_page(config_, 404, "console.no_evidence", "console.no_archive");
  WarcRecord rec;
  try {
    rec = read_warc_record(options_.warc_root, loc);
  } catch (const std::exception& e) {  // the reason names a file: the browser gets none
    spdlog::warn("console: evidence of finding {}: {}", id, e.what());
    return message_page(config_, 404, "console.no_evidence", "console.archive_missing");
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
  if (!loaded) return message_page(config_, 404, "console.not_found", "console.no_run", &p);
  std::ostringstream out;
  write_html(loaded->data, out);
  return html(out.str());
}

}  // namespace govaudit
