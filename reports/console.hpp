#pragma once
// The review console (govaudit serve): pages rendered on the server over the same database the
// CLI writes, and a JSON API with the same data. This part is pure request -> response (no
// sockets; cli/console_server.cpp carries it over HTTP), so that every route, the token, CSRF and
// escaping are tested without a network.
#include <cstdint>
#include <filesystem>
#include <map>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "config/config.hpp"
#include "storage/store.hpp"

namespace govaudit {

struct HttpRequest {
  std::string method;  // GET, POST …
  std::string target;  // path and query, as sent
  std::map<std::string, std::string> headers;  // lower-case names
  std::string body;
};

struct HttpResponse {
  int status = 200;
  std::string content_type = "text/html; charset=utf-8";
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
};

struct ConsoleOptions {
  std::string token;              // when set, every request needs it (Bearer) or a session cookie
  std::filesystem::path warc_root;  // what WARC locations are relative to (the run's output directory)
  std::set<std::string> hosts;    // Host header values accepted (DNS rebinding); empty: any
};

class Console {
 public:
  Console(Store& store, const Config& config, ConsoleOptions options);
  HttpResponse handle(const HttpRequest& req);
  const std::string& csrf_token() const { return csrf_; }

 private:
  HttpResponse route(const HttpRequest& req, const std::string& path, const std::map<std::string, std::string>& query);
  HttpResponse runs_page();
  HttpResponse run_page(std::int64_t run, const std::map<std::string, std::string>& query);
  HttpResponse finding_page(std::int64_t id);
  HttpResponse evidence(std::int64_t id);
  HttpResponse report_page(std::int64_t run);
  HttpResponse review(std::int64_t id, const std::map<std::string, std::string>& fields, bool json);
  HttpResponse api_runs();
  HttpResponse api_findings(std::int64_t run);
  HttpResponse login(const HttpRequest& req, const std::map<std::string, std::string>& fields);
  bool authorized(const HttpRequest& req) const;

  Store& store_;
  const Config& config_;
  ConsoleOptions options_;
  std::string csrf_;
  std::set<std::string> sessions_;
};

// Random bytes as hex, from the system's cryptographic generator.
std::string random_hex(std::size_t bytes);

}  // namespace govaudit
