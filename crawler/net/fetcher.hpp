#pragma once
// HTTP transfers on libcurl's multi *socket* interface, driven by the crawler's io_context.
// One request at a time per easy handle, no automatic redirects (the crawler follows and records
// each hop), names resolved beforehand by the crawler and handed over with CURLOPT_RESOLVE, and
// every connect checked by the NetGuard on the address actually used.
// Not thread-safe: construct, call and destroy on the io_context thread; callbacks run there.
#include <curl/curl.h>

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "config/config.hpp"
#include "model/kinds.hpp"
#include "crawler/net/netguard.hpp"

namespace boost::asio {
class io_context;
}

namespace govaudit {

struct FetchRequest {
  std::string url;
  bool head = false;                  // HEAD instead of GET
  int ip_family = 0;                  // 0 any, 4 or 6
  std::vector<std::string> resolve;   // CURLOPT_RESOLVE entries "host:port:addr[,addr]"
  std::int64_t max_body = 0;          // bytes after decompression; 0 = settings.max_body_bytes
  std::vector<std::string> headers;   // extra request headers
  bool verify_tls = true;             // false: accept any certificate (to read an invalid one)
  bool cert_info = false;             // collect the server certificate's expiry date
  std::string cookies;                // Cookie header value
  bool keep_heads = false;            // keep the raw request and response headers (WARC evidence)
};

struct FetchResult {
  int status = 0;                     // HTTP status; 0 when none
  std::string content_type;
  std::string location;               // absolute redirect target, if any
  long retry_after_s = 0;             // from Retry-After, seconds
  std::string body;                   // decompressed, at most max_body bytes
  std::int64_t bytes = 0;             // body bytes received
  ErrorKind error_kind = ErrorKind::None;
  std::string error;                  // human-readable
  bool connection_refused = false;    // Connect: the address answered that nothing listens (ECONNREFUSED)
  bool cut = false;                   // the body stopped at the request's max_body (the rest not read)
  std::string primary_ip;             // address connected to
  int elapsed_ms = 0;
  std::string cert_expire;            // "Expire date" of the leaf certificate, as curl reports it
  std::string cert_subject;
  std::string etag, last_modified;    // the answer's validators, for asking again (If-None-Match …)
  int refused_headers = 0;            // header lines with a control character inside: not kept (logged)
  std::string request_head;           // with keep_heads: as sent, and as received
  std::string response_head;
};

// How many connections the crawl may hold at once. The open-file limit is raised to its hard limit
// first (a default soft limit of 1,024 would cap a province run), and files the process needs
// besides sockets (WARC, SQLite, DNS, attachment readers, logs) are kept in reserve.
struct ConnectionBudget {
  int limit = 0;          // what the crawl uses
  long open_files = 0;    // RLIMIT_NOFILE after raising it
  bool automatic = false; // crawl.global_connections = 0
  bool cut = false;       // the configured number did not fit the open-file limit
};
ConnectionBudget connection_budget(int configured);
inline constexpr int kAutoConnectionsMax = 4096;

// The error a curl_multi_* return code means, naming the call; none for CURLM_OK.
std::optional<std::string> multi_error(CURLMcode rc, const char* call);

class Fetcher {
 public:
  Fetcher(boost::asio::io_context& io, const CrawlSettings& settings, const NetGuard& guard);
  ~Fetcher();
  Fetcher(const Fetcher&) = delete;
  Fetcher& operator=(const Fetcher&) = delete;

  // Starts a transfer; `done` runs on the io_context thread once it has finished or failed.
  void fetch(FetchRequest req, std::function<void(FetchResult)> done);

  // No transfer is left and none will come: drops libcurl's timer, which is moved only earlier
  // and would otherwise keep the io_context running until its last deadline (~0.1 s at a crawl's end).
  void quiesce();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace govaudit
