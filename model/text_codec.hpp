#pragma once
// The stored form of page text: zstd frames. Thread-safe (one context per thread); a corrupt
// frame throws std::runtime_error.
#include <string>
#include <string_view>

namespace govaudit {

std::string compress_text(std::string_view s);
std::string decompress_text(std::string_view z);

}  // namespace govaudit
