#pragma once
// The review console (govaudit serve): pages rendered on the server over either store (the SQLite
// file a run wrote, or the shared PostgreSQL store of several machines), and a JSON API with the
// same data. This part is pure request -> response (no sockets; cli/console_server.cpp carries it
// over HTTP), so that every route, the accounts and their scopes, CSRF and escaping are tested
// without a network.
#include <chrono>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "config/config.hpp"
#include "reports/report.hpp"
#include "storage/campaign.hpp"
#include "storage/store.hpp"

namespace govaudit {

struct HttpRequest {
  std::string method;  // GET, POST …
  std::string target;  // path and query, as sent
  std::map<std::string, std::string> headers;  // lower-case names
  std::string body;
  std::string peer = {};  // the client's address, for the log and the login lockout
};

struct HttpResponse {
  int status = 200;
  std::string content_type = "text/html; charset=utf-8";
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
};

struct ConsoleOptions {
  std::string token;                // a single evaluator's token (--token-file); accounts come from the store
  std::filesystem::path warc_root;  // what WARC locations are relative to (the run's output directory)
  std::set<std::string> hosts;      // Host header values accepted (DNS rebinding); empty: any
  bool secure_cookies = false;      // served over TLS: the session cookie is Secure
  std::chrono::seconds session_idle = std::chrono::minutes(30);  // a session unused this long ends
  std::chrono::seconds session_max = std::chrono::hours(12);     // and any session this long after its login
  int login_failures = 5;                                         // failed logins from one address before a lockout
  std::chrono::seconds lockout = std::chrono::minutes(15);       // how long it lasts (and the window counted)
  std::function<std::chrono::steady_clock::time_point()> now = std::chrono::steady_clock::now;  // tests move time
};

// What a run's report pages show, read by whoever knows the store (SQLite: from the crawl; the
// shared store: from the units' databases). nullptr when the run has nothing to report.
using ReportLoader = std::function<std::unique_ptr<LoadedReport>(std::int64_t run)>;
// The reports of a SQLite store's audit runs, judged with `config`'s texts.
ReportLoader sqlite_reports(Store& store, const Config& config);

// Who is asking: an account (a county's sees only its sites), how it proved it, and the CSRF token
// its cookie session must send with every POST (Bearer clients need none).
struct Principal {
  Account account;
  bool bearer = false;
  std::string csrf;
};

class Console {
 public:
  Console(Campaign& store, const Config& config, ConsoleOptions options, ReportLoader reports);
  // Over a SQLite store, whose reports it reads itself.
  Console(Store& store, const Config& config, ConsoleOptions options);
  HttpResponse handle(const HttpRequest& req);
  // The token of open mode (no accounts, no --token-file: one user on loopback).
  const std::string& csrf_token() const { return csrf_; }

 private:
  using Params = std::map<std::string, std::string>;
  std::optional<Principal> identify(const HttpRequest& req);
  HttpResponse login(const HttpRequest& req, const Params& fields);
  HttpResponse logout(const HttpRequest& req);
  HttpResponse route(const HttpRequest& req, const Principal& p, const std::string& path, const Params& params);
  HttpResponse runs_page(const Principal& p);
  HttpResponse run_page(const Principal& p, std::int64_t run, const Params& query);
  std::string units_table(const Principal& p, std::int64_t run);
  HttpResponse finding_page(const Principal& p, std::int64_t id);
  HttpResponse evidence(const Principal& p, std::int64_t id);
  HttpResponse report_page(const Principal& p, std::int64_t run);
  HttpResponse review(const Principal& p, std::int64_t id, const Params& fields, bool json);
  HttpResponse batch_review(const Principal& p, const Params& fields, bool json, std::int64_t run);
  HttpResponse retry_unit(const Principal& p, std::int64_t run, int unit);
  HttpResponse api_runs(const Principal& p);
  HttpResponse api_findings(const Principal& p, std::int64_t run);
  HttpResponse api_finding(const Principal& p, std::int64_t id);
  // The run when the account may see it (a county: one of its sites is in it).
  std::optional<CampaignRun> visible_run(const Principal& p, std::int64_t run);
  std::optional<StoredFinding> visible_finding(const Principal& p, std::int64_t id);
  // The report data of `run` as the account may see it.
  std::unique_ptr<LoadedReport> report_for(const Principal& p, std::int64_t run);

  Campaign& store_;
  const Config& config_;
  ConsoleOptions options_;
  ReportLoader reports_;
  std::string csrf_;
  struct Session {
    Principal who;
    std::chrono::steady_clock::time_point started, used;
  };
  struct Failures {
    int count = 0;
    std::chrono::steady_clock::time_point first, locked_until;
  };
  bool locked_out(const std::string& peer);
  void failed_login(const std::string& peer);
  std::string session_cookie(const std::string& value, bool end = false) const;
  std::map<std::string, Session> sessions_;  // session cookie -> who and its CSRF token
  std::map<std::string, Failures> failures_;  // failed logins per client address
};

// Random bytes as hex, from the system's cryptographic generator.
std::string random_hex(std::size_t bytes);

// Leaves in `d` only what an account sees: its sites, their findings, reviews and earlier findings.
void restrict_report(ReportData& d, const Account& a);

}  // namespace govaudit
