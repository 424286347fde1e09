#pragma once
// Wall-clock timestamps as the store keeps them: ISO 8601 UTC, to the second.
#include <string>

namespace govaudit {

std::string now_iso_utc();
std::string iso_utc_hours_ago(int hours);

}  // namespace govaudit
