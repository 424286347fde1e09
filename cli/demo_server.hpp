#pragma once
// A small in-process HTTP server (Boost.Beast) for `govaudit demo` and the tests: serves
// fixed responses by Host and path on 127.0.0.1 and [::1] at one ephemeral port, on its own
// thread. Unknown paths answer 404; hosts marked "any" answer 200 for every path.
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

namespace govaudit {

struct DemoResponse {
  int status = 200;  // 444 closes the connection without an answer
  std::string content_type = "text/html; charset=utf-8";
  std::string body;
  std::string location;  // for redirects
  int fail_every = 0;    // when > 0, every n-th request for this path answers 503
};

// host (no port) -> path (with query) -> response
using DemoRoutes = std::map<std::string, std::map<std::string, DemoResponse>>;

class DemoServer {
 public:
  // Starts listening with no routes (every request answers 404 until set_routes).
  DemoServer();
  // `any_hosts`: hosts that answer 200 with a small page for any path (national sites in footers).
  // `v6_routes` answer instead of `routes` on connections that came in over IPv6. May be called
  // again to change the served sites; returns once the server uses the new routes.
  void set_routes(DemoRoutes routes, std::vector<std::string> any_hosts, DemoRoutes v6_routes = {});
  ~DemoServer();
  unsigned short port() const;
  bool has_v6() const;
  size_t requests() const;
  size_t requests_to(const std::string& host) const;  // by Host header, port removed

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace govaudit
