#pragma once
// IPv6 support as the national IPv6 monitoring measures it: the homepage's host has an AAAA
// record (ipv6.no_aaaa), the homepage opens over IPv6 (ipv6.unreachable), shows the same site as
// over IPv4 (ipv6.content_mismatch), and its links work over IPv6 (ipv6.link_support_low).
// The four are independent: a host without AAAA also has low link support.
#include <string>

#include "rules/rule.hpp"

namespace govaudit {

class Ipv6Rule : public Rule {
 public:
  std::vector<std::string> ids() const override {
    return {"ipv6.no_aaaa", "ipv6.unreachable", "ipv6.content_mismatch", "ipv6.link_support_low"};
  }
  std::vector<Finding> check(const SiteView& site, const RuleContext& ctx) const override;
};

// Similarity (0..1) of two pages' visible text as a reader sees it: character-bigram Jaccard
// after removing digits (counters, dates) and whitespace.
double text_similarity(const std::string& a, const std::string& b);

// The measured IPv6 figures of one site, for rules and the report's IPv6 table.
struct Ipv6Measure {
  std::string host;
  bool has_aaaa = false;
  std::vector<std::string> aaaa;
  int home_v4_ok = 0, home_v4_total = 0, home_v6_ok = 0, home_v6_total = 0;
  double similarity = -1;  // -1 when not measurable
  int link2_ok = 0, link2_total = 0, link3_ok = 0, link3_total = 0;
  std::vector<std::string> link2_failures;  // first few
  std::string zone;                         // the zone whose NS set was found
  int ns_total = 0, ns_with_aaaa = 0;       // its name servers, and those with an IPv6 address
};
Ipv6Measure measure_ipv6(const SiteView& site);

}  // namespace govaudit
