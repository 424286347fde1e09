#pragma once
// The figures a site's report shows besides its findings, measured on what the crawler recorded
// (model/measures.hpp). The audit stores them with its findings.
#include "model/measures.hpp"
#include "rules/rule.hpp"

namespace govaudit {

// IPv6, message boxes, accessibility, search, redirects and the pages counted; the caller adds
// what the store knows (status, limits, availability, evidence locations).
SiteMeasures measure_site(const SiteView& v, const RuleContext& ctx);

}  // namespace govaudit
