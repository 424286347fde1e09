#pragma once
// robots.txt as RFC 9309 reads it: the group for our product token (else "*"), Allow/Disallow
// with '*' and '$', longest match wins, Allow wins a tie. Immutable after parsing.
#include <string>
#include <string_view>
#include <vector>

namespace govaudit {

class Robots {
 public:
  Robots() = default;  // allows everything
  static Robots parse(std::string_view text, std::string_view product = "govaudit");
  // `path_and_query` starts with '/'.
  bool allowed(std::string_view path_and_query) const;

 private:
  struct Rule {
    std::string pattern;
    bool allow;
  };
  static bool matches(std::string_view pattern, std::string_view path);
  std::vector<Rule> rules_;
};

}  // namespace govaudit
