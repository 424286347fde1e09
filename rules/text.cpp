#include "rules/text.hpp"

#include <unicode/normalizer2.h>
#include <unicode/uchar.h>
#include <unicode/unistr.h>

namespace govaudit::text {

std::string normalize_name(std::string_view s) {
  UErrorCode err = U_ZERO_ERROR;
  const icu::Normalizer2* nfkc = icu::Normalizer2::getNFKCInstance(err);
  icu::UnicodeString u = icu::UnicodeString::fromUTF8(icu::StringPiece(s.data(), int32_t(s.size())));
  icu::UnicodeString n = U_SUCCESS(err) ? nfkc->normalize(u, err) : u;
  if (U_FAILURE(err)) n = u;
  icu::UnicodeString out;
  for (int32_t i = 0; i < n.length();) {
    UChar32 c = n.char32At(i);
    i += U16_LENGTH(c);
    if (u_isUWhiteSpace(c) || u_ispunct(c) || u_hasBinaryProperty(c, UCHAR_PATTERN_SYNTAX)) continue;
    out.append(u_tolower(c));
  }
  std::string r;
  out.toUTF8String(r);
  return r;
}

std::optional<int> year_in(std::string_view s) {
  for (size_t i = 0; i + 7 <= s.size(); ++i) {
    if (i > 0 && s[i - 1] >= '0' && s[i - 1] <= '9') continue;
    int y = 0, k = 0;
    while (k < 4 && i + k < s.size() && s[i + k] >= '0' && s[i + k] <= '9') y = y * 10 + (s[i + k++] - '0');
    if (k == 4 && s.compare(i + 4, 3, "年") == 0 && y >= 1990 && y <= 2100) return y;
  }
  return std::nullopt;
}

}  // namespace govaudit::text
