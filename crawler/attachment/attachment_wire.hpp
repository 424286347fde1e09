#pragma once
// The attachment reader's wire (private to the reader and its client): whole buffers on a Unix
// socket against a deadline; false on EOF, error or timeout.
#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>

namespace govaudit::attachment::wire {

using Deadline = std::chrono::steady_clock::time_point;
bool send_all(int fd, const void* data, size_t n, Deadline deadline);
bool recv_all(int fd, void* data, size_t n, Deadline deadline);
bool send_string(int fd, std::string_view s, Deadline d);
bool recv_string(int fd, std::string& s, std::uint64_t max, Deadline d);

}  // namespace govaudit::attachment::wire
