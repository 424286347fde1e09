// The console's access control (accounts, sessions, CSRF), routing, reviews and JSON API; the
// pages are in console_pages.cpp.
#include "reports/console.hpp"

#include <openssl/crypto.h>
#include <openssl/rand.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <nlohmann/json.hpp>
#include <stdexcept>

#include "model/strings.hpp"
#include "model/url.hpp"
#include "reports/console_html.hpp"
#include "reports/history.hpp"
#include "reports/input_text.hpp"

namespace govaudit {

using nlohmann::json;
using namespace console;

std::string random_hex(std::size_t bytes) {
  std::string raw(bytes, '\0');
  if (RAND_bytes(reinterpret_cast<unsigned char*>(raw.data()), int(bytes)) != 1) throw std::runtime_error("no random bytes");
  static const char* hex = "0123456789abcdef";
  std::string out;
  for (unsigned char c : raw) out += hex[c >> 4], out += hex[c & 15];
  return out;
}

void restrict_report(ReportData& d, const Account& a) {
  if (a.role != Role::County) return;
  auto hidden = [&](const Finding& f) { return !a.sees(f.site_id); };
  std::erase_if(d.sites, [&](const SiteSummary& s) { return !a.sees(s.site.id); });
  std::erase_if(d.findings, hidden);
  std::erase_if(d.excluded, hidden);
  std::erase_if(d.previous, hidden);
  std::erase_if(d.reviews, [&](const auto& kv) { return !a.sees(std::get<0>(kv.first)); });
}

namespace {

bool same(const std::string& a, const std::string& b) {
  return a.size() == b.size() && CRYPTO_memcmp(a.data(), b.data(), a.size()) == 0;
}

// Form fields; a repeated `ids` (the batch review's check boxes) is joined with commas.
std::map<std::string, std::string> parse_form(std::string_view s) {
  std::map<std::string, std::string> out;
  while (!s.empty()) {
    auto amp = s.find('&');
    auto part = s.substr(0, amp);
    auto eq = part.find('=');
    if (!part.empty()) {
      std::string key = url::decode_component(part.substr(0, eq));
      std::string value = eq == std::string_view::npos ? "" : url::decode_component(part.substr(eq + 1));
      auto [it, fresh] = out.emplace(key, value);
      if (!fresh) it->second = key == "ids" ? it->second + "," + value : value;
    }
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

std::string header(const HttpRequest& req, const char* name) {
  auto it = req.headers.find(name);
  return it == req.headers.end() ? "" : it->second;
}

// A browser's cross-site POST names its origin: it must be this console's (the Host it was asked by).
bool foreign_origin(const HttpRequest& req) {
  std::string origin = header(req, "origin");
  if (origin.empty() || origin == "null") return !origin.empty();
  std::string host = header(req, "host");
  auto scheme = origin.find("://");
  return host.empty() || scheme == std::string::npos || ascii_lower(origin.substr(scheme + 3)) != ascii_lower(host);
}

json finding_json(const StoredFinding& sf, const std::map<ReviewKey, Review>& reviews, const std::set<FindingKey>& before,
                  bool has_previous, std::int64_t run, const std::map<ReviewKey, Recheck>& rechecks) {
  const Finding& f = sf.finding;
  auto rc = rechecks.find(key_of(f));
  json recheck = rc == rechecks.end() ? json(nullptr) : json{{"result", label(rc->second.result)}, {"at", rc->second.at}, {"note", rc->second.note}};
  auto it = reviews.find(key_of(f));
  const Review* r = it == reviews.end() ? nullptr : &it->second;
  json detail = json::parse(f.detail_json, nullptr, false);
  if (detail.is_discarded()) detail = f.detail_json;
  return {{"id", sf.id}, {"run", sf.run}, {"site", f.site_id}, {"rule", f.rule}, {"subject", f.subject}, {"url", f.url},
          {"severity", name(f.severity)}, {"detail", detail}, {"history", has_previous && before.count(key_of(f)) ? "persisting" : "new"},
          {"review", review_json(r, review_state(r, run))}, {"recheck", recheck}};
}

}  // namespace

Console::Console(Campaign& store, const Config& config, ConsoleOptions options, ReportLoader reports)
    : store_(store), config_(config), options_(std::move(options)), reports_(std::move(reports)), csrf_(random_hex(32)) {}

ReportLoader sqlite_reports(Store& store, const Config& config) {
  return [&store, &config](std::int64_t run) -> std::unique_ptr<LoadedReport> {
    auto info = store.run(run);
    if (!info || info->kind != RunKind::Audit) return nullptr;
    auto r = std::make_unique<LoadedReport>();
    r->config = config;
    r->data = load_report_data(store, r->config, run);
    return r;
  };
}

Console::Console(Store& store, const Config& config, ConsoleOptions options)
    : Console(store, config, std::move(options), sqlite_reports(store, config)) {}

std::optional<Principal> Console::identify(const HttpRequest& req) {
  std::string auth = header(req, "authorization");
  if (auth.rfind("Bearer ", 0) == 0) {
    std::string token = auth.substr(7);
    if (!options_.token.empty() && same(token, options_.token)) return Principal{Account{0, "token", Role::Evaluator, {}, "", ""}, true, ""};
    if (auto a = store_.account_by_token_hash(token_hash(token))) return Principal{*a, true, ""};
    return std::nullopt;
  }
  if (auto s = sessions_.find(cookie(req, "govaudit_session")); s != sessions_.end()) {
    auto now = options_.now();
    if (now - s->second.used > options_.session_idle || now - s->second.started > options_.session_max) {
      sessions_.erase(s);  // expired: the next page is the login form
      return std::nullopt;
    }
    s->second.used = now;
    return s->second.who;
  }
  // Open mode: one user on loopback, as before accounts existed; POSTs carry the process's token.
  if (options_.token.empty() && store_.accounts().empty()) return Principal{Account{0, "", Role::Evaluator, {}, "", ""}, false, csrf_};
  return std::nullopt;
}

HttpResponse Console::handle(const HttpRequest& req) {
  try {
    if (!options_.hosts.empty() && !options_.hosts.count(ascii_lower(header(req, "host"))))
      return json_response({{"error", "unexpected Host header"}}, 421);
    std::string path = req.target.substr(0, req.target.find('?'));
    auto query = req.target.find('?') == std::string::npos ? Params{} : parse_form(std::string_view(req.target).substr(req.target.find('?') + 1));
    if (req.method != "GET" && req.method != "HEAD" && req.method != "POST") return json_response({{"error", "method not allowed"}}, 405);
    Params fields;
    if (req.method == "POST") {
      if (header(req, "content-type").find("application/json") != std::string::npos) {
        auto j = json::parse(req.body, nullptr, false);
        if (j.is_discarded() || !j.is_object()) return json_response({{"error", "the body is not a JSON object"}}, 400);
        for (auto& [k, v] : j.items()) {
          if (v.is_string()) fields[k] = v.get<std::string>();
          if (v.is_array())  // ids of a batch review
            for (auto& x : v) fields[k] += (fields[k].empty() ? "" : ",") + (x.is_string() ? x.get<std::string>() : x.dump());
        }
      } else {
        fields = parse_form(req.body);
      }
      if (foreign_origin(req)) return json_response({{"error", "cross-origin POST refused"}}, 403);
    }
    if (path == "/login") return login(req, fields);
    if (path == "/logout" && req.method == "POST") return logout(req);
    auto who = identify(req);
    if (!who) {
      if (path.rfind("/api/", 0) == 0) return json_response({{"error", "a token is required (Authorization: Bearer …)"}}, 401);
      return redirect("/login");
    }
    // A cookie session's POST carries its CSRF token: a page of another site can neither read it nor
    // set the header. A Bearer client holds no cookie a browser could send for it.
    if (req.method == "POST" && !who->bearer) {
      std::string token = req.headers.count("x-csrf-token") ? req.headers.at("x-csrf-token") : fields["csrf"];
      if (!same(token, who->csrf)) return json_response({{"error", "missing or wrong CSRF token"}}, 403);
    }
    return route(req, *who, path, req.method == "POST" ? fields : query);
  } catch (const std::exception& e) {  // the message may name a file or the database: it goes to the log only
    spdlog::error("console: {} {} from {} failed: {}", req.method, req.target.substr(0, 200), req.peer, e.what());
    return json_response({{"error", "internal error (the server's log says which)"}}, 500);
  }
}

std::string Console::session_cookie(const std::string& value, bool end) const {
  return "govaudit_session=" + value + "; HttpOnly; SameSite=Strict; Path=/" + (options_.secure_cookies ? "; Secure" : "") +
         (end ? "; Max-Age=0" : "");
}

bool Console::locked_out(const std::string& peer) {
  auto it = failures_.find(peer);
  return it != failures_.end() && options_.now() < it->second.locked_until;
}

// Counted per client address over the lockout's window; the table forgets addresses whose window
// has passed, so guessing from many addresses cannot grow it without end.
void Console::failed_login(const std::string& peer) {
  auto now = options_.now();
  if (failures_.size() > 4096)
    std::erase_if(failures_, [&](auto& e) { return now - e.second.first > options_.lockout && now > e.second.locked_until; });
  auto& f = failures_[peer];
  if (f.count == 0 || now - f.first > options_.lockout) f = Failures{0, now, {}};
  if (++f.count >= options_.login_failures) {
    f.locked_until = now + options_.lockout;
    spdlog::warn("console: {} failed to log in {} times: logins from it refused for {} s", peer, f.count, options_.lockout.count());
  } else {
    spdlog::warn("console: failed login from {} ({} of {})", peer, f.count, options_.login_failures);
  }
}

HttpResponse Console::login(const HttpRequest& req, const Params& fields) {
  if (req.method == "POST") {
    if (locked_out(req.peer)) {
      auto r = message_page(config_, 429, "console.login", "console.too_many_logins");
      r.headers.push_back({"Retry-After", std::to_string(options_.lockout.count())});
      return r;
    }
    std::string token = fields.count("token") ? fields.at("token") : "";
    std::optional<Principal> who;
    if (!options_.token.empty() && same(token, options_.token)) who = Principal{Account{0, "token", Role::Evaluator, {}, "", ""}, false, ""};
    else if (!token.empty())
      if (auto a = store_.account_by_token_hash(token_hash(token))) who = Principal{*a, false, ""};
    if (!who) {
      failed_login(req.peer);
      return message_page(config_, 403, "console.login", "console.wrong_token", nullptr, "/login");
    }
    failures_.erase(req.peer);
    sessions_.erase(cookie(req, "govaudit_session"));  // a session of before the login is never carried on
    who->csrf = random_hex(32);  // a token of this session's own, new at every login
    std::string s = random_hex(32);
    auto now = options_.now();
    sessions_[s] = Session{*who, now, now};
    spdlog::info("console: {} logged in from {}", who->account.name, req.peer);
    auto r = redirect("/");
    r.headers.push_back({"Set-Cookie", session_cookie(s)});
    return r;
  }
  std::string login = html_escape(config_.words("console.login"));
  return html(frame(config_, config_.words("console.login"),
                    "<h1>" + login + "</h1><form method=\"post\" action=\"/login\"><label>" + html_escape(config_.words("console.token")) +
                        " <input type=\"password\" name=\"token\" autofocus></label> <button>" + login + "</button></form>"));
}

HttpResponse Console::logout(const HttpRequest& req) {
  sessions_.erase(cookie(req, "govaudit_session"));
  auto r = redirect("/login");
  r.headers.push_back({"Set-Cookie", session_cookie("", true)});
  return r;
}

HttpResponse Console::route(const HttpRequest& req, const Principal& p, const std::string& path, const Params& params) {
  auto param = [&](const char* k) { auto it = params.find(k); return it == params.end() ? std::string() : it->second; };
  auto tail_id = [&](const std::string& prefix, const std::string& suffix = "") -> std::optional<std::int64_t> {
    if (path.rfind(prefix, 0) != 0 || path.size() < prefix.size() + suffix.size()) return std::nullopt;
    if (!suffix.empty() && path.compare(path.size() - suffix.size(), suffix.size(), suffix) != 0) return std::nullopt;
    return to_id(path.substr(prefix.size(), path.size() - prefix.size() - suffix.size()));
  };
  if (req.method == "GET" || req.method == "HEAD") {
    if (path == "/") return runs_page(p);
    if (path == "/api/runs") return api_runs(p);
    if (path == "/api/session")
      return json_response({{"csrf", p.bearer ? "" : p.csrf}, {"account", p.account.name}, {"role", name(p.account.role)}, {"sites", p.account.sites}});
    if (path == "/api/findings") {
      auto run = to_id(param("run"));
      if (!run) return json_response({{"error", "run=N is required"}}, 400);
      return api_findings(p, *run);
    }
    if (auto id = tail_id("/api/findings/")) return api_finding(p, *id);
    if (auto id = tail_id("/runs/", "/report")) return report_page(p, *id);
    if (auto id = tail_id("/runs/")) return run_page(p, *id, params);
    if (auto id = tail_id("/findings/")) return finding_page(p, *id);
    if (auto id = tail_id("/evidence/")) return evidence(p, *id);
  } else {
    if (auto id = tail_id("/api/findings/", "/review")) return review(p, *id, params, true);
    if (auto id = tail_id("/findings/", "/review")) return review(p, *id, params, false);
    if (path == "/api/reviews") return batch_review(p, params, true, 0);
    if (auto id = tail_id("/runs/", "/review")) return batch_review(p, params, false, *id);
    if (path.rfind("/runs/", 0) == 0 && path.size() > 6 && path.compare(path.size() - 6, 6, "/retry") == 0) {
      auto rest = path.substr(6, path.size() - 12);  // N/units/U
      auto slash = rest.find("/units/");
      auto run = to_id(rest.substr(0, slash));
      auto unit = slash == std::string::npos ? std::nullopt : to_id(rest.substr(slash + 7));
      if (run && unit && *unit < 1000000000) return retry_unit(p, *run, int(*unit));
    }
  }
  if (path.rfind("/api/", 0) == 0) return json_response({{"error", "not found"}}, 404);
  return not_found_page(config_);
}

std::optional<CampaignRun> Console::visible_run(const Principal& p, std::int64_t run) {
  auto r = store_.audit_run(run);
  if (!r || p.account.role != Role::County) return r;
  for (auto& s : r->sites)
    if (p.account.sees(s)) return r;
  return std::nullopt;  // another county's run: not found, not forbidden
}

std::optional<StoredFinding> Console::visible_finding(const Principal& p, std::int64_t id) {
  auto sf = store_.finding_by_id(id);
  if (!sf || !p.account.sees(sf->finding.site_id)) return std::nullopt;
  return sf;
}

std::unique_ptr<LoadedReport> Console::report_for(const Principal& p, std::int64_t run) {
  if (!visible_run(p, run)) return nullptr;
  auto r = reports_(run);
  if (r) restrict_report(r->data, p.account);
  return r;
}

HttpResponse Console::review(const Principal& p, std::int64_t id, const Params& fields, bool is_json) {
  Params one = fields;
  one["ids"] = std::to_string(id);
  return batch_review(p, one, is_json, -1);
}

// One decision for several findings (ids=1,2,3): all are recorded, or none when one of them may
// not be. `run` -1: a single finding's form (back to its page); 0: the API; N: the run page's batch.
HttpResponse Console::batch_review(const Principal& p, const Params& fields, bool is_json, std::int64_t run) {
  auto get = [&](const char* k) { auto it = fields.find(k); return it == fields.end() ? std::string() : it->second; };
  std::string back = run > 0 ? "/runs/" + std::to_string(run) : "/";
  auto fail = [&](int status, const std::string& why) {
    if (is_json) return json_response({{"error", why}}, status);
    return html(frame(config_, config_.words("console.review_not_saved"),
                      "<p class=\"err\">" + html_escape(why) + "</p><p><a href=\"" + back + "\">" + html_escape(config_.words("console.back")) + "</a></p>", &p),
                status);
  };
  std::vector<StoredFinding> targets;
  for (auto& s : split_csv(get("ids"))) {
    auto id = to_id(s);
    auto sf = id ? visible_finding(p, *id) : std::nullopt;
    if (!sf) return fail(404, "no finding " + s);
    if (run == -1) back = "/findings/" + s;
    targets.push_back(std::move(*sf));
  }
  if (targets.empty()) return fail(400, "no finding chosen (ids)");
  if (targets.size() > 1000) return fail(400, "at most 1,000 findings at once");
  auto status = review_status_from(get("status"));
  if (!status) return fail(400, "status must be confirmed, false_positive or fixed");
  if (p.account.role == Role::Viewer) return fail(403, "this account may only read");
  if (!p.account.may_review(*status)) return fail(403, "a county account may only claim a fix (status fixed, 已整改)");
  std::string note = trim(get("note")), reviewer = trim(get("reviewer"));
  if (note.size() > 4000 || reviewer.size() > 200) return fail(400, "note or reviewer too long");
  if (auto bad = input_problem(note, true)) return fail(400, "note: " + *bad);
  if (auto bad = input_problem(reviewer, false)) return fail(400, "reviewer: " + *bad);
  if (*status == ReviewStatus::FalsePositive && note.empty()) return fail(400, "a false positive needs its reason in note (误报须写明理由)");
  json out = json::array();
  for (auto& sf : targets) {
    Review r;
    r.site_id = sf.finding.site_id;
    r.rule = sf.finding.rule;
    r.subject = sf.finding.subject;
    r.run = sf.run;
    r.status = *status;
    r.note = note;
    r.reviewer = reviewer.empty() ? p.account.name : reviewer;
    r.account = p.account.name;
    store_.add_review(r);
    auto now = store_.reviews_for(sf.run).at(key_of(sf.finding));
    out.push_back({{"id", sf.id}, {"review", review_json(&now, review_state(&now, sf.run))}});
  }
  if (!is_json) return redirect(back);
  return json_response(run == 0 && get("ids").find(',') != std::string::npos ? out : out[0]);
}

HttpResponse Console::retry_unit(const Principal& p, std::int64_t run, int unit) {
  if (!visible_run(p, run)) return not_found_page(config_);
  if (p.account.role != Role::Evaluator) return message_page(config_, 403, "console.not_allowed", "console.only_evaluators_retry", &p);
  if (!store_.retry_unit(run, unit))
    return message_page(config_, 409, "console.not_retried", "console.unit_not_failed", &p, "/runs/" + std::to_string(run));
  return redirect("/runs/" + std::to_string(run));
}

HttpResponse Console::api_runs(const Principal& p) {
  json out = json::array();
  for (auto& r : store_.audit_runs()) {
    if (!visible_run(p, r.id)) continue;
    size_t n = 0;
    for (auto& f : store_.findings(r.id)) n += p.account.sees(f.site_id);
    out.push_back({{"id", r.id}, {"today", r.today}, {"started_at", r.started_at}, {"finished_at", r.finished_at},
                   {"status", r.done ? "done" : "running"}, {"crawl_run", r.crawl_run}, {"findings", n}});
  }
  return json_response(out);
}

HttpResponse Console::api_findings(const Principal& p, std::int64_t run) {
  if (!visible_run(p, run)) return json_response({{"error", "no audit run " + std::to_string(run)}}, 404);
  auto reviews = store_.reviews_for(run);
  std::set<FindingKey> before;
  auto prev = store_.previous_audit_run(run);
  if (prev)
    for (auto& f : store_.findings(*prev)) before.insert(key_of(f));
  json out = json::array();
  auto rechecks = store_.rechecks_for(run);
  for (auto& sf : store_.stored_findings(run))
    if (p.account.sees(sf.finding.site_id)) out.push_back(finding_json(sf, reviews, before, prev.has_value(), run, rechecks));
  return json_response(out);
}

HttpResponse Console::api_finding(const Principal& p, std::int64_t id) {
  auto sf = visible_finding(p, id);
  if (!sf) return json_response({{"error", "no finding " + std::to_string(id)}}, 404);
  std::set<FindingKey> before;
  auto prev = store_.previous_audit_run(sf->run);
  if (prev)
    for (auto& f : store_.findings(*prev)) before.insert(key_of(f));
  return json_response(finding_json(*sf, store_.reviews_for(sf->run), before, prev.has_value(), sf->run, store_.rechecks_for(sf->run)));
}

}  // namespace govaudit
