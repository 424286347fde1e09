#include "crawler/extract/dates.hpp"

#include <cstring>

#include "model/strings.hpp"

namespace govaudit::dates {
namespace {

bool digit(char c) { return c >= '0' && c <= '9'; }

// Reads 1..max digits at i; returns count read (0 on none).
int read_num(std::string_view s, size_t i, int max, int& value) {
  int n = 0;
  value = 0;
  while (i + n < s.size() && n < max && digit(s[i + n])) value = value * 10 + (s[i + n++] - '0');
  return n;
}

// A separator between year/month or month/day: - / . 年 月, with optional spaces.
size_t read_sep(std::string_view s, size_t i, const char* cjk) {
  size_t j = i;
  while (j < s.size() && s[j] == ' ') ++j;
  if (j < s.size() && (s[j] == '-' || s[j] == '/' || s[j] == '.')) {
    ++j;
  } else if (cjk && s.compare(j, std::strlen(cjk), cjk) == 0) {
    j += std::strlen(cjk);
  } else {
    return 0;
  }
  while (j < s.size() && s[j] == ' ') ++j;
  return j - i;
}

// Tries a full date at i (which must start a 4-digit year not preceded by a digit).
std::optional<Found> full_at(std::string_view s, size_t i) {
  if (i > 0 && digit(s[i - 1])) return std::nullopt;
  int y, m, d;
  if (read_num(s, i, 4, y) != 4 || y < 1949 || y > 2100) return std::nullopt;
  size_t j = i + 4;
  size_t k = read_sep(s, j, "年");
  if (!k) return std::nullopt;
  j += k;
  int n = read_num(s, j, 2, m);
  if (!n) return std::nullopt;
  j += n;
  k = read_sep(s, j, "月");
  if (!k) return std::nullopt;
  j += k;
  n = read_num(s, j, 2, d);
  if (!n) return std::nullopt;
  j += n;
  if (j < s.size() && digit(s[j])) return std::nullopt;
  if (s.compare(j, 3, "日") == 0) j += 3;
  Date date(y, unsigned(m), unsigned(d));
  if (!date.valid()) return std::nullopt;
  return Found{date, i, j - i};
}

}  // namespace

std::vector<Found> find_all(std::string_view text) {
  std::vector<Found> out;
  for (size_t i = 0; i + 8 <= text.size(); ++i) {
    if (!digit(text[i])) continue;
    if (auto f = full_at(text, i)) {
      out.push_back(*f);
      i += f->len - 1;
    }
  }
  return out;
}

std::optional<Date> first(std::string_view text, std::optional<int> context_year) {
  for (size_t i = 0; i + 8 <= text.size(); ++i)
    if (digit(text[i]))
      if (auto f = full_at(text, i)) return f->date;
  if (!context_year) return std::nullopt;
  // Month-day: "05-12", "5月12日", "[05-12]".
  for (size_t i = 0; i + 3 <= text.size(); ++i) {
    if (!digit(text[i]) || (i > 0 && digit(text[i - 1]))) continue;
    int m, d;
    int n = read_num(text, i, 2, m);
    size_t j = i + n;
    size_t k = read_sep(text, j, "月");
    if (!k || (text[j] == '.')) continue;
    j += k;
    int n2 = read_num(text, j, 2, d);
    if (!n2) continue;
    j += n2;
    if (j < text.size() && (digit(text[j]) || text[j] == '-' || text[j] == '/')) continue;
    Date date(*context_year, unsigned(m), unsigned(d));
    if (date.valid()) return date;
  }
  return std::nullopt;
}

std::optional<Date> after_label(std::string_view text, std::string_view label) {
  for (size_t p = find_bytes(text, label); p != std::string_view::npos; p = find_bytes(text, label, p + 1)) {
    size_t start = p + label.size();
    // Label, optional colon (ASCII or full-width) and spaces, then the date within ~24 bytes.
    std::string_view rest = text.substr(start, 40);
    for (size_t i = 0; i < rest.size(); ++i) {
      if (!digit(rest[i])) {
        if (i > 24) break;
        continue;
      }
      if (auto f = full_at(rest, i)) return f->date;
      break;
    }
  }
  return std::nullopt;
}

std::optional<Date> from_url(std::string_view u) {
  // TRS: /t20230512_…
  for (size_t p = u.find("/t"); p != std::string_view::npos; p = u.find("/t", p + 1)) {
    std::string_view s = u.substr(p + 2);
    if (s.size() >= 9 && s[8] == '_') {
      int y, m, d;
      if (read_num(s, 0, 4, y) == 4 && read_num(s, 4, 2, m) == 2 && read_num(s, 6, 2, d) == 2) {
        Date date(y, unsigned(m), unsigned(d));
        if (date.valid() && y >= 1995) return date;
      }
    }
  }
  // Hanweb: /art/2023/5/12/art_
  if (size_t p = u.find("/art/"); p != std::string_view::npos) {
    std::string_view s = u.substr(p + 5);
    int y, m, d;
    size_t i = 0;
    int n = read_num(s, i, 4, y);
    if (n == 4 && i + 4 < s.size() && s[4] == '/') {
      i = 5;
      n = read_num(s, i, 2, m);
      if (n && i + n < s.size() && s[i + n] == '/') {
        i += n + 1;
        n = read_num(s, i, 2, d);
        if (n && i + n < s.size() && s[i + n] == '/') {
          Date date(y, unsigned(m), unsigned(d));
          if (date.valid()) return date;
        }
      }
    }
  }
  return std::nullopt;
}

}  // namespace govaudit::dates
