#pragma once
// The demo county portals served by `govaudit demo`: small sites with a planted case for every
// rule govaudit implements, dated relative to the audit date so the demo always shows the same.
#include <map>
#include <string>
#include <vector>

#include "cli/demo_server.hpp"
#include "config/config.hpp"
#include "model/date.hpp"
#include "config/sites.hpp"

namespace govaudit {

struct DemoPortal {
  DemoRoutes routes;
  DemoRoutes routes_v6;                                     // what differs over IPv6
  std::vector<std::string> any_hosts;                       // national hosts: 200 for any path
  std::vector<Site> sites;
  std::map<std::string, std::vector<std::string>> dns;      // host -> addresses (dns.static)
  std::vector<std::string> planted;                         // "site rule subject" expected findings
};

// The portal as served on `port` (every host resolves to loopback); its columns follow the
// catalog of `cfg`, so the demo shows what a province's own checklist would find.
// Points `cfg` at the demo: fixed DNS answers, loopback allowed, no HTTPS port (the demo serves
// plain HTTP), short retry back-off.
void configure_for_demo(Config& cfg, const DemoPortal& portal);

// Without IPv6 loopback (`has_v6` false) no host gets an AAAA record.
DemoPortal make_demo_portal(const Config& cfg, const Date& today, unsigned short port, bool has_v6);

}  // namespace govaudit
