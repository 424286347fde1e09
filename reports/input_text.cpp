#include "reports/input_text.hpp"

#include <unicode/uchar.h>
#include <unicode/utf8.h>

#include <cstdio>

namespace govaudit {

std::optional<std::string> input_problem(std::string_view s, bool multiline) {
  const auto* p = reinterpret_cast<const uint8_t*>(s.data());
  int32_t i = 0, n = static_cast<int32_t>(s.size());
  while (i < n) {
    int32_t at = i;
    UChar32 c;
    U8_NEXT(p, i, n, c);
    if (c < 0) return "not valid UTF-8 (byte " + std::to_string(at) + ")";
    char cp[16];
    std::snprintf(cp, sizeof cp, "U+%04X", static_cast<unsigned>(c));
    if (c == '\n' || c == '\r' || c == '\t') {
      if (!multiline) return std::string("a line break or tab (") + cp + ") is not allowed here";
    } else if (u_charType(c) == U_CONTROL_CHAR) {
      return std::string("a control character (") + cp + ") is not allowed";
    } else if (u_hasBinaryProperty(c, UCHAR_BIDI_CONTROL)) {
      return std::string("a bidirectional control character (") + cp + ") is not allowed";
    } else if (u_hasBinaryProperty(c, UCHAR_NONCHARACTER_CODE_POINT)) {
      return std::string("a noncharacter (") + cp + ") is not allowed";
    }
  }
  return std::nullopt;
}

}  // namespace govaudit
