#pragma once
// Small string and file helpers every stage uses.
#include <filesystem>
#include <string>
#include <initializer_list>
#include <string_view>
#include <vector>

namespace govaudit {

// ASCII letters lower-cased; other bytes (UTF-8 included) unchanged.
std::string ascii_lower(std::string_view s);
// A control character in a header value (a bare CR, NUL …; not a tab): what a header could be
// smuggled with. Refused where headers are recorded and where they are sent.
inline bool is_control(char c) { return (static_cast<unsigned char>(c) < 0x20 && c != '\t') || c == 0x7f; }
// `s` without leading and trailing ASCII white space (space, tab, CR, LF).
std::string trim(std::string_view s);
// "a, b,,c" -> {"a", "b", "c"}: a comma-separated option, spaces and empty items dropped.
std::vector<std::string> split_csv(std::string_view s);

// Where `needle` first occurs in `text` at or after `from`; npos when nowhere. glibc's memmem: a
// plain find() of a Chinese word stops at every character sharing its UTF-8 lead byte, which on a
// Chinese page is most of them (memmem is ~4x faster there, and than Boyer-Moore-Horspool).
size_t find_bytes(std::string_view text, std::string_view needle, size_t from = 0);

// True when `text` contains one of `words`.
bool contains_any(std::string_view text, std::initializer_list<std::string_view> words);

// The whole file, as bytes. Throws std::runtime_error naming the file when it cannot be read.
std::string read_file(const std::filesystem::path& path);

}  // namespace govaudit
