#pragma once
// Reading TOML as config, site lists and the calendar all do: errors name file:line:column and
// the dotted key, and keys nobody knows are rejected (a typo must not be silently ignored).
// Private to config/. Every function throws ConfigError.
#include <toml++/toml.h>

#include <initializer_list>
#include <set>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

#include "config/config.hpp"

namespace govaudit {

// "file:line:column" of a TOML region.
std::string where(const std::string& source, const toml::source_region& r);

[[noreturn]] void fail(const std::string& source, const toml::node& n, const std::string& key, const std::string& msg);

// [wording.<part>] of a file onto cfg (wording.cpp): the defaults make the keys, a user's file may
// only change them.
struct Config;
void apply_wording(Config& cfg, const toml::table& t, const std::string& source);

// Parses `text`; a syntax error names the place.
toml::table parse_toml(std::string_view text, const std::string& source);

// Reads typed values out of one TOML table, naming file:line:col and the dotted key on error,
// and rejecting keys it does not know (a typo must not be silently ignored).
class Reader {
 public:
  Reader(const toml::table& t, std::string source, std::string prefix)
      : t_(t), source_(std::move(source)), prefix_(std::move(prefix)) {}

  void known(std::initializer_list<const char*> keys) const {
    std::set<std::string> ok(keys.begin(), keys.end());
    for (auto&& [k, v] : t_)
      if (!ok.count(std::string(k.str())))
        throw ConfigError(where(source_, k.source()) + ": " + full(std::string(k.str())) + ": unknown key");
  }
  template <class Int>
  void integer(const char* key, Int& out, long long min, long long max) const {
    const toml::node* n = t_.get(key);
    if (!n) return;
    auto v = n->as_integer();
    if (!v) fail(source_, *n, full(key), "expected an integer");
    if (v->get() < min || v->get() > max)
      fail(source_, *n, full(key), "must be between " + std::to_string(min) + " and " + std::to_string(max));
    out = static_cast<Int>(v->get());
  }
  void number(const char* key, double& out, double min, double max) const {
    const toml::node* n = t_.get(key);
    if (!n) return;
    double d;
    if (auto f = n->as_floating_point()) d = f->get();
    else if (auto i = n->as_integer()) d = double(i->get());
    else fail(source_, *n, full(key), "expected a number");
    if (d < min || d > max) fail(source_, *n, full(key), "must be between " + fmt(min) + " and " + fmt(max));
    out = d;
  }
  void boolean(const char* key, bool& out) const {
    const toml::node* n = t_.get(key);
    if (!n) return;
    auto v = n->as_boolean();
    if (!v) fail(source_, *n, full(key), "expected true or false");
    out = v->get();
  }
  void string(const char* key, std::string& out) const {
    const toml::node* n = t_.get(key);
    if (!n) return;
    auto v = n->as_string();
    if (!v) fail(source_, *n, full(key), "expected a string");
    out = v->get();
  }
  void strings(const char* key, std::vector<std::string>& out) const {
    const toml::node* n = t_.get(key);
    if (!n) return;
    out = string_array(*n, full(key));
  }
  std::vector<std::string> string_array(const toml::node& n, const std::string& key) const {
    auto a = n.as_array();
    if (!a) fail(source_, n, key, "expected an array of strings");
    std::vector<std::string> v;
    for (auto& e : *a) {
      auto s = e.as_string();
      if (!s) fail(source_, e, key, "expected an array of strings");
      v.push_back(s->get());
    }
    return v;
  }
  const toml::table* table(const char* key) const {
    const toml::node* n = t_.get(key);
    if (!n) return nullptr;
    if (!n->as_table()) fail(source_, *n, full(key), "expected a table");
    return n->as_table();
  }
  std::string full(const std::string& k) const { return prefix_.empty() ? k : prefix_ + "." + k; }
  const std::string& source() const { return source_; }

 private:
  static std::string fmt(double d) { std::ostringstream o; o << d; return o.str(); }
  const toml::table& t_;
  std::string source_, prefix_;
};

}  // namespace govaudit
