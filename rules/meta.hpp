#pragma once
// meta.missing: more than the configured share of article pages lack one of the required
// <meta> tags (SiteName, SiteDomain, SiteIDCode, ColumnName, ArticleTitle, PubDate).
#include "rules/rule.hpp"

namespace govaudit {

class MetaRule : public Rule {
 public:
  std::vector<std::string> ids() const override { return {"meta.missing"}; }
  std::vector<Finding> check(const SiteView& site, const RuleContext& ctx) const override;
};

// The article pages of a site, one at a time: parsed HTML pages classified as articles or listed as
// items of a list, excluding duplicates, the homepage and list pages.
void for_each_article_page(const SiteView& site, const std::function<void(const PageRecord&)>& fn);

}  // namespace govaudit
