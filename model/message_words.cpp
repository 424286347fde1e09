#include "model/message_words.hpp"

#include <algorithm>

namespace govaudit {

const MessageWords& message_words() {
  static const MessageWords w;
  return w;
}

bool answered_status(std::string_view status) {
  const MessageWords& w = message_words();
  auto has = [&](const std::vector<std::string>& words) {
    return std::any_of(words.begin(), words.end(), [&](auto& x) { return status.find(x) != std::string_view::npos; });
  };
  return !has(w.open) && has(w.answered);
}

}  // namespace govaudit
