#pragma once
// Small string and file helpers every stage uses.
#include <filesystem>
#include <string>
#include <string_view>

namespace govaudit {

// ASCII letters lower-cased; other bytes (UTF-8 included) unchanged.
std::string ascii_lower(std::string_view s);

// The whole file, as bytes. Throws std::runtime_error naming the file when it cannot be read.
std::string read_file(const std::filesystem::path& path);

}  // namespace govaudit
