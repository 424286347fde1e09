#include "config/toml_reader.hpp"

namespace govaudit {

std::string where(const std::string& source, const toml::source_region& r) {
  return source + ":" + std::to_string(r.begin.line) + ":" + std::to_string(r.begin.column);
}

void fail(const std::string& source, const toml::node& n, const std::string& key, const std::string& msg) {
  throw ConfigError(where(source, n.source()) + ": " + key + ": " + msg);
}

toml::table parse_toml(std::string_view text, const std::string& source) {
  try {
    return toml::parse(text, source);
  } catch (const toml::parse_error& e) {
    throw ConfigError(where(source, e.source()) + ": " + std::string(e.description()));
  }
}

}  // namespace govaudit
