#pragma once
// One redaction for the secrets of a process's connection string (--db postgresql://user:PW@…,
// ?password=, a percent-encoded key): hidden from the process title (ps, /proc/PID/cmdline), from
// every log line and from the error a command ends with.
#include <string>
#include <vector>

namespace govaudit {

// Overwrites each secret in the argument vector with '*' (same length: ps shows the stars).
void hide_in_arguments(int argc, char** argv, const std::vector<std::string>& secrets);
// The process's logger on stderr; its lines pass through pg::scrub first.
void install_logger(const std::vector<std::string>& secrets, bool debug);

}  // namespace govaudit
