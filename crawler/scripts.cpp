#include "crawler/scripts.hpp"
#include "model/strings.hpp"

#include <cctype>
#include <map>
#include <memory>
#include <mutex>
#include <vector>

#include <unicode/regex.h>
#include <unicode/unistr.h>

namespace govaudit::extract {
namespace {


int parse_int(const std::string& s) {
  try {
    return std::stoi(s);
  } catch (...) {
    return -1;
  }
}

// ICU regular expressions compiled once; a matcher per call keeps them thread-safe.
const icu::RegexPattern& compiled(const char* pattern) {
  static std::mutex mu;
  static std::map<const char*, std::unique_ptr<icu::RegexPattern>> cache;
  std::lock_guard lk(mu);
  auto& p = cache[pattern];
  if (!p) {
    UParseError pe;
    UErrorCode err = U_ZERO_ERROR;
    p.reset(icu::RegexPattern::compile(icu::UnicodeString::fromUTF8(pattern), 0, pe, err));
    if (U_FAILURE(err)) throw std::logic_error(std::string("bad built-in pattern: ") + pattern);
  }
  return *p;
}

// Groups of the first match of `pattern` in `s` (group 0 = whole match); empty when none.
std::vector<std::string> search(const char* pattern, const std::string& s) {
  UErrorCode err = U_ZERO_ERROR;
  icu::UnicodeString u = icu::UnicodeString::fromUTF8(s);
  std::unique_ptr<icu::RegexMatcher> m(compiled(pattern).matcher(u, err));
  if (U_FAILURE(err) || !m->find(err) || U_FAILURE(err)) return {};
  std::vector<std::string> out;
  for (int32_t g = 0; g <= m->groupCount(); ++g) {
    std::string v;
    if (m->start(g, err) >= 0) m->group(g, err).toUTF8String(v);
    out.push_back(v);
  }
  return out;
}

// The TRS inline pager: `var countPage=56; var currentPage=0;` writing index.html, index_1.html …
std::optional<Pager> find_inline_pager(const std::string& script) {
  if (script.find("countPage") == std::string::npos || script.find("index") == std::string::npos) return std::nullopt;
  auto count = search(R"re(countPage\s*=\s*(\d+))re", script);
  auto current = search(R"re(currentPage\s*=\s*(\d+))re", script);
  if (count.empty()) return std::nullopt;
  Pager p{parse_int(count[1]), current.empty() ? 0 : parse_int(current[1]), "index",
          script.find("shtml") != std::string::npos ? "shtml" : "html"};
  if (p.total < 1 || p.current < 0) return std::nullopt;
  return p;
}

// createPageHTML(total, current, "prefix", "ext"), where total/current may name `var x = N`.
}  // namespace

std::optional<Pager> find_pager(const std::string& script) {
  if (script.find("createPageHTML") == std::string::npos) return find_inline_pager(script);
  auto m = search(R"re(createPageHTML\s*\(\s*([A-Za-z_$][\w$]*|\d+)\s*,\s*([A-Za-z_$][\w$]*|\d+)\s*,\s*["']([^"']*)["']\s*,\s*["']([^"']*)["'])re", script);
  if (m.empty()) return std::nullopt;
  auto value = [&](const std::string& tok) -> int {
    if (std::isdigit(static_cast<unsigned char>(tok[0]))) return parse_int(tok);
    // var countPage = 56   (the token is an identifier: no regex metacharacters)
    for (size_t p = script.find(tok); p != std::string::npos; p = script.find(tok, p + 1)) {
      bool word_start = p == 0 || !(std::isalnum(static_cast<unsigned char>(script[p - 1])) || script[p - 1] == '_');
      size_t e = p + tok.size();
      while (e < script.size() && script[e] == ' ') ++e;
      if (!word_start || e >= script.size() || script[e] != '=' || (e + 1 < script.size() && script[e + 1] == '=')) continue;
      ++e;
      while (e < script.size() && script[e] == ' ') ++e;
      size_t d = e;
      while (d < script.size() && std::isdigit(static_cast<unsigned char>(script[d]))) ++d;
      if (d > e) return parse_int(script.substr(e, d - e));
    }
    return -1;
  };
  Pager p{value(m[1]), value(m[2]), m[3], m[4]};
  if (p.total < 1 || p.current < 0 || p.prefix.empty() || p.ext.empty()) return std::nullopt;
  return p;
}

std::string find_script_redirect(const std::string& script) {
  if (script.find("location") == std::string::npos) return {};
  auto m = search(
      R"re((?:window\.|top\.|self\.|document\.)?location(?:\.href)?\s*=\s*["']([^"']+)["']|location\.(?:replace|assign)\s*\(\s*["']([^"']+)["'])re",
      script);
  if (m.empty()) return {};
  return !m[1].empty() ? m[1] : m[2];
}

std::string refresh_target(const std::string& content) {
  std::string l = ascii_lower(content);
  size_t p = l.find("url=");
  if (p == std::string::npos) return {};
  std::string u = content.substr(p + 4);
  while (!u.empty() && (u.front() == '\'' || u.front() == '"' || u.front() == ' ')) u.erase(0, 1);
  while (!u.empty() && (u.back() == '\'' || u.back() == '"' || u.back() == ' ')) u.pop_back();
  return u;
}

std::string cdata_html(const std::string& script) {
  std::string out;
  for (size_t p = script.find("<![CDATA["); p != std::string::npos; p = script.find("<![CDATA[", p)) {
    size_t e = script.find("]]>", p + 9);
    if (e == std::string::npos) break;
    out.append(script, p + 9, e - p - 9);
    out += '\n';
    p = e + 3;
  }
  return out;
}


}  // namespace govaudit::extract
