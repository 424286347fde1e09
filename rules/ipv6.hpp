#pragma once
// IPv6 support as the national IPv6 monitoring measures it: the homepage's host has an AAAA
// record (ipv6.no_aaaa), the homepage opens over IPv6 (ipv6.unreachable), shows the same site as
// over IPv4 (ipv6.content_mismatch), and its links work over IPv6 (ipv6.link_support_low).
// The four are independent: a host without AAAA also has low link support.
#include <string>

#include "model/measures.hpp"
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
Ipv6Measure measure_ipv6(const SiteView& site);

}  // namespace govaudit
