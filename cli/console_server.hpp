#pragma once
// `govaudit serve`: the review console (reports/console.hpp) over HTTP/1.1, or HTTPS given a
// certificate, with Boost.Beast. Beast is included in the .cpp only; one thread, so the console's
// database connection is never shared.
#include <chrono>
#include <filesystem>
#include <string>

#include "config/config.hpp"
#include "reports/console.hpp"

namespace govaudit {

struct ServeOptions {
  std::string db;                    // what is served, for the log (a shared store's URI redacted)
  std::string listen = "127.0.0.1:8080";
  std::filesystem::path token_file;  // one evaluator's token; other addresses than loopback need it or accounts
  std::filesystem::path warc_root;   // what WARC locations are relative to
  int requests_per_second = 50;      // per client address, with a burst of twice that
  std::filesystem::path tls_cert, tls_key;  // PEM; both given: HTTPS, and the session cookie is Secure
  std::chrono::seconds session_idle = std::chrono::minutes(30), session_max = std::chrono::hours(12);
};

// Serves `store` until SIGINT/SIGTERM. Throws std::invalid_argument for a bad address, a non-loopback
// address with neither a token file nor accounts, or an unreadable/short token file.
void serve_console(const ServeOptions& options, Campaign& store, const Config& config, ReportLoader reports);

}  // namespace govaudit
