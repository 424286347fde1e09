#include "crawler/extract/scripts.hpp"
#include "model/strings.hpp"

#include <cctype>
#include <charconv>
#include <map>
#include <memory>
#include <mutex>
#include <vector>

#include <unicode/regex.h>
#include <unicode/unistr.h>

namespace govaudit::extract {
namespace {


// A count from a pager script; -1 when it is not one.
int parse_int(const std::string& s) {
  int v = -1;
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  return ec == std::errc() && end == s.data() + s.size() ? v : -1;
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

namespace govaudit::extract {
namespace {

void append_utf8(std::string& out, unsigned cp) {
  if (cp < 0x80) {
    out += char(cp);
  } else if (cp < 0x800) {
    out += char(0xC0 | (cp >> 6)), out += char(0x80 | (cp & 0x3F));
  } else if (cp < 0x10000) {
    out += char(0xE0 | (cp >> 12)), out += char(0x80 | ((cp >> 6) & 0x3F)), out += char(0x80 | (cp & 0x3F));
  } else {
    out += char(0xF0 | (cp >> 18)), out += char(0x80 | ((cp >> 12) & 0x3F)), out += char(0x80 | ((cp >> 6) & 0x3F)),
        out += char(0x80 | (cp & 0x3F));
  }
}

// The value of exactly `n` hex digits at the start of `s`, else -1.
int hex_value(std::string_view s, size_t n) {
  if (s.size() < n) return -1;
  s = s.substr(0, n);
  int v = 0;
  for (char c : s) {
    if (!std::isxdigit(static_cast<unsigned char>(c))) return -1;
    v = v * 16 + (std::isdigit(static_cast<unsigned char>(c)) ? c - '0' : (std::tolower(c) - 'a' + 10));
  }
  return v;
}

// unescape(): %XX is a byte (ASCII in practice), %uXXXX a code point.
std::string percent_decoded(std::string_view s) {
  std::string out;
  for (size_t i = 0; i < s.size(); ++i) {
    int v;
    if (s[i] == '%' && i + 1 < s.size() && s[i + 1] == 'u' && (v = hex_value(s.substr(i + 2), 4)) >= 0) {
      append_utf8(out, unsigned(v));
      i += 5;
    } else if (s[i] == '%' && (v = hex_value(s.substr(i + 1), 2)) >= 0) {
      out += char(v);
      i += 2;
    } else {
      out += s[i];
    }
  }
  return out;
}

// The string literals of a script, those joined by '+' as one, with whether unescape() or
// decodeURIComponent() wraps them. Comments are skipped; regular expression literals are not
// recognised (a quote inside one can merge two literals, which only adds text).
template <typename F>
void literals(std::string_view s, F&& take) {
  std::string cur;
  bool open = false, encoded = false;
  size_t i = 0;
  auto flush = [&] {
    if (open) take(encoded ? percent_decoded(cur) : cur);
    cur.clear();
    open = encoded = false;
  };
  while (i < s.size()) {
    char c = s[i];
    if (c == '/' && i + 1 < s.size() && s[i + 1] == '/') {
      size_t e = s.find('\n', i);
      i = e == std::string_view::npos ? s.size() : e;
      continue;
    }
    if (c == '/' && i + 1 < s.size() && s[i + 1] == '*') {
      size_t e = s.find("*/", i + 2);
      i = e == std::string_view::npos ? s.size() : e + 2;
      continue;
    }
    if (c != '\'' && c != '"' && c != '`') {
      if (!std::isspace(static_cast<unsigned char>(c)) && c != '+') flush();
      ++i;
      continue;
    }
    if (!open) {
      size_t b = i;
      while (b > 0 && std::isspace(static_cast<unsigned char>(s[b - 1]))) --b;
      std::string_view before = s.substr(b >= 20 ? b - 20 : 0, b >= 20 ? 20 : b);
      encoded = before.ends_with("unescape(") || before.ends_with("decodeURIComponent(");
      open = true;
    }
    for (++i; i < s.size() && s[i] != c; ++i) {
      if (s[i] == '\n' && c != '`') break;  // an unterminated literal ends at the line
      if (s[i] != '\\' || i + 1 >= s.size()) {
        cur += s[i];
        continue;
      }
      char e = s[++i];
      int v;
      if (e == 'n') cur += '\n';
      else if (e == 't') cur += '\t';
      else if (e == 'u' && (v = hex_value(s.substr(i + 1), 4)) >= 0) append_utf8(cur, unsigned(v)), i += 4;
      else if (e == 'x' && (v = hex_value(s.substr(i + 1), 2)) >= 0) cur += char(v), i += 2;
      else if (e == '\n') continue;
      else cur += e;
    }
    ++i;
    if (cur.size() > (1u << 20)) flush();
  }
  flush();
}

bool has_markup(std::string_view s) {
  for (size_t p = s.find('<'); p != std::string_view::npos && p + 1 < s.size(); p = s.find('<', p + 1))
    if (std::isalpha(static_cast<unsigned char>(s[p + 1])) || s[p + 1] == '/') return true;
  return false;
}

}  // namespace

ScriptStrings script_strings(std::string_view script, bool want_html) {
  ScriptStrings out;
  bool html = want_html && (script.find('<') != std::string_view::npos || script.find("%3C") != std::string_view::npos ||
                            script.find("%3c") != std::string_view::npos);
  bool urls = script.find("//") != std::string_view::npos;
  if (!html && !urls) return out;
  literals(script, [&](std::string s) {
    if (has_markup(s)) {
      if (html && out.html.size() < (1u << 20)) (out.html += s) += '\n';
      return;
    }
    if (!urls || out.urls.size() >= 32) return;
    std::string l = ascii_lower(s.substr(0, 8));
    if (l.starts_with("http://") || l.starts_with("https://")) out.urls.push_back(s.substr(0, s.find_first_of(" \t\n\"'<>")));
  });
  return out;
}

}  // namespace govaudit::extract
