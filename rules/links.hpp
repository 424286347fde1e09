#pragma once
// links.broken: a link on a crawled page whose target ends in HTTP >= 400, a DNS or connect
// failure, a timeout, or a redirect loop / over-long chain. One finding per target and site,
// with how many pages link to it and the first few of them. Targets that were not checked
// (robots.txt, the SSRF guard, crawl limits) or that answered with an anti-bot challenge are
// not broken: they are listed for manual check instead.
#include "rules/rule.hpp"

namespace govaudit {

class LinksRule : public Rule {
 public:
  std::vector<std::string> ids() const override { return {"links.broken", "links.manual_check"}; }
  std::vector<Finding> check(const SiteView& site, const RuleContext& ctx) const override;
};

}  // namespace govaudit
