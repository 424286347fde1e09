#pragma once
// Files compiled into the binary (defaults, the demo portal): see cmake/Embed.cmake.
#include <optional>
#include <span>
#include <string_view>

namespace govaudit {

struct EmbeddedFile {
  std::string_view path;  // relative to the embedded folder, '/'-separated
  std::string_view data;  // the file's bytes; static storage
};

inline std::optional<std::string_view> find_embedded(std::span<const EmbeddedFile> files,
                                                     std::string_view path) {
  for (const auto& f : files)
    if (f.path == path) return f.data;
  return std::nullopt;
}

}  // namespace govaudit
