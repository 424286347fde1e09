// TOML configuration: any text is either applied or rejected with a ConfigError, nothing else.
#include <cstdint>
#include <string>
#include "config/config.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static const govaudit::Config defaults = govaudit::load_config();
  govaudit::Config cfg = defaults;
  try {
    govaudit::apply_config_text(cfg, std::string_view(reinterpret_cast<const char*>(data), size), "fuzz.toml");
  } catch (const govaudit::ConfigError&) {
  }
  return 0;
}
