#pragma once
// What a person types (a review's note and reviewer, an account's name, the 复核表's cells) is kept
// only when it is text: valid UTF-8 with no control character (a note may break lines) and no
// bidirectional override, which would make a stored note read differently from what it holds.
#include <optional>
#include <string>
#include <string_view>

namespace govaudit {

// Why `s` cannot be stored (English, for the API and the log), or nullopt when it can.
std::optional<std::string> input_problem(std::string_view s, bool multiline);

}  // namespace govaudit
