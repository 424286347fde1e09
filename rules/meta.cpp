#include "rules/meta.hpp"

#include <algorithm>
#include <nlohmann/json.hpp>
#include <unordered_set>

namespace govaudit {

std::vector<const PageRecord*> article_pages(const SiteView& site) {
  std::unordered_set<std::string> listed;
  for (auto& i : site.items) listed.insert(i.url);
  std::vector<const PageRecord*> out;
  for (auto& p : site.pages) {
    if (p.status < 200 || p.status >= 300 || p.error_kind != ErrorKind::None || !p.duplicate_of.empty()) continue;
    if (p.kind == PageKind::Article || (p.kind == PageKind::Page && (listed.count(p.url) || listed.count(p.final_url)) && !(p.text.empty() && p.crawl().text_z.empty())))
      out.push_back(&p);
  }
  return out;
}

std::vector<Finding> MetaRule::check(const SiteView& site, const RuleContext& ctx) const {
  auto articles = article_pages(site);
  if (articles.empty()) return {};
  // The examples are the first by URL, not by crawl order: two runs over one site name the same.
  std::sort(articles.begin(), articles.end(), [](auto* a, auto* b) { return a->final_url < b->final_url; });
  int lacking = 0;
  nlohmann::json examples = nlohmann::json::array();
  std::map<std::string, int> by_tag;
  for (const PageRecord* p : articles) {
    std::vector<std::string> missing;
    for (auto& tag : ctx.config->meta_required) {
      auto it = p->meta.find(tag);
      bool blank = it == p->meta.end() || it->second.find_first_not_of(" \t\r\n") == std::string::npos;
      if (blank) missing.push_back(tag), ++by_tag[tag];
    }
    if (missing.empty()) continue;
    ++lacking;
    if (examples.size() < 10) examples.push_back({{"url", p->final_url}, {"missing", missing}});
  }
  double share = double(lacking) / double(articles.size());
  if (share <= ctx.config->thresholds.meta_missing_max_share) return {};
  nlohmann::json d = {{"articles", articles.size()}, {"lacking", lacking},
                      {"share", std::round(share * 1000) / 1000}, {"limit", ctx.config->thresholds.meta_missing_max_share},
                      {"missing_by_tag", by_tag}, {"examples", examples}};
  const PageRecord* home = site.homepage();
  return {Finding{site.site.id, "meta.missing", homepage_host(site), home ? home->final_url : site.site.homepage, d.dump()}};
}

}  // namespace govaudit
