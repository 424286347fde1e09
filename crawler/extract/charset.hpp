#pragma once
// Turns a response body into UTF-8. Order of evidence: BOM, the HTTP Content-Type charset, a
// <meta charset> / http-equiv in the first 4 KiB, then ICU's detector. GB2312 and GBK are
// decoded as GB18030 (a superset). A declared charset the bytes contradict (a page that says
// GB2312 but is valid UTF-8) is overridden, and the source says "detected".
#include <string>
#include <string_view>

namespace govaudit::charset {

struct Decoded {
  std::string text;     // UTF-8; invalid input bytes become U+FFFD
  std::string charset;  // canonical name as decoded: UTF-8, GB18030, Big5, windows-1252 …
  std::string source;   // bom, header, meta, detected, default
  int replacements = 0; // number of U+FFFD produced
};

Decoded decode(std::string_view body, std::string_view content_type_header);

// The charset named in a Content-Type value ("text/html; charset=GBK" -> "GBK"), or "".
std::string from_content_type(std::string_view content_type);

// True when `s` is well-formed UTF-8.
bool valid_utf8(std::string_view s);

}  // namespace govaudit::charset
