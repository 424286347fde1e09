// The reports' and the console's words ([wording.*], config/defaults/wording.toml): looked up by
// key, filled by placeholder name, and a user's file checked against the defaults when read.
#include <fmt/args.h>
#include <fmt/format.h>

#include <algorithm>
#include <stdexcept>

#include "config/config.hpp"
#include "config/toml_reader.hpp"

namespace govaudit {

const std::string& Config::words(const std::string& key) const {
  auto it = wording.find(key);
  if (it == wording.end()) throw std::out_of_range("no wording " + key + " in config/defaults/wording.toml");
  return it->second;
}

namespace {
// The {names} a template fills ({{ and }} are braces).
std::vector<std::string> placeholders(std::string_view t) {
  std::vector<std::string> names;
  for (size_t i = 0; i < t.size(); ++i) {
    if (t[i] == '{' && i + 1 < t.size() && t[i + 1] == '{') {
      ++i;
    } else if (t[i] == '{') {
      size_t end = t.find_first_of(":}", i);
      if (end == std::string_view::npos) break;
      names.emplace_back(t.substr(i + 1, end - i - 1));
      i = end;
    }
  }
  return names;
}

const char* name_of(const std::string& s) { return s.c_str(); }
const char* name_of(const char* s) { return s; }

template <class Values>
std::string fill(const std::string& words, const Values& values) {
  fmt::dynamic_format_arg_store<fmt::format_context> args;
  for (auto& [k, v] : values) args.push_back(fmt::arg(name_of(k), v));
  return fmt::vformat(words, args);
}
}  // namespace

std::string fill_words(const std::string& words, std::initializer_list<std::pair<const char*, std::string>> values) {
  return fill(words, values);
}

std::string Config::say(const std::string& key, std::initializer_list<std::pair<const char*, std::string>> values) const {
  return fill(words(key), values);
}

const std::vector<std::string>& Config::column_words(const std::string& key) const {
  auto it = columns.find(key);
  if (it == columns.end()) throw std::out_of_range("no columns " + key + " in config/defaults/wording.toml");
  return it->second;
}

// [wording.<part>] key = "words": the defaults make the keys, a user's file may only change them.
// A table's columns are a list of as many words as the table has columns.
void apply_wording(Config& cfg, const toml::table& t, const std::string& source) {
  bool defaults = source.rfind("(defaults)/", 0) == 0;
  for (auto&& [part, words] : t) {
    if (!words.is_table()) fail(source, words, "wording." + std::string(part.str()), "expected a table of words");
    for (auto&& [k, v] : *words.as_table()) {
      std::string key = std::string(part.str()) + "." + std::string(k.str());
      bool known = v.is_array() ? cfg.columns.count(key) > 0 : cfg.wording.count(key) > 0;
      if (!defaults && !known) fail(source, v, "wording." + key, "no such words (config/defaults/wording.toml lists them)");
      if (auto* list = v.as_array()) {
        std::vector<std::string> cols;
        for (auto&& c : *list) {
          if (!c.is_string()) fail(source, c, "wording." + key, "expected a list of strings");
          cols.push_back(c.as_string()->get());
        }
        if (!defaults && cols.size() != cfg.columns[key].size())
          fail(source, v, "wording." + key, "expected " + std::to_string(cfg.columns[key].size()) + " columns, got " + std::to_string(cols.size()));
        cfg.columns[key] = std::move(cols);
      } else {
        if (!v.is_string()) fail(source, v, "wording." + key, "expected a string");
        std::string words = v.as_string()->get();
        if (!defaults) {  // the same placeholders as the default's, or fewer, in a template fmt reads
          std::vector<std::pair<std::string, std::string>> known;
          for (auto& n : placeholders(cfg.wording[key])) known.emplace_back(n, "");
          std::string names, problem;
          for (auto& [n, _] : known) names += " {" + n + "}";
          for (auto& n : placeholders(words))  // by name only: the order values come in is the code's
            if (std::none_of(known.begin(), known.end(), [&](auto& k) { return k.first == n; })) problem = "{" + n + "} is not one of them";
          try {
            fill(words, known);
          } catch (const fmt::format_error& e) {
            if (problem.empty()) problem = e.what();
          }
          if (!problem.empty())
            fail(source, v, "wording." + key,
                 "cannot fill these words (" + problem + "); they may use" + (names.empty() ? " no placeholder (write {{ for {)" : names));
        }
        cfg.wording[key] = std::move(words);
      }
    }
  }
}

}  // namespace govaudit
