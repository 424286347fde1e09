#include "model/url.hpp"
#include "model/strings.hpp"

#include <uriparser/Uri.h>

#include <cctype>
#include <cstdlib>
#include <cstring>
#include <vector>

#include <algorithm>
#include <array>
#include <memory>
#include <unordered_map>

namespace govaudit::url {
namespace {


bool is_space(unsigned char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f'; }

bool is_hex(char c) { return std::isxdigit(static_cast<unsigned char>(c)) != 0; }

// Browsers strip leading/trailing whitespace, drop tabs and newlines inside URLs and read '\' as
// '/'; what RFC 3986 does not allow in a URL (spaces, bytes of UTF-8 characters, a stray '%') is
// percent-encoded, in lower-case hex, as such links are requested.
// Printable characters a URL may not hold as they are.
constexpr auto kEscaped = [] {
  std::array<bool, 256> t{};
  for (unsigned char c : std::string_view("\"<>^`{|}")) t[c] = true;
  return t;
}();

std::string clean(std::string_view href) {
  size_t b = 0, e = href.size();
  while (b < e && is_space(href[b])) ++b;
  while (e > b && is_space(href[e - 1])) --e;
  static const char* kHex = "0123456789abcdef";
  std::string s;
  s.reserve(e - b);
  for (size_t i = b; i < e; ++i) {
    unsigned char c = href[i];
    if (c == '\t' || c == '\n' || c == '\r') continue;
    if (c == '\\') c = '/';
    bool stray_percent = c == '%' && !(i + 2 < e && is_hex(href[i + 1]) && is_hex(href[i + 2]));
    if (c <= 0x20 || c >= 0x7f || kEscaped[c] || stray_percent) {
      s += '%';
      s += kHex[c >> 4];
      s += kHex[c & 15];
    } else {
      s += char(c);
    }
  }
  return s;
}

// A parsed uriparser URI, freed with its owner. uriparser points into the text it parsed, so the
// URI keeps its own copy.
struct Uri {
  std::string source;
  UriUriA u{};
  bool ok = false;
  explicit Uri(std::string text) : source(std::move(text)) {
    const char* err = nullptr;
    ok = uriParseSingleUriA(&u, source.c_str(), &err) == URI_SUCCESS;
  }
  Uri() = default;
  ~Uri() {
    if (ok) uriFreeUriMembersA(&u);
  }
  Uri(const Uri&) = delete;
  Uri& operator=(const Uri&) = delete;
};

std::string text(const UriTextRangeA& r) {
  return r.first && r.afterLast ? std::string(r.first, size_t(r.afterLast - r.first)) : std::string();
}

// The path with its dot segments removed (RFC 3986 5.2.4), as "/a/b"; empty segments are kept.
std::string clean_path(const UriUriA& u) {
  std::vector<std::string> out;
  bool trailing = false;  // a last "." or ".." leaves a directory
  for (const UriPathSegmentA* seg = u.pathHead; seg; seg = seg->next) {
    std::string part = text(seg->text);
    trailing = false;
    if (part == "." || part == "..") {
      if (part == ".." && !out.empty()) out.pop_back();
      trailing = !seg->next;
      continue;
    }
    out.push_back(std::move(part));
  }
  std::string path;
  for (size_t i = 0; i < out.size(); ++i) path += (i ? "/" : "") + out[i];
  path = "/" + path;
  if (trailing && !path.ends_with("/")) path += "/";
  return path;
}

struct Pieces {
  std::string scheme, userinfo, host, port, path, query;
  bool ip6 = false, has_query = false;
};

std::optional<Pieces> pieces(const UriUriA& u) {
  Pieces p;
  p.scheme = ascii_lower(text(u.scheme));
  if (p.scheme != "http" && p.scheme != "https") return std::nullopt;
  p.host = ascii_lower(text(u.hostText));
  if (p.host.empty()) return std::nullopt;
  p.ip6 = u.hostData.ip6 != nullptr || u.hostData.ipFuture.first != nullptr;
  p.userinfo = text(u.userInfo);
  p.port = text(u.portText);
  p.path = clean_path(u);
  p.has_query = u.query.first != nullptr;
  p.query = text(u.query);
  return p;
}

int default_port(const std::string& scheme) { return scheme == "https" ? 443 : 80; }

std::string compose(const Pieces& p) {
  std::string out = p.scheme + "://";
  if (!p.userinfo.empty()) out += p.userinfo + "@";
  out += p.ip6 ? "[" + p.host + "]" : p.host;
  if (!p.port.empty() && p.port != std::to_string(default_port(p.scheme))) out += ":" + p.port;
  out += p.path;
  if (p.has_query) out += "?" + p.query;
  return out;
}

// Resolves `ref` (already cleaned) against `base`; an absolute `ref` is resolved against itself,
// which removes its dot segments.
std::optional<std::string> join(const std::string& base, const std::string& ref) {
  Uri b(base), r(ref);
  if (!b.ok || !r.ok) return std::nullopt;
  Uri out;
  if (uriAddBaseUriExA(&out.u, &r.u, &b.u, URI_RESOLVE_STRICTLY) != URI_SUCCESS) return std::nullopt;
  out.ok = true;
  auto p = pieces(out.u);
  if (!p) return std::nullopt;
  return compose(*p);
}

}  // namespace

std::optional<std::string> resolve(const std::string& base, std::string_view href) {
  std::string h = clean(href);
  if (h.empty()) return normalize(base);
  // Schemes that are not fetchable.
  std::string head = ascii_lower(h.substr(0, 11));
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
  std::optional<std::string> out = join(clean(base), h);
  if (!key.empty()) {
    if (memo.size() >= 8192) memo.clear();  // a directory's shared links fit many times over
    memo.emplace(std::move(key), out);
  }
  return out;
}

std::optional<std::string> normalize(const std::string& absolute) {
  std::string a = clean(absolute);
  return join(a, a);
}

std::optional<Parts> parts(const std::string& absolute) {
  Uri u(clean(absolute));
  if (!u.ok) return std::nullopt;
  auto p = pieces(u.u);
  if (!p) return std::nullopt;
  Parts out;
  out.scheme = p->scheme;
  out.host = p->host;
  out.path = p->path;
  out.query = p->query;
  out.port = p->port.empty() ? default_port(p->scheme) : std::atoi(p->port.c_str());
  return out;
}

std::string host_of(const std::string& absolute) {
  auto p = parts(absolute);
  return p ? p->host : std::string();
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
  return p ? path_extension(p->path) : std::string();
}

std::string path_extension(std::string_view path) {
  auto slash = path.rfind('/');
  std::string_view last = path.substr(slash == std::string_view::npos ? 0 : slash + 1);
  auto dot = last.rfind('.');
  if (dot == std::string_view::npos || dot + 1 == last.size()) return {};
  return ascii_lower(last.substr(dot + 1));
}

std::string host_port(const Parts& p) {
  bool v6 = p.host.find(':') != std::string::npos;
  return (v6 ? "[" + p.host + "]" : p.host) + ":" + std::to_string(p.port);
}

std::string encode_component(std::string_view s) {
  std::string out(s.size() * 6 + 1, '\0');
  const char* end = uriEscapeExA(s.data(), s.data() + s.size(), out.data(), URI_FALSE, URI_FALSE);
  out.resize(size_t(end - out.data()));
  return out;
}

std::string decode_component(std::string_view s) {
  std::string out(s);
  out.push_back('\0');  // uriparser unescapes a NUL-terminated string in place
  const char* end = uriUnescapeInPlaceExA(out.data(), URI_TRUE, URI_BR_DONT_TOUCH);
  out.resize(size_t(end - out.data()));
  return out;
}

}  // namespace govaudit::url
