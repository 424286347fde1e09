#pragma once
// The SSRF guard: which addresses the crawler may connect to. By default everything public;
// loopback, private, link-local, CGNAT, unique-local, multicast, reserved ranges and their
// IPv4-mapped/compatible IPv6 forms are refused unless a CIDR in `allow` covers them.
// Checked on the address actually connected (libcurl's open-socket callback), so neither DNS
// answers nor redirects can slip past it. Immutable after construction: thread-safe.
#include <array>
#include <cstdint>
#include <string>
#include <vector>

struct sockaddr;

namespace govaudit {

class NetGuard {
 public:
  // Throws ConfigError for a malformed CIDR ("--allow-net: '10.0.0.0/33' is not a CIDR").
  explicit NetGuard(const std::vector<std::string>& allow = {});

  bool allowed(const sockaddr* addr) const;
  // The same for a textual address ("127.0.0.1", "::1"); false for anything unparsable.
  bool allowed(const std::string& address) const;
  // Why an address is refused ("loopback", "private", …), or "" when it is allowed.
  std::string refusal(const std::string& address) const;
  // Why a host name is never connected to (cloud metadata services), or "".
  static std::string refused_name(std::string host);

 private:
  struct Net {
    std::array<std::uint8_t, 16> addr{};  // IPv4 stored as ::ffff:a.b.c.d
    int prefix = 0;                       // over the 128-bit form
    std::string why;
  };
  static bool contains(const Net& n, const std::array<std::uint8_t, 16>& a);
  std::string refusal(const std::array<std::uint8_t, 16>& a) const;
  std::vector<Net> allow_;
  std::vector<Net> deny_;
};

}  // namespace govaudit
