#pragma once
// Resident ID numbers (GB 11643-1999), found in a text so that a leak is reported and the number
// itself is never kept: every stage that stores or prints text masks them first.
#include <string>
#include <string_view>
#include <vector>

#include "model/date.hpp"

namespace govaudit::id_number {

// The check character of the first 17 digits: '0'…'9' or 'X'.
char check_char(std::string_view body17);

// True when `s` (18 characters) is a resident ID number: a plausible GB/T 2260 area code, a real
// birth date from 1920-01-01 to `today`, and the right check character.
bool valid(std::string_view s, const Date& today);

// Byte offsets of the ID numbers in `text`: 18 characters with no ASCII letter or digit right
// before or after. Masked forms (340823********1234), wrong check characters, impossible dates and
// codes with letters inside (统一社会信用代码) are not ID numbers.
// `letters_bound` false: a letter next to the number does not stop it (raw GBK bytes, where a
// Chinese character's second byte can be an ASCII letter).
std::vector<size_t> find(std::string_view text, const Date& today, bool letters_bound = true);

// The number as reports show it: the first 4 and the last 4 characters, "3408**********1234".
std::string masked(std::string_view id18);

// Replaces every ID number in `text` with its masked form (same length, so offsets hold).
// Returns how many were masked.
size_t mask_all(std::string& text, const Date& today, bool letters_bound = true);

// Where a page or attachment showed ID numbers: masked, with the line (a table row, a paragraph)
// around each, itself masked and cut to a readable length.
struct Seen {
  std::string number;   // masked
  std::string context;  // masked
};
std::vector<Seen> seen_in(std::string_view text, const Date& today, size_t max_kept = 20);

}  // namespace govaudit::id_number
