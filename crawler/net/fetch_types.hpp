#pragma once
// A transfer asked for and its answer, as the engine and any Transport (transport.hpp) speak them.
#include <cstdint>
#include <string>
#include <vector>

#include "model/kinds.hpp"

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

}  // namespace govaudit
