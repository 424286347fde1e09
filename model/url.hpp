#pragma once
// URL resolution and normalisation (RFC 3986, parsed and resolved by uriparser): every stage
// speaks URLs in the one form made here, so that a link, a page and a finding name the same URL.
#include <optional>
#include <string>
#include <string_view>

namespace govaudit::url {

struct Parts {
  std::string scheme, host, path, query;  // host lower case; path starts with '/'
  int port = 0;                           // the effective port (80/443 when default)
};

// Resolves `href` against the absolute `base` and normalises the result: lower-case scheme and
// host, default port dropped, fragment dropped, dot segments removed, spaces and non-ASCII
// percent-encoded (lower-case hex, as given percent-escapes are kept). Only http and https results
// are returned. Thread-safe (a per-thread memo).
std::optional<std::string> resolve(const std::string& base, std::string_view href);

// Normalises an absolute URL the same way; nullopt when it is not an http(s) URL.
std::optional<std::string> normalize(const std::string& absolute);

std::optional<Parts> parts(const std::string& absolute);

// Lower-case host of an absolute http(s) URL; empty when it is not one.
std::string host_of(const std::string& absolute);

// True when `host` contains the DNS label run `labels` ("conac.cn" matches "bszs.conac.cn" and
// "bszs.conac.cn.test", not "myconac.cn").
bool host_has_labels(std::string_view host, std::string_view labels);

// Lower-case extension of the path's last segment, without the dot ("pdf"), or "".
std::string extension(const std::string& absolute);
// The same of a URL's path ("/a/b.PDF" -> "pdf").
std::string path_extension(std::string_view path);

// `s` percent-encoded for a query's name or value (uriparser: all but unreserved characters).
std::string encode_component(std::string_view s);
// A form field's name or value decoded (application/x-www-form-urlencoded: %XX, and + as a space).
std::string decode_component(std::string_view s);

// "host:port" for libcurl's CURLOPT_RESOLVE and per-host queues.
std::string host_port(const Parts& p);

}  // namespace govaudit::url
