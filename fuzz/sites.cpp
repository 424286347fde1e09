// Site lists in their three forms: any text gives sites or a ConfigError, nothing else.
#include <cstdint>
#include <string>
#include "config/config.hpp"
#include "config/sites.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  static const char* formats[] = {"toml", "csv", "json"};
  std::string text(reinterpret_cast<const char*>(data) + 1, size - 1);
  try {
    govaudit::parse_sites(text, "fuzz", formats[data[0] % 3]);
  } catch (const govaudit::ConfigError&) {
  }
  return 0;
}
