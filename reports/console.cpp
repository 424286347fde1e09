#include "reports/console.hpp"

#include <openssl/crypto.h>
#include <openssl/rand.h>

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <nlohmann/json.hpp>
#include <sstream>
#include <stdexcept>

#include "model/strings.hpp"
#include "model/url.hpp"
#include "reports/history.hpp"
#include "reports/report.hpp"
#include "storage/warc.hpp"

namespace govaudit {

using nlohmann::json;

std::string random_hex(std::size_t bytes) {
  std::string raw(bytes, '\0');
  if (RAND_bytes(reinterpret_cast<unsigned char*>(raw.data()), int(bytes)) != 1) throw std::runtime_error("no random bytes");
  static const char* hex = "0123456789abcdef";
  std::string out;
  for (unsigned char c : raw) out += hex[c >> 4], out += hex[c & 15];
  return out;
}

namespace {

constexpr const char* kPageCsp =
    "default-src 'none'; style-src 'unsafe-inline'; img-src 'self' data:; frame-src 'self'; form-action 'self'; "
    "base-uri 'none'; frame-ancestors 'none'";

std::string trim(std::string s) {
  auto b = s.find_first_not_of(" \t\r\n");
  if (b == std::string::npos) return "";
  return s.substr(b, s.find_last_not_of(" \t\r\n") - b + 1);
}

bool same(const std::string& a, const std::string& b) {
  return a.size() == b.size() && CRYPTO_memcmp(a.data(), b.data(), a.size()) == 0;
}

std::map<std::string, std::string> parse_form(std::string_view s) {
  std::map<std::string, std::string> out;
  while (!s.empty()) {
    auto amp = s.find('&');
    auto part = s.substr(0, amp);
    auto eq = part.find('=');
    if (!part.empty()) out[url::decode_component(part.substr(0, eq))] = eq == std::string_view::npos ? "" : url::decode_component(part.substr(eq + 1));
    if (amp == std::string_view::npos) break;
    s.remove_prefix(amp + 1);
  }
  return out;
}

std::optional<std::int64_t> to_id(const std::string& s) {
  if (s.empty() || s.size() > 18 || s.find_first_not_of("0123456789") != std::string::npos) return std::nullopt;
  return std::stoll(s);
}

std::string cookie(const HttpRequest& req, const std::string& name) {
  auto it = req.headers.find("cookie");
  if (it == req.headers.end()) return "";
  std::string_view c = it->second;
  while (!c.empty()) {
    auto semi = c.find(';');
    auto part = c.substr(0, semi);
    while (!part.empty() && part.front() == ' ') part.remove_prefix(1);
    if (part.substr(0, name.size() + 1) == name + "=") return std::string(part.substr(name.size() + 1));
    if (semi == std::string_view::npos) break;
    c.remove_prefix(semi + 1);
  }
  return "";
}

std::string header_of(const std::string& head, std::string_view name) {
  std::istringstream in(head);
  for (std::string line; std::getline(in, line);) {
    if (line.size() > name.size() && line[name.size()] == ':' && ascii_lower(line.substr(0, name.size())) == name) {
      auto v = line.substr(name.size() + 1);
      while (!v.empty() && (v.front() == ' ')) v.erase(0, 1);
      while (!v.empty() && (v.back() == '\r' || v.back() == ' ')) v.pop_back();
      return v;
    }
  }
  return "";
}

HttpResponse html(std::string body, int status = 200) {
  HttpResponse r;
  r.status = status;
  r.body = std::move(body);
  r.headers = {{"Content-Security-Policy", kPageCsp}, {"X-Frame-Options", "DENY"}, {"Referrer-Policy", "no-referrer"},
               {"X-Content-Type-Options", "nosniff"}, {"Cache-Control", "no-store"}};
  return r;
}

HttpResponse json_response(const json& j, int status = 200) {
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

const char* kStyle = R"css(
body{font-family:"Noto Sans CJK SC","Source Han Sans SC","Microsoft YaHei",sans-serif;margin:0;background:#f5f6f8;color:#222}
header{background:#8b1a1a;color:#fff;padding:10px 24px}header a{color:#fff;text-decoration:none;margin-right:18px}
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

std::string frame(const std::string& title, const std::string& body) {
  return "<!DOCTYPE html><html lang=\"zh-CN\"><head><meta charset=\"utf-8\"><title>" + html_escape(title) +
         " · govaudit 复核台</title><style>" + kStyle +
         "</style></head><body><header><a href=\"/\"><b>govaudit 复核台</b></a><a href=\"/\">测评批次</a></header><main>" + body +
         "</main></body></html>";
}

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
  return {{"status", name(r->status)}, {"state", name(st)}, {"note", r->note}, {"reviewer", r->reviewer}, {"at", r->at}, {"run", r->run}};
}

}  // namespace

Console::Console(Store& store, const Config& config, ConsoleOptions options)
    : store_(store), config_(config), options_(std::move(options)), csrf_(random_hex(32)) {}

bool Console::authorized(const HttpRequest& req) const {
  if (options_.token.empty()) return true;
  if (auto it = req.headers.find("authorization"); it != req.headers.end() && same(it->second, "Bearer " + options_.token))
    return true;
  auto s = cookie(req, "govaudit_session");
  return !s.empty() && sessions_.count(s);
}

HttpResponse Console::handle(const HttpRequest& req) {
  try {
    if (!options_.hosts.empty()) {
      auto h = req.headers.find("host");
      if (h == req.headers.end() || !options_.hosts.count(ascii_lower(h->second)))
        return json_response({{"error", "unexpected Host header"}}, 421);
    }
    std::string path = req.target.substr(0, req.target.find('?'));
    auto query = req.target.find('?') == std::string::npos ? std::map<std::string, std::string>{}
                                                           : parse_form(std::string_view(req.target).substr(req.target.find('?') + 1));
    if (req.method != "GET" && req.method != "HEAD" && req.method != "POST") return json_response({{"error", "method not allowed"}}, 405);
    bool is_json = req.headers.count("content-type") && req.headers.at("content-type").find("application/json") != std::string::npos;
    std::map<std::string, std::string> fields;
    if (req.method == "POST") {
      if (is_json) {
        auto j = json::parse(req.body, nullptr, false);
        if (j.is_discarded() || !j.is_object()) return json_response({{"error", "the body is not a JSON object"}}, 400);
        for (auto& [k, v] : j.items())
          if (v.is_string()) fields[k] = v.get<std::string>();
      } else {
        fields = parse_form(req.body);
      }
      // Every POST carries the CSRF token: a page of another site can neither read it nor set the header.
      std::string token = req.headers.count("x-csrf-token") ? req.headers.at("x-csrf-token") : fields["csrf"];
      if (!same(token, csrf_)) return json_response({{"error", "missing or wrong CSRF token"}}, 403);
    }
    if (path == "/login") return login(req, fields);
    if (!authorized(req)) {
      if (path.rfind("/api/", 0) == 0) return json_response({{"error", "a token is required (Authorization: Bearer …)"}}, 401);
      return redirect("/login");
    }
    return route(req, path, req.method == "POST" ? fields : query);
  } catch (const std::exception& e) {
    return json_response({{"error", e.what()}}, 500);
  }
}

HttpResponse Console::login(const HttpRequest& req, const std::map<std::string, std::string>& fields) {
  if (req.method == "POST") {
    if (options_.token.empty() || !same(fields.count("token") ? fields.at("token") : "", options_.token))
      return html(frame("登录", "<p class=\"err\">令牌不正确。</p><p><a href=\"/login\">重试</a></p>"), 403);
    std::string s = random_hex(32);
    sessions_.insert(s);
    auto r = redirect("/");
    r.headers.push_back({"Set-Cookie", "govaudit_session=" + s + "; HttpOnly; SameSite=Strict; Path=/"});
    return r;
  }
  return html(frame("登录", "<h1>登录</h1><form method=\"post\" action=\"/login\"><input type=\"hidden\" name=\"csrf\" value=\"" + csrf_ +
                                "\"><label>访问令牌 <input type=\"password\" name=\"token\" autofocus></label> <button>登录</button></form>"));
}

HttpResponse Console::route(const HttpRequest& req, const std::string& path, const std::map<std::string, std::string>& params) {
  auto param = [&](const char* k) { auto it = params.find(k); return it == params.end() ? std::string() : it->second; };
  auto tail_id = [&](const std::string& prefix, const std::string& suffix = "") -> std::optional<std::int64_t> {
    if (path.rfind(prefix, 0) != 0 || path.size() < prefix.size() + suffix.size()) return std::nullopt;
    if (!suffix.empty() && path.compare(path.size() - suffix.size(), suffix.size(), suffix) != 0) return std::nullopt;
    return to_id(path.substr(prefix.size(), path.size() - prefix.size() - suffix.size()));
  };
  if (req.method == "GET" || req.method == "HEAD") {
    if (path == "/") return runs_page();
    if (path == "/api/runs") return api_runs();
    if (path == "/api/session") return json_response({{"csrf", csrf_}});
    if (path == "/api/findings") {
      auto run = to_id(param("run"));
      if (!run) return json_response({{"error", "run=N is required"}}, 400);
      return api_findings(*run);
    }
    if (auto id = tail_id("/runs/", "/report")) return report_page(*id);
    if (auto id = tail_id("/runs/")) return run_page(*id, params);
    if (auto id = tail_id("/findings/")) return finding_page(*id);
    if (auto id = tail_id("/evidence/")) return evidence(*id);
  } else {
    if (auto id = tail_id("/api/findings/", "/review")) return review(*id, params, true);
    if (auto id = tail_id("/findings/", "/review")) return review(*id, params, false);
  }
  if (path.rfind("/api/", 0) == 0) return json_response({{"error", "not found"}}, 404);
  return html(frame("未找到", "<p>未找到该页面。</p>"), 404);
}

HttpResponse Console::runs_page() {
  std::string b = "<h1>测评批次</h1><table><tr><th>批次</th><th>测评日期</th><th>开始时间</th><th>完成时间</th><th>采集批次</th><th>网站数</th>"
                  "<th>发现问题</th><th>已复核</th><th></th></tr>";
  auto runs = store_.runs();
  std::reverse(runs.begin(), runs.end());
  for (auto& r : runs) {
    if (r.kind != RunKind::Audit || r.status != RunStatus::Done) continue;
    auto findings = store_.findings(r.id);
    auto reviews = store_.reviews_for(r.id);
    size_t reviewed = 0;
    for (auto& f : findings) reviewed += reviews.count(key_of(f));
    std::string id = std::to_string(r.id);
    b += "<tr><td><a href=\"/runs/" + id + "\">第 " + id + " 批</a></td><td>" + html_escape(r.today) + "</td><td>" + html_escape(r.started_at) +
         "</td><td>" + html_escape(r.finished_at) + "</td><td>" + std::to_string(r.crawl_run.value_or(0)) + "</td><td>" +
         std::to_string(store_.sites(r.crawl_run.value_or(0)).size()) + "</td><td>" + std::to_string(findings.size()) + "</td><td>" +
         std::to_string(reviewed) + "</td><td><a href=\"/runs/" + id + "/report\">测评报告</a></td></tr>";
  }
  b += "</table><p class=\"muted\">API：<code>GET /api/runs</code>、<code>GET /api/findings?run=N</code>、"
       "<code>POST /api/findings/{id}/review</code>（JSON，带 <code>X-CSRF-Token</code>，令牌见 <code>GET /api/session</code>）、"
       "<code>GET /evidence/{id}</code>。</p>";
  return html(frame("测评批次", b));
}

HttpResponse Console::run_page(std::int64_t run, const std::map<std::string, std::string>& q) {
  auto info = store_.run(run);
  if (!info || info->kind != RunKind::Audit) return html(frame("未找到", "<p>没有这个测评批次。</p>"), 404);
  ReportData d = load_report_data(store_, config_, run);
  RunSummary sum = summarize(d);
  auto param = [&](const char* k) { auto it = q.find(k); return it == q.end() ? std::string() : it->second; };
  std::string site = param("site"), category = param("category"), rule = param("rule"), review_f = param("review"), hist = param("history");

  std::string b = "<h1>第 " + std::to_string(run) + " 批测评（" + html_escape(d.audit.today) + "）</h1>";
  // The overview, from the same summary the report files are written from.
  size_t failed = 0;
  for (auto& [id, v] : sum.verdicts) failed += !v.pass;
  b += "<p>网站 " + std::to_string(d.sites.size()) + " 个，不合格 <span class=\"fail\">" + std::to_string(failed) + "</span> 个；计入问题 " +
       std::to_string(d.findings.size() - sum.manual.size()) + " 项，需人工核查 " + std::to_string(sum.manual.size()) + " 项，已复核排除 " +
       std::to_string(d.excluded.size()) + " 项。 <a href=\"/runs/" + std::to_string(run) + "/report\">查看测评报告</a></p>";
  b += "<table><tr><th>网站</th><th>状态</th><th>页面</th><th>得分</th><th>结论</th><th>单项否决</th><th>问题</th></tr>";
  for (auto& s : d.sites) {
    const Verdict& v = sum.verdicts[s.site.id];
    std::string vetoes;
    for (auto& x : v.vetoes) vetoes += (vetoes.empty() ? "" : "；") + html_escape(x);
    b += "<tr><td><a href=\"/runs/" + std::to_string(run) + "?site=" + url::encode_component(s.site.id) + "\">" + html_escape(s.site.name) + "</a><br><span class=\"muted\">" +
         html_escape(s.site.id) + "</span></td><td>" + html_escape(s.status == "unreachable" ? "无法访问" : "已采集") + "</td><td>" +
         std::to_string(s.pages) + "</td><td>" + (v.vetoes.empty() ? fmt::format("{:.1f}", v.score) : std::string("否决")) + "</td><td>" + (v.pass ? "<span class=\"pass\">合格</span>" : "<span class=\"fail\">不合格</span>") +
         "</td><td>" + vetoes + "</td><td>" + std::to_string(sum.by_site[s.site.id].size()) + "</td></tr>";
  }
  b += "</table><h2>问题分类</h2><table>";
  int most = 1;
  for (auto& [c, n] : sum.by_category) most = std::max(most, n);
  for (auto& [c, n] : sum.by_category)
    b += "<tr><td style=\"width:18%\">" + html_escape(c) + "</td><td><span class=\"bar\" style=\"width:" + std::to_string(n * 600 / most) +
         "px\"></span> " + std::to_string(n) + "</td></tr>";
  b += "</table>";

  // Filters and the findings, with their ids (the handle of the console and the API).
  std::set<std::string> cats, rules;
  std::vector<std::pair<std::string, std::string>> site_opts;
  for (auto& s : d.sites) site_opts.push_back({s.site.id, s.site.name});
  auto stored = store_.stored_findings(run);
  for (auto& sf : stored) cats.insert(config_.rule_text(sf.finding.rule).category), rules.insert(sf.finding.rule);
  std::vector<std::pair<std::string, std::string>> cat_opts, rule_opts;
  for (auto& c : cats) cat_opts.push_back({c, c});
  for (auto& r : rules) rule_opts.push_back({r, config_.rule_text(r).title + "（" + r + "）"});
  b += "<h2>问题清单</h2><form class=\"filters\" method=\"get\" action=\"/runs/" + std::to_string(run) + "\">" +
       select("site", "网站", site_opts, site) + select("category", "类别", cat_opts, category) + select("rule", "规则", rule_opts, rule) +
       select("review", "复核", {{"none", "未复核"}, {"confirmed", "已确认"}, {"false_positive", "误报"}, {"fix_claimed", "已整改（待验证）"}, {"fix_failed", "整改未通过"}}, review_f) +
       select("history", "对比上次", {{"新发现", "新发现"}, {"仍存在", "仍存在"}, {"已整改", "已整改"}}, hist) + "<button>筛选</button></form>";
  EarlierFindings earlier(d.previous);
  auto keep = [&](const Finding& f) {
    return (site.empty() || f.site_id == site) && (category.empty() || config_.rule_text(f.rule).category == category) &&
           (rule.empty() || f.rule == rule);
  };
  b += "<table id=\"findings\"><tr><th>编号</th><th>网站</th><th>类别</th><th>问题</th><th>对象</th><th>严重程度</th><th>对比上次</th><th>复核</th></tr>";
  size_t shown = 0;
  auto row = [&](const Store::StoredFinding& sf, const std::string& history, const std::string& review) {
    const Finding& f = sf.finding;
    auto rt = config_.rule_text(f.rule);
    std::string id = std::to_string(sf.id);
    ++shown;
    b += "<tr><td><a href=\"/findings/" + id + "\">#" + id + "</a></td><td>" + html_escape(f.site_id) + "</td><td>" + html_escape(rt.category) +
         "</td><td><a href=\"/findings/" + id + "\">" + html_escape(rt.title) + "</a><br><code>" + html_escape(f.rule) + "</code></td><td>" +
         html_escape(f.subject) + "</td><td>" + std::string(name(f.severity)) + "</td><td>" + history + "</td><td>" + review + "</td></tr>";
  };
  if (hist != "已整改") {
    for (auto& sf : stored) {
      ReviewState st = d.state(sf.finding);
      std::string h = earlier.status(sf.finding);
      if (keep(sf.finding) && (review_f.empty() || review_f == name(st)) && (hist.empty() || hist == h)) row(sf, h, state_tag(st));
    }
  } else if (auto prev = previous_audit(store_, run)) {
    // 已整改: found by the run before and not by this one (linked to the finding as it was then).
    std::set<FindingKey> now;
    for (auto& sf : stored) now.insert(key_of(sf.finding));
    for (auto& sf : store_.stored_findings(*prev))
      if (!now.count(key_of(sf.finding)) && keep(sf.finding)) row(sf, "<span class=\"pass\">已整改</span>", "");
  }
  b += "</table><p class=\"muted\">共 " + std::to_string(shown) + " 项。</p>";
  return html(frame("第 " + std::to_string(run) + " 批测评", b));
}

HttpResponse Console::finding_page(std::int64_t id) {
  auto sf = store_.finding_by_id(id);
  if (!sf) return html(frame("未找到", "<p>没有这个问题。</p>"), 404);
  const Finding& f = sf->finding;
  auto rt = config_.rule_text(f.rule);
  auto reviews = store_.reviews_for(sf->run);
  const Review* current = reviews.count(key_of(f)) ? &reviews.at(key_of(f)) : nullptr;
  ReviewState st = review_state(current, sf->run);
  std::string sid = std::to_string(id), run = std::to_string(sf->run);
  std::string b = "<p><a href=\"/runs/" + run + "\">← 第 " + run + " 批测评</a></p><h1>#" + sid + " " + html_escape(rt.title) + " " + state_tag(st) + "</h1>";
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
    b += "<table><tr><th>时间</th><th>批次</th><th>复核结论</th><th>意见</th><th>复核人</th></tr>";
    for (auto& r : history) {
      static const std::map<ReviewStatus, const char*> text = {{ReviewStatus::Confirmed, "确认"}, {ReviewStatus::FalsePositive, "误报"}, {ReviewStatus::Fixed, "已整改"}};
      b += "<tr><td>" + html_escape(r.at) + "</td><td>" + std::to_string(r.run) + "</td><td>" + text.at(r.status) + "</td><td>" + html_escape(r.note) +
           "</td><td>" + html_escape(r.reviewer) + "</td></tr>";
    }
    b += "</table>";
  }
  b += "<h2>复核</h2><form class=\"review\" method=\"post\" action=\"/findings/" + sid + "/review\"><input type=\"hidden\" name=\"csrf\" value=\"" + csrf_ +
       "\"><label><input type=\"radio\" name=\"status\" value=\"confirmed\" checked> 确认</label> "
       "<label><input type=\"radio\" name=\"status\" value=\"false_positive\"> 误报（须写明理由）</label> "
       "<label><input type=\"radio\" name=\"status\" value=\"fixed\"> 已整改</label><br><label>意见<textarea name=\"note\" maxlength=\"2000\"></textarea></label>"
       "<label>复核人 <input name=\"reviewer\" maxlength=\"100\"></label> <button id=\"submit-review\">提交</button></form>";

  // The evidence as captured: the stored answer, replayed in a sandboxed frame.
  auto crawl = store_.run(sf->run);
  std::string loc = crawl && crawl->crawl_run ? store_.page_warc(*crawl->crawl_run, f.site_id, f.url) : "";
  b += "<h2>证据（采集时的原始应答）</h2>";
  if (loc.empty()) {
    b += "<p class=\"muted\">该地址未存档（未开启 WARC，或问题不对应单个页面）。</p>";
  } else {
    try {
      auto rec = read_warc_record(options_.warc_root, loc);
      b += "<p class=\"muted\">存档：" + html_escape(loc) + "，采集于 " + html_escape(rec.date) + "</p><pre>" + html_escape(rec.http_head) +
           "</pre><iframe sandbox=\"\" title=\"证据\" src=\"/evidence/" + sid + "\"></iframe>";
    } catch (const std::exception& e) {
      b += "<p class=\"err\">存档无法读取：" + html_escape(e.what()) + "</p>";
    }
  }
  return html(frame("#" + sid + " " + rt.title, b));
}

HttpResponse Console::evidence(std::int64_t id) {
  auto sf = store_.finding_by_id(id);
  auto crawl = sf ? store_.run(sf->run) : std::nullopt;
  std::string loc = crawl && crawl->crawl_run ? store_.page_warc(*crawl->crawl_run, sf->finding.site_id, sf->finding.url) : "";
  if (loc.empty()) return html(frame("无证据", "<p>无存档。</p>"), 404);
  auto rec = read_warc_record(options_.warc_root, loc);
  HttpResponse r;
  r.content_type = header_of(rec.http_head, "content-type");
  if (r.content_type.empty()) r.content_type = "application/octet-stream";
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

HttpResponse Console::report_page(std::int64_t run) {
  auto info = store_.run(run);
  if (!info || info->kind != RunKind::Audit) return html(frame("未找到", "<p>没有这个测评批次。</p>"), 404);
  std::ostringstream out;
  write_html(load_report_data(store_, config_, run), out);
  return html(out.str());
}

HttpResponse Console::review(std::int64_t id, const std::map<std::string, std::string>& fields, bool is_json) {
  auto fail = [&](int status, const std::string& why) {
    if (is_json) return json_response({{"error", why}}, status);
    return html(frame("复核未保存", "<p class=\"err\">" + html_escape(why) + "</p><p><a href=\"/findings/" + std::to_string(id) + "\">返回</a></p>"), status);
  };
  auto sf = store_.finding_by_id(id);
  if (!sf) return fail(404, "no finding " + std::to_string(id));
  auto get = [&](const char* k) { auto it = fields.find(k); return it == fields.end() ? std::string() : it->second; };
  auto status = review_status_from(get("status"));
  if (!status) return fail(400, "status must be confirmed, false_positive or fixed");
  Review r;
  r.site_id = sf->finding.site_id;
  r.rule = sf->finding.rule;
  r.subject = sf->finding.subject;
  r.run = sf->run;
  r.status = *status;
  r.note = trim(get("note"));
  r.reviewer = trim(get("reviewer"));
  if (r.note.size() > 4000 || r.reviewer.size() > 200) return fail(400, "note or reviewer too long");
  if (r.status == ReviewStatus::FalsePositive && r.note.empty()) return fail(400, "a false positive needs its reason in note (误报须写明理由)");
  r.id = store_.add_review(r);
  if (!is_json) return redirect("/findings/" + std::to_string(id));
  auto reviews = store_.reviews_for(sf->run);
  const Review& now = reviews.at(key_of(sf->finding));
  return json_response({{"id", id}, {"review", review_json(&now, review_state(&now, sf->run))}});
}

HttpResponse Console::api_runs() {
  json out = json::array();
  for (auto& r : store_.runs()) {
    if (r.kind != RunKind::Audit) continue;
    out.push_back({{"id", r.id}, {"today", r.today}, {"started_at", r.started_at}, {"finished_at", r.finished_at},
                   {"status", name(r.status)}, {"crawl_run", r.crawl_run.value_or(0)}, {"findings", store_.findings(r.id).size()}});
  }
  return json_response(out);
}

HttpResponse Console::api_findings(std::int64_t run) {
  auto info = store_.run(run);
  if (!info || info->kind != RunKind::Audit) return json_response({{"error", "no audit run " + std::to_string(run)}}, 404);
  auto reviews = store_.reviews_for(run);
  std::set<FindingKey> before;
  auto prev = previous_audit(store_, run);
  if (prev)
    for (auto& f : store_.findings(*prev)) before.insert(key_of(f));
  json out = json::array();
  for (auto& sf : store_.stored_findings(run)) {
    const Finding& f = sf.finding;
    auto it = reviews.find(key_of(f));
    const Review* r = it == reviews.end() ? nullptr : &it->second;
    json detail = json::parse(f.detail_json, nullptr, false);
    if (detail.is_discarded()) detail = f.detail_json;
    out.push_back({{"id", sf.id}, {"run", sf.run}, {"site", f.site_id}, {"rule", f.rule}, {"subject", f.subject}, {"url", f.url},
                   {"severity", name(f.severity)}, {"detail", detail}, {"history", prev && before.count(key_of(f)) ? "persisting" : "new"},
                   {"review", review_json(r, review_state(r, run))}});
  }
  return json_response(out);
}

}  // namespace govaudit
