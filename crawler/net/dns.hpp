#pragma once
// DNS done by the crawler itself with c-ares on the crawler's io_context: A and AAAA for each
// host, asked once per run (cached), every answer recorded. Fixed answers from config
// (dns.static) and IP literals bypass the network. All calls and callbacks happen on the
// io_context thread.
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "config/config.hpp"

namespace boost::asio {
class io_context;
}

namespace govaudit {

struct HostAnswer {
  std::string host;
  std::vector<std::string> v4, v6;  // textual addresses
  std::string error4, error6;       // "" when that query answered (even with no address)
  int elapsed_ms = 0;
  bool from_static = false;
};

class Resolver {
 public:
  // Throws ConfigError when a configured server is malformed.
  Resolver(boost::asio::io_context& io, const DnsSettings& settings);
  ~Resolver();

  // Resolves `host` (A and AAAA together); `done` runs on the io_context thread, once.
  void resolve(const std::string& host, std::function<void(const HostAnswer&)> done);

  // The name servers of `zone` (NS records); `done(names, error)` runs on the io_context thread.
  void name_servers(const std::string& zone, std::function<void(std::vector<std::string>, std::string)> done);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace govaudit
