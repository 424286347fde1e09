#include "rules/services.hpp"

#include <nlohmann/json.hpp>

namespace govaudit {

AccessibilityCounts accessibility_counts(const SiteView& site) {
  AccessibilityCounts c;
  if (const PageRecord* home = site.homepage()) c.entry = home->a11y.entry;
  const PageTable& pages = site.page_table();
  for (size_t i = 0; i < pages.size(); ++i) {
    const PageBrief& p = pages[i];
    if ((p.kind != PageKind::Home && p.kind != PageKind::Article) || p.status != 200 || p.duplicate) continue;
    ++c.pages;
    c.images += p.a11y.images;
    c.images_without_alt += p.a11y.images_without_alt;
    c.fields += p.a11y.fields;
    c.fields_unlabeled += p.a11y.fields_unlabeled;
    c.pages_without_lang += !p.a11y.lang;
    c.pages_without_title += !p.titled;
  }
  return c;
}

namespace {
// Text with whitespace removed: result pages break and space titles freely.
std::string compact(std::string_view s) {
  std::string out;
  for (size_t i = 0; i < s.size(); ++i) {
    unsigned char c = s[i];
    if (c == ' ' || c == '\n' || c == '\t' || c == '\r') continue;
    if (c == 0xE3 && i + 2 < s.size() && (unsigned char)s[i + 1] == 0x80 && (unsigned char)s[i + 2] == 0x80) {
      i += 2;
      continue;
    }
    out += char(c);
  }
  return out;
}
}  // namespace

std::vector<Finding> SearchRule::check(const SiteView& site, const RuleContext&) const {
  nlohmann::json asked = nlohmann::json::array();
  int working = 0, tried = 0;
  std::string first_url;
  for (auto& p : site.probes) {
    if (p.purpose != ProbePurpose::Search) continue;
    if (p.error.rfind("manual:", 0) == 0)
      return {{site.site.id, "search.manual_check", homepage_host(site), p.url,
               nlohmann::json{{"reason", p.error.substr(8)}}.dump()}};
    ++tried;
    if (first_url.empty()) first_url = p.url;
    bool answered = p.error.empty() && p.status >= 200 && p.status < 300;
    bool found = answered && !p.query.empty() && compact(p.text).find(compact(p.query)) != std::string::npos;
    working += found;
    nlohmann::json a = {{"query", p.query}, {"url", p.url}, {"status", p.status}, {"found", found}};
    if (!p.error.empty()) a["error"] = p.error;
    asked.push_back(a);
  }
  if (tried == 0 || working > 0) return {};
  return {{site.site.id, "search.broken", homepage_host(site), first_url,
           nlohmann::json{{"searches", asked}}.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace)}};
}

SearchState search_state(const SiteView& site) {
  RuleContext none{};
  auto f = SearchRule().check(site, none);
  if (!f.empty()) return f[0].rule == "search.broken" ? SearchState::Broken : SearchState::Manual;
  for (auto& p : site.probes)
    if (p.purpose == ProbePurpose::Search) return SearchState::Works;
  return SearchState::None;
}

std::vector<Finding> AccessibilityRule::check(const SiteView& site, const RuleContext&) const {
  const PageRecord* home = site.homepage();
  if (!home || home->a11y.entry) return {};
  auto c = accessibility_counts(site);
  return {{site.site.id, "accessibility.entry_missing", homepage_host(site), home->url,
           nlohmann::json{{"images_without_alt", c.images_without_alt}, {"images", c.images}, {"pages", c.pages}}.dump()}};
}

}  // namespace govaudit
