#include "crawler/extract/charset.hpp"
#include "model/strings.hpp"

#include <unicode/ucnv.h>
#include <unicode/ucsdet.h>

#include <algorithm>
#include <map>
#include <memory>

namespace govaudit::charset {
namespace {


// GB2312/GBK/x-gbk/cp936 -> GB18030; others as given.
std::string canonical(std::string name) {
  std::string l = ascii_lower(name);
  l.erase(std::remove_if(l.begin(), l.end(), [](char c) { return c == '"' || c == '\'' || c == ' '; }), l.end());
  if (l == "gb2312" || l == "gbk" || l == "x-gbk" || l == "cp936" || l == "gb18030" || l == "euc-cn" || l == "hz-gb-2312")
    return "GB18030";
  if (l == "utf8" || l == "utf-8") return "UTF-8";
  if (l == "big5" || l == "big5-hkscs") return "Big5";
  if (l == "iso-8859-1" || l == "latin1" || l == "us-ascii" || l == "ascii") return "windows-1252";
  return name;
}

bool has_multibyte(std::string_view s) {
  return std::any_of(s.begin(), s.end(), [](char c) { return static_cast<unsigned char>(c) >= 0x80; });
}

// Finds charset= in <meta> tags of the document head (ASCII-compatible scan of raw bytes).
std::string from_meta(std::string_view body) {
  std::string head = ascii_lower(body.substr(0, std::min<size_t>(body.size(), 4096)));
  for (size_t p = head.find("<meta"); p != std::string::npos; p = head.find("<meta", p + 5)) {
    size_t end = head.find('>', p);
    if (end == std::string::npos) break;
    std::string tag = head.substr(p, end - p);
    size_t c = tag.find("charset");
    if (c == std::string::npos) continue;
    c += 7;
    while (c < tag.size() && (tag[c] == ' ' || tag[c] == '=' || tag[c] == '"' || tag[c] == '\'')) ++c;
    size_t e = c;
    while (e < tag.size() && (std::isalnum(static_cast<unsigned char>(tag[e])) || tag[e] == '-' || tag[e] == '_')) ++e;
    if (e > c) return tag.substr(c, e - c);
  }
  return {};
}

std::string detect(std::string_view body) {
  UErrorCode err = U_ZERO_ERROR;
  std::unique_ptr<UCharsetDetector, void (*)(UCharsetDetector*)> det(ucsdet_open(&err), ucsdet_close);
  if (U_FAILURE(err)) return {};
  ucsdet_enableInputFilter(det.get(), true);  // ignore markup
  ucsdet_setText(det.get(), body.data(), int32_t(std::min<size_t>(body.size(), 1 << 20)), &err);
  const UCharsetMatch* m = ucsdet_detect(det.get(), &err);
  if (U_FAILURE(err) || !m) return {};
  const char* name = ucsdet_getName(m, &err);
  return U_SUCCESS(err) && name ? name : "";
}

bool convert(std::string_view body, const std::string& from, Decoded& out) {
  if (from == "UTF-8" && valid_utf8(body)) {  // most pages: nothing to convert, nothing to replace
    out.text.assign(body);
    out.replacements = 0;
    out.charset = from;
    return true;
  }
  // Converters and the output buffer are kept per thread: opening GB18030's converter and
  // zero-filling three bytes per byte in, then shrinking, cost as much as converting a page.
  // (ucnv_convertEx resets both converters before it starts.)
  using Converter = std::unique_ptr<UConverter, void (*)(UConverter*)>;
  auto open = [](const char* name) {
    UErrorCode e = U_ZERO_ERROR;
    Converter c(ucnv_open(name, &e), ucnv_close);
    if (U_FAILURE(e)) c.reset();
    return c;
  };
  thread_local std::map<std::string, Converter, std::less<>> sources;
  thread_local Converter target_utf8 = open("UTF-8");  // never a source's object (UTF-8 to UTF-8)
  auto it = sources.find(from);
  if (it == sources.end()) {
    Converter c = open(from.c_str());
    if (!c) return false;
    it = sources.emplace(from, std::move(c)).first;
  }
  UConverter* src = it->second.get();
  UConverter* dst = target_utf8.get();
  if (!dst) return false;
  thread_local std::string buffer;
  if (buffer.size() < body.size() * 3 + 16) buffer.resize(body.size() * 3 + 16);
  // Substitute U+FFFD for invalid input (ICU's default substitution for Unicode targets).
  UErrorCode err = U_ZERO_ERROR;
  char* target = buffer.data();
  const char* source = body.data();
  ucnv_convertEx(dst, src, &target, buffer.data() + buffer.size(), &source, body.data() + body.size(), nullptr, nullptr,
                 nullptr, nullptr, true, true, &err);
  if (U_SUCCESS(err)) out.text.assign(buffer.data(), size_t(target - buffer.data()));
  if (buffer.size() > (1 << 20)) std::string().swap(buffer);  // a huge page's buffer is not kept
  if (U_FAILURE(err)) return false;
  out.replacements = 0;
  for (size_t p = out.text.find("\xEF\xBF\xBD"); p != std::string::npos; p = out.text.find("\xEF\xBF\xBD", p + 3))
    ++out.replacements;
  out.charset = from;
  return true;
}

// Length of the well-formed UTF-8 sequence at s[i], or 0.
int utf8_sequence(std::string_view s, size_t i) {
  unsigned char c = s[i];
  int len = c < 0x80 ? 1 : (c >> 5) == 6 ? 2 : (c >> 4) == 14 ? 3 : (c >> 3) == 30 ? 4 : 0;
  if (!len || (len == 2 && c < 0xC2) || i + len > s.size()) return 0;
  for (int k = 1; k < len; ++k)
    if ((static_cast<unsigned char>(s[i + k]) & 0xC0) != 0x80) return 0;
  if (len == 3) {
    unsigned char c1 = s[i + 1];
    if ((c == 0xE0 && c1 < 0xA0) || (c == 0xED && c1 >= 0xA0)) return 0;
  } else if (len == 4) {
    unsigned char c1 = s[i + 1];
    if (c > 0xF4 || (c == 0xF0 && c1 < 0x90) || (c == 0xF4 && c1 >= 0x90)) return 0;
  }
  return len;
}

// UTF-8 with a few broken bytes (an excerpt cut mid-character, a stray byte) is still UTF-8: at
// most 3 bad bytes, or 1 per 50 characters of well-formed non-ASCII text.
bool mostly_utf8(std::string_view s) {
  size_t bad = 0, good = 0;
  for (size_t i = 0; i < s.size();) {
    int len = utf8_sequence(s, i);
    if (len == 0) ++bad, ++i;
    else good += len > 1, i += size_t(len);
  }
  return bad <= std::max<size_t>(3, good / 50);
}

// ICU often reports GB18030 text as Big5 or a Latin charset on short samples; a Chinese
// government page that is not UTF-8 is overwhelmingly GBK.
std::string detect_cjk(std::string_view body) {
  std::string c = canonical(detect(body));
  if (c != "GB18030" && c != "Big5" && c != "EUC-JP" && c != "Shift_JIS" && c != "EUC-KR") c = "GB18030";
  return c;
}

}  // namespace

bool valid_utf8(std::string_view s) {
  for (size_t i = 0; i < s.size();) {
    int len = utf8_sequence(s, i);
    if (len == 0) return false;
    i += size_t(len);
  }
  return true;
}

std::string from_content_type(std::string_view ct) {
  std::string l = ascii_lower(ct);
  size_t p = l.find("charset=");
  if (p == std::string::npos) return {};
  std::string v(ct.substr(p + 8));
  size_t e = v.find_first_of(";, ");
  if (e != std::string::npos) v.resize(e);
  v.erase(std::remove_if(v.begin(), v.end(), [](char c) { return c == '"' || c == '\''; }), v.end());
  return v;
}

Decoded decode(std::string_view body, std::string_view content_type) {
  Decoded out;
  auto done = [&](const std::string& cs, const char* src) {
    out.source = src;
    return convert(body, canonical(cs), out);
  };
  if (body.size() >= 3 && body.substr(0, 3) == "\xEF\xBB\xBF") {
    if (done("UTF-8", "bom")) { out.text.erase(0, out.text.rfind("\xEF\xBB\xBF", 0) == 0 ? 3 : 0); return out; }
  }
  if (body.size() >= 2 && (body.substr(0, 2) == "\xFF\xFE" || body.substr(0, 2) == "\xFE\xFF"))
    if (done(body[0] == '\xFF' ? "UTF-16LE" : "UTF-16BE", "bom")) return out;

  bool utf8_ok = valid_utf8(body);
  bool multibyte = has_multibyte(body);
  auto declared = [&](const std::string& cs, const char* src) -> bool {
    std::string c = canonical(cs);
    // Bytes that are valid UTF-8 with non-ASCII content are UTF-8 whatever a GB/Latin label says:
    // GBK text is almost never well-formed UTF-8.
    if (c != "UTF-8" && utf8_ok && multibyte) return done("UTF-8", "detected");
    // A UTF-8 label on bytes that are not UTF-8 (a GBK page saved under a wrong header).
    if (c == "UTF-8" && !utf8_ok && !mostly_utf8(body)) return done(detect_cjk(body), "detected");
    return done(c, src);
  };
  if (std::string h = from_content_type(content_type); !h.empty() && declared(h, "header")) return out;
  if (std::string m = from_meta(body); !m.empty() && declared(m, "meta")) return out;
  if (!multibyte || utf8_ok) {
    done("UTF-8", multibyte ? "detected" : "default");
    return out;
  }
  done(detect_cjk(body), "detected");
  return out;
}

}  // namespace govaudit::charset
