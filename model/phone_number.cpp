#include "model/phone_number.hpp"

namespace govaudit::phone_number {
namespace {
bool digit(char c) { return c >= '0' && c <= '9'; }
bool alnum(char c) { return digit(c) || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
}  // namespace

std::vector<std::string> find(std::string_view text) {
  std::vector<std::string> out;
  for (size_t i = 0; i + 11 <= text.size(); ++i) {
    if (text[i] != '1' || text[i + 1] < '3' || text[i + 1] > '9' || (i > 0 && alnum(text[i - 1]))) continue;
    size_t n = 2;
    while (n < 11 && digit(text[i + n])) ++n;
    if (n < 11 || (i + 11 < text.size() && alnum(text[i + 11]))) continue;
    out.emplace_back(text.substr(i, 11));
    i += 10;
  }
  return out;
}

std::string masked(std::string_view number) {
  std::string m(number);
  for (size_t i = 3; i < 7 && i < m.size(); ++i) m[i] = '*';
  return m;
}

size_t mask(std::string& text, const std::vector<std::string>& numbers) {
  size_t count = 0;
  for (auto& n : numbers) {
    if (n.empty()) continue;
    std::string m = masked(n);
    for (size_t p = text.find(n); p != std::string::npos; p = text.find(n, p + n.size())) {
      if ((p > 0 && digit(text[p - 1])) || (p + n.size() < text.size() && digit(text[p + n.size()]))) continue;
      text.replace(p, n.size(), m);
      ++count;
    }
  }
  return count;
}

}  // namespace govaudit::phone_number
