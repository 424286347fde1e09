#pragma once
// Mainland mobile numbers (11 digits, 1[3-9]…) that a citizen's message shows: reported as a leak
// (privacy.phone_number) and, like resident ID numbers, never kept — the crawler masks them in the
// page's text and its WARC payload before either is stored.
#include <string>
#include <string_view>
#include <vector>

namespace govaudit::phone_number {

// The mobile numbers in `text`: "1" then 3–9 then 9 digits, with no ASCII letter or digit right
// before or after (a longer number, a work-order id, 138****5678 are not).
std::vector<std::string> find(std::string_view text);

// "138****5678".
std::string masked(std::string_view number);

// Replaces every occurrence of each of `numbers` in `text` that no digit touches by its masked form
// (same length). Safe on GBK bytes: no GBK trail byte is an ASCII digit. Returns how many.
size_t mask(std::string& text, const std::vector<std::string>& numbers);

}  // namespace govaudit::phone_number
