#include "crawler/net/netguard.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <algorithm>
#include <cctype>
#include <cstring>

#include "config/config.hpp"

namespace govaudit {
namespace {

using Addr = std::array<std::uint8_t, 16>;

bool parse_addr(const std::string& s, Addr& out, bool& v4) {
  std::string t = s;
  if (t.size() > 2 && t.front() == '[' && t.back() == ']') t = t.substr(1, t.size() - 2);
  in_addr a4;
  in6_addr a6;
  if (inet_pton(AF_INET, t.c_str(), &a4) == 1) {
    out.fill(0);
    out[10] = out[11] = 0xff;
    std::memcpy(out.data() + 12, &a4, 4);
    v4 = true;
    return true;
  }
  if (inet_pton(AF_INET6, t.c_str(), &a6) == 1) {
    std::memcpy(out.data(), &a6, 16);
    v4 = false;
    return true;
  }
  return false;
}

}  // namespace

NetGuard::NetGuard(const std::vector<std::string>& allow) {
  auto add = [](std::vector<Net>& list, const std::string& cidr, const std::string& why) {
    auto slash = cidr.find('/');
    std::string a = cidr.substr(0, slash);
    Net n;
    bool v4 = false;
    if (!parse_addr(a, n.addr, v4)) throw ConfigError("--allow-net: '" + cidr + "' is not a CIDR");
    int max = v4 ? 32 : 128;
    int prefix = max;
    if (slash != std::string::npos) {
      try {
        size_t used = 0;
        prefix = std::stoi(cidr.substr(slash + 1), &used);
        if (used != cidr.size() - slash - 1) throw std::invalid_argument("trailing");
      } catch (const std::exception&) {
        throw ConfigError("--allow-net: '" + cidr + "' is not a CIDR");
      }
    }
    if (prefix < 0 || prefix > max) throw ConfigError("--allow-net: '" + cidr + "' has a bad prefix length");
    n.prefix = v4 ? prefix + 96 : prefix;
    n.why = why;
    list.push_back(n);
  };
  for (auto& c : allow)
    if (!c.empty()) add(allow_, c, "");
  const std::pair<const char*, const char*> deny[] = {
      {"0.0.0.0/8", "unspecified"},     {"10.0.0.0/8", "private"},        {"100.64.0.0/10", "CGNAT"},
      {"127.0.0.0/8", "loopback"},      {"169.254.0.0/16", "link-local"}, {"172.16.0.0/12", "private"},
      {"192.0.0.0/24", "reserved"},     {"192.0.2.0/24", "documentation"}, {"192.168.0.0/16", "private"},
      {"198.18.0.0/15", "benchmark"},   {"198.51.100.0/24", "documentation"}, {"203.0.113.0/24", "documentation"},
      {"224.0.0.0/4", "multicast"},     {"240.0.0.0/4", "reserved"},
      {"::/128", "unspecified"},        {"::1/128", "loopback"},          {"fc00::/7", "unique-local"},
      {"fe80::/10", "link-local"},      {"fec0::/10", "site-local"},      {"ff00::/8", "multicast"},
      {"2001:db8::/32", "documentation"}, {"100::/64", "discard"}};
  for (auto& [c, why] : deny) add(deny_, c, why);
}

bool NetGuard::contains(const Net& n, const Addr& a) {
  int bits = n.prefix;
  for (int i = 0; i < 16 && bits > 0; ++i, bits -= 8) {
    std::uint8_t mask = bits >= 8 ? 0xff : std::uint8_t(0xff << (8 - bits));
    if ((a[i] & mask) != (n.addr[i] & mask)) return false;
  }
  return true;
}

std::string NetGuard::refusal(const Addr& in) const {
  Addr a = in;
  // IPv4-compatible (::a.b.c.d) and NAT64 (64:ff9b::a.b.c.d) forms are judged as the IPv4 inside.
  bool compat = std::all_of(a.begin(), a.begin() + 12, [](auto b) { return b == 0; }) &&
                !(a[12] == 0 && a[13] == 0 && a[14] == 0 && a[15] <= 1);
  static const std::uint8_t nat64[12] = {0, 0x64, 0xff, 0x9b, 0, 0, 0, 0, 0, 0, 0, 0};
  if (compat || std::memcmp(a.data(), nat64, 12) == 0) {
    std::memset(a.data(), 0, 10);
    a[10] = a[11] = 0xff;
  }
  for (auto& n : allow_)
    if (contains(n, a) || contains(n, in)) return "";
  for (auto& n : deny_)
    if (contains(n, a)) return n.why;
  return "";
}

bool NetGuard::allowed(const sockaddr* sa) const {
  Addr a{};
  if (sa->sa_family == AF_INET) {
    a[10] = a[11] = 0xff;
    std::memcpy(a.data() + 12, &reinterpret_cast<const sockaddr_in*>(sa)->sin_addr, 4);
  } else if (sa->sa_family == AF_INET6) {
    std::memcpy(a.data(), &reinterpret_cast<const sockaddr_in6*>(sa)->sin6_addr, 16);
  } else {
    return false;
  }
  return refusal(a).empty();
}

bool NetGuard::allowed(const std::string& address) const {
  Addr a;
  bool v4;
  return parse_addr(address, a, v4) && refusal(a).empty();
}

std::string NetGuard::refusal(const std::string& address) const {
  Addr a;
  bool v4;
  if (!parse_addr(address, a, v4)) return "not an address";
  return refusal(a);
}

std::string NetGuard::refused_name(std::string host) {
  // Cloud instance-metadata services, by the names they are reached under: whatever they resolve
  // to where govaudit runs, a crawled page must not make it ask them.
  static const char* names[] = {"metadata", "metadata.google.internal", "metadata.goog", "instance-data",
                                "instance-data.ec2.internal", "metadata.azure.internal", "metadata.tencentyun.com",
                                "metadata.aliyun.com", "metadata.platformequinix.com"};
  for (auto& c : host) c = char(std::tolower(static_cast<unsigned char>(c)));
  while (!host.empty() && host.back() == '.') host.pop_back();
  for (const char* n : names)
    if (host == n) return host + " is a cloud metadata name";
  return "";
}

}  // namespace govaudit
