#include "model/id_number.hpp"

#include <algorithm>
#include <array>

namespace govaudit::id_number {
namespace {

constexpr std::array<int, 17> kWeights{7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2};
constexpr std::string_view kCheck = "10X98765432";

bool digit(char c) { return c >= '0' && c <= '9'; }
bool alnum(char c) { return digit(c) || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
int num(std::string_view s) {
  int n = 0;
  for (char c : s) n = n * 10 + (c - '0');
  return n;
}

// GB/T 2260 province codes.
bool province(int p) {
  return (p >= 11 && p <= 15) || (p >= 21 && p <= 23) || (p >= 31 && p <= 37) || (p >= 41 && p <= 46) ||
         (p >= 50 && p <= 54) || (p >= 61 && p <= 65) || p == 71 || p == 81 || p == 82;
}

}  // namespace

char check_char(std::string_view body17) {
  int sum = 0;
  for (size_t i = 0; i < 17; ++i) sum += (body17[i] - '0') * kWeights[i];
  return kCheck[sum % 11];
}

bool valid(std::string_view s, const Date& today) {
  if (s.size() != 18 || !std::all_of(s.begin(), s.begin() + 17, digit)) return false;
  char last = s[17] == 'x' ? 'X' : s[17];
  if (!digit(last) && last != 'X') return false;
  if (!province(num(s.substr(0, 2))) || s.substr(2, 2) == "00" || s.substr(4, 2) == "00") return false;
  Date born(num(s.substr(6, 4)), unsigned(num(s.substr(10, 2))), unsigned(num(s.substr(12, 2))));
  if (!born.valid() || born < Date(1920, 1, 1) || born > today) return false;
  return check_char(s) == last;
}

std::vector<size_t> find(std::string_view text, const Date& today, bool letters_bound) {
  std::vector<size_t> out;
  size_t i = 0, n = text.size();
  while (i < n) {
    // An ID's first 17 characters are digits: where text[i + 16] is none, no ID starts in i..i+16
    // (i is never inside a run of digits here). Most text is skipped 17 bytes at a time.
    if (i + 16 < n && !digit(text[i + 16])) {
      i += 17;
      continue;
    }
    if (!digit(text[i])) {
      ++i;
      continue;
    }
    size_t j = i;
    while (j < n && digit(text[j])) ++j;
    size_t end = j;
    if (j - i == 17 && j < n && (text[j] == 'X' || text[j] == 'x')) end = j + 1;
    auto stops = [&](char c) { return letters_bound ? alnum(c) : digit(c); };
    bool bounded = (i == 0 || !stops(text[i - 1])) && (end == n || !stops(text[end]));
    if (end - i == 18 && bounded && valid(text.substr(i, 18), today)) out.push_back(i);
    i = std::max(end, i + 1);
  }
  return out;
}

std::string masked(std::string_view id18) {
  std::string m(id18);
  if (m.size() == 18) std::fill(m.begin() + 4, m.begin() + 14, '*');
  return m;
}

size_t mask_all(std::string& text, const Date& today, bool letters_bound) {
  auto at = find(text, today, letters_bound);
  for (size_t pos : at) std::fill(text.begin() + long(pos) + 4, text.begin() + long(pos) + 14, '*');
  return at.size();
}

std::vector<Seen> seen_in(std::string_view text, const Date& today, size_t max_kept) {
  std::vector<Seen> out;
  auto at = find(text, today);
  if (at.empty()) return out;
  std::string safe(text);
  mask_all(safe, today);
  for (size_t pos : at) {
    if (out.size() >= max_kept) break;
    size_t b = safe.rfind('\n', pos);
    b = b == std::string::npos ? 0 : b + 1;
    size_t e = safe.find('\n', pos);
    if (e == std::string::npos) e = safe.size();
    // A table cell alone on its line (HTML text puts cells on lines of their own): its row is the
    // cells around it.
    for (int k = 0; k < 3 && e - b < 40 && b > 0; ++k) {
      size_t pb = safe.rfind('\n', b - 2);
      b = pb == std::string::npos ? 0 : pb + 1;
    }
    if (e - b < 60 && e < safe.size()) {
      size_t ne = safe.find('\n', e + 1);
      e = ne == std::string::npos ? safe.size() : ne;
    }
    // A long paragraph is cut around the number, on UTF-8 character starts.
    constexpr size_t kSide = 90;
    if (pos - b > kSide) b = pos - kSide;
    if (e - (pos + 18) > kSide) e = pos + 18 + kSide;
    while (b > 0 && (static_cast<unsigned char>(safe[b]) & 0xC0) == 0x80) --b;
    while (e < safe.size() && (static_cast<unsigned char>(safe[e]) & 0xC0) == 0x80) ++e;
    std::string line = safe.substr(b, e - b);
    for (char& c : line)
      if (c == '\t' || c == '\r' || c == '\n') c = ' ';
    out.push_back({safe.substr(pos, 18), std::move(line)});
  }
  return out;
}

}  // namespace govaudit::id_number
