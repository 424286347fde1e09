#include "rules/meta.hpp"

#include <algorithm>
#include <map>
#include <nlohmann/json.hpp>
#include <unordered_set>

namespace govaudit {

void for_each_article_page(const SiteView& site, const std::function<void(const PageRecord&)>& fn) {
  std::unordered_set<std::string_view> listed;
  for (auto i : site.items) listed.insert(i.url);
  site.each_page([&](const PageRecord& p) {
    if (p.status < 200 || p.status >= 300 || p.error_kind != ErrorKind::None || !p.duplicate_of.empty()) return;
    if (p.kind == PageKind::Article || (p.kind == PageKind::Page && (listed.count(p.url) || listed.count(p.final_url)) && !(p.text.empty() && p.crawl().text_z.empty())))
      fn(p);
  });
}

std::vector<Finding> MetaRule::check(const SiteView& site, const RuleContext& ctx) const {
  size_t articles = 0;
  int lacking = 0;
  // The examples are the first by URL, not by crawl order: two runs over one site name the same.
  constexpr size_t kExamples = 10;
  std::multimap<std::string, std::vector<std::string>> first;  // final URL -> the tags it lacks
  std::map<std::string, int> by_tag;
  for_each_article_page(site, [&](const PageRecord& p) {
    ++articles;
    std::vector<std::string> missing;
    for (auto& tag : ctx.config->meta_required) {
      auto it = p.meta.find(tag);
      bool blank = it == p.meta.end() || it->second.find_first_not_of(" \t\r\n") == std::string::npos;
      if (blank) missing.push_back(tag), ++by_tag[tag];
    }
    if (missing.empty()) return;
    ++lacking;
    if (first.size() == kExamples && p.final_url >= std::prev(first.end())->first) return;
    first.emplace(p.final_url, std::move(missing));
    if (first.size() > kExamples) first.erase(std::prev(first.end()));
  });
  if (articles == 0) return {};
  nlohmann::json examples = nlohmann::json::array();
  for (auto& [u, missing] : first) examples.push_back({{"url", u}, {"missing", missing}});
  double share = double(lacking) / double(articles);
  if (share <= ctx.config->thresholds.meta_missing_max_share) return {};
  nlohmann::json d = {{"articles", articles}, {"lacking", lacking},
                      {"share", std::round(share * 1000) / 1000}, {"limit", ctx.config->thresholds.meta_missing_max_share},
                      {"missing_by_tag", by_tag}, {"examples", examples}};
  const PageRecord* home = site.homepage();
  return {Finding{site.site.id, "meta.missing", homepage_host(site), home ? home->final_url : site.site.homepage, d.dump()}};
}

}  // namespace govaudit
