#pragma once
// 功能设计: what a site offers its readers beyond content.
//   accessibility.entry_missing  the homepage offers no 无障碍 / 适老化 entry (text, aria or the
//                                toolbar scripts county sites embed)
// and, for the report, the static GB/T 37668 counts of the homepage and the article pages.
//   search.broken / search.manual_check  the homepage's site search (below)
#include "model/measures.hpp"
#include "rules/rule.hpp"

namespace govaudit {

AccessibilityCounts accessibility_counts(const SiteView& site);

// search.broken: the homepage's site search, asked for the titles of its two newest items, errors or
// finds neither; search.manual_check: a search run by script or POST (not submitted by govaudit).
class SearchRule : public Rule {
 public:
  std::vector<std::string> ids() const override { return {"search.broken", "search.manual_check"}; }
  std::vector<Finding> check(const SiteView& site, const RuleContext& ctx) const override;
};

// What the site search probes showed: no search form, a search that found recent titles, one
// that did not, one left to a person.
SearchState search_state(const SiteView& site);

class AccessibilityRule : public Rule {
 public:
  std::vector<std::string> ids() const override { return {"accessibility.entry_missing"}; }
  std::vector<Finding> check(const SiteView& site, const RuleContext& ctx) const override;
};

}  // namespace govaudit
