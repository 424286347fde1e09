#include "crawler/net/robots.hpp"
#include "model/strings.hpp"

#include <algorithm>
#include <sstream>

namespace govaudit {

Robots Robots::parse(std::string_view text, std::string_view product) {
  struct Group {
    std::vector<std::string> agents;
    std::vector<Rule> rules;
  };
  std::vector<Group> groups;
  bool last_was_agent = false;
  std::istringstream in{std::string(text)};
  for (std::string line; std::getline(in, line);) {
    if (auto h = line.find('#'); h != std::string::npos) line.resize(h);
    auto colon = line.find(':');
    if (colon == std::string::npos) continue;
    std::string key = ascii_lower(trim(line.substr(0, colon)));
    std::string value = trim(line.substr(colon + 1));
    if (key == "user-agent") {
      if (!last_was_agent || groups.empty()) groups.push_back({});
      groups.back().agents.push_back(ascii_lower(value));
      last_was_agent = true;
    } else if (key == "allow" || key == "disallow") {
      last_was_agent = false;
      if (groups.empty()) continue;
      if (key == "disallow" && value.empty()) continue;  // "Disallow:" allows all
      groups.back().rules.push_back({value, key == "allow"});
    } else {
      last_was_agent = false;
    }
  }
  Robots r;
  std::string me = ascii_lower(product);
  const Group* star = nullptr;
  for (auto& g : groups)
    for (auto& a : g.agents) {
      if (a == me) {
        r.rules_ = g.rules;
        return r;
      }
      if (a == "*" && !star) star = &g;
    }
  if (star) r.rules_ = star->rules;
  return r;
}

bool Robots::matches(std::string_view pat, std::string_view path) {
  // Iterative wildcard match: '*' any run, '$' end anchor.
  bool anchored = !pat.empty() && pat.back() == '$';
  if (anchored) pat.remove_suffix(1);
  size_t p = 0, s = 0, star = std::string_view::npos, mark = 0;
  while (s < path.size()) {
    if (p < pat.size() && pat[p] == '*') {
      star = p++;
      mark = s;
    } else if (p < pat.size() && pat[p] == path[s]) {
      ++p;
      ++s;
    } else if (p == pat.size() && !anchored) {
      return true;
    } else if (star != std::string_view::npos) {
      p = star + 1;
      s = ++mark;
    } else {
      return false;
    }
  }
  while (p < pat.size() && pat[p] == '*') ++p;
  return p == pat.size();
}

bool Robots::allowed(std::string_view path) const {
  const Rule* best = nullptr;
  for (auto& r : rules_)
    if (matches(r.pattern, path))
      if (!best || r.pattern.size() > best->pattern.size() || (r.pattern.size() == best->pattern.size() && r.allow))
        best = &r;
  return !best || best->allow;
}

}  // namespace govaudit
