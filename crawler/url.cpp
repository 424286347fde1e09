#include "crawler/url.hpp"

#include <curl/curl.h>

#include <algorithm>
#include <memory>
#include <unordered_map>

namespace govaudit::url {
namespace {

using Handle = std::unique_ptr<CURLU, void (*)(CURLU*)>;
Handle make() { return Handle(curl_url(), curl_url_cleanup); }

std::string get(CURLU* h, CURLUPart part, unsigned flags = 0) {
  char* s = nullptr;
  if (curl_url_get(h, part, &s, flags) != CURLUE_OK) return {};
  std::string out(s);
  curl_free(s);
  return out;
}

std::string lower(std::string s) {
  for (auto& c : s) c = char(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

bool is_space(unsigned char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f'; }

std::optional<std::string> finish(CURLU* h) {
  std::string scheme = lower(get(h, CURLUPART_SCHEME));
  if (scheme != "http" && scheme != "https") return std::nullopt;
  std::string host = get(h, CURLUPART_HOST);
  if (host.empty()) return std::nullopt;
  curl_url_set(h, CURLUPART_HOST, lower(host).c_str(), 0);
  curl_url_set(h, CURLUPART_FRAGMENT, nullptr, 0);
  std::string port = get(h, CURLUPART_PORT);
  if ((scheme == "http" && port == "80") || (scheme == "https" && port == "443")) curl_url_set(h, CURLUPART_PORT, nullptr, 0);
  std::string out = get(h, CURLUPART_URL, CURLU_NO_DEFAULT_PORT);
  if (out.empty()) return std::nullopt;
  return out;
}

std::string clean(std::string_view href) {
  // Browsers strip leading/trailing whitespace and drop tabs and newlines inside URLs.
  size_t b = 0, e = href.size();
  while (b < e && is_space(href[b])) ++b;
  while (e > b && is_space(href[e - 1])) --e;
  std::string s;
  s.reserve(e - b);
  for (size_t i = b; i < e; ++i)
    if (href[i] != '\t' && href[i] != '\n' && href[i] != '\r') s += href[i];
  for (auto& c : s)
    if (c == '\\') c = '/';
  return s;
}

constexpr unsigned kSetFlags = CURLU_NON_SUPPORT_SCHEME | CURLU_URLENCODE | CURLU_ALLOW_SPACE;

}  // namespace

std::optional<std::string> resolve(const std::string& base, std::string_view href) {
  std::string h = clean(href);
  if (h.empty()) return normalize(base);
  // Schemes that are not fetchable, checked before curl tries to parse them.
  std::string head = lower(h.substr(0, 11));
  if (head.rfind("javascript:", 0) == 0 || head.rfind("mailto:", 0) == 0 || head.rfind("tel:", 0) == 0 ||
      head.rfind("data:", 0) == 0 || head.rfind("about:", 0) == 0 || head.rfind("vbscript:", 0) == 0)
    return std::nullopt;
  if (h[0] == '#') return normalize(base);
  // The pages of one directory share most links (navigation, footer), and a reference that is not
  // a query depends only on the base up to the last '/' of its path: answers are memoised per
  // thread under that key.
  std::string key;
  if (h[0] != '?') {
    size_t end = std::min(base.find_first_of("?#"), base.size());
    size_t authority = base.find("://");
    size_t path = authority == std::string::npos ? std::string::npos : base.find('/', authority + 3);
    if (path != std::string::npos && path < end) {
      key.assign(base, 0, base.rfind('/', end - 1) + 1);
      key += '\0';
      key += h;
    }
  }
  thread_local std::unordered_map<std::string, std::optional<std::string>> memo;
  if (!key.empty())
    if (auto it = memo.find(key); it != memo.end()) return it->second;
  auto u = make();
  std::optional<std::string> out;
  if (curl_url_set(u.get(), CURLUPART_URL, base.c_str(), kSetFlags) == CURLUE_OK &&
      curl_url_set(u.get(), CURLUPART_URL, h.c_str(), kSetFlags) == CURLUE_OK)
    out = finish(u.get());
  if (!key.empty()) {
    if (memo.size() >= 8192) memo.clear();  // a directory's shared links fit many times over
    memo.emplace(std::move(key), out);
  }
  return out;
}

std::optional<std::string> normalize(const std::string& absolute) {
  auto u = make();
  if (curl_url_set(u.get(), CURLUPART_URL, clean(absolute).c_str(), kSetFlags) != CURLUE_OK) return std::nullopt;
  return finish(u.get());
}

std::optional<Parts> parts(const std::string& absolute) {
  auto u = make();
  if (curl_url_set(u.get(), CURLUPART_URL, absolute.c_str(), kSetFlags) != CURLUE_OK) return std::nullopt;
  Parts p;
  p.scheme = lower(get(u.get(), CURLUPART_SCHEME));
  p.host = lower(get(u.get(), CURLUPART_HOST));
  p.path = get(u.get(), CURLUPART_PATH);
  p.query = get(u.get(), CURLUPART_QUERY);
  std::string port = get(u.get(), CURLUPART_PORT, CURLU_DEFAULT_PORT);
  p.port = port.empty() ? 0 : std::stoi(port);
  if (p.path.empty()) p.path = "/";
  if (p.host.empty()) return std::nullopt;
  return p;
}

bool host_has_labels(std::string_view host, std::string_view labels) {
  if (labels.empty() || host.size() < labels.size()) return false;
  for (size_t pos = host.find(labels); pos != std::string_view::npos; pos = host.find(labels, pos + 1)) {
    bool start_ok = pos == 0 || host[pos - 1] == '.';
    size_t end = pos + labels.size();
    bool end_ok = end == host.size() || host[end] == '.';
    if (start_ok && end_ok) return true;
  }
  return false;
}

std::string extension(const std::string& absolute) {
  auto p = parts(absolute);
  if (!p) return {};
  auto slash = p->path.rfind('/');
  std::string last = p->path.substr(slash == std::string::npos ? 0 : slash + 1);
  auto dot = last.rfind('.');
  if (dot == std::string::npos || dot + 1 == last.size()) return {};
  return lower(last.substr(dot + 1));
}

std::string host_port(const Parts& p) {
  bool v6 = p.host.find(':') != std::string::npos;
  return (v6 ? "[" + p.host + "]" : p.host) + ":" + std::to_string(p.port);
}

}  // namespace govaudit::url
