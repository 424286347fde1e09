#include "rules/services.hpp"

#include <nlohmann/json.hpp>

namespace govaudit {

AccessibilityCounts accessibility_counts(const SiteView& site) {
  AccessibilityCounts c;
  if (const PageRecord* home = site.homepage()) c.entry = home->a11y.entry;
  for (auto& p : site.pages) {
    if ((p.kind != PageKind::Home && p.kind != PageKind::Article) || p.status != 200 || !p.duplicate_of.empty()) continue;
    ++c.pages;
    c.images += p.a11y.images;
    c.images_without_alt += p.a11y.images_without_alt;
    c.fields += p.a11y.fields;
    c.fields_unlabeled += p.a11y.fields_unlabeled;
    c.pages_without_lang += !p.a11y.lang;
    c.pages_without_title += p.title.empty();
  }
  return c;
}

std::vector<Finding> AccessibilityRule::check(const SiteView& site, const RuleContext&) const {
  const PageRecord* home = site.homepage();
  if (!home || home->a11y.entry) return {};
  auto c = accessibility_counts(site);
  return {{site.site.id, "accessibility.entry_missing", homepage_host(site), home->url,
           nlohmann::json{{"images_without_alt", c.images_without_alt}, {"images", c.images}, {"pages", c.pages}}.dump()}};
}

}  // namespace govaudit
