#include "rules/links.hpp"

#include <map>
#include <nlohmann/json.hpp>
#include <unordered_map>

namespace govaudit {

bool is_broken(const PageRecord& p) {
  switch (p.error_kind) {
    case ErrorKind::Http: case ErrorKind::Dns: case ErrorKind::Connect: case ErrorKind::Timeout:
    case ErrorKind::Loop: case ErrorKind::Network: case ErrorKind::Tls:
      return true;
    default:
      break;
  }
  return p.error_kind == ErrorKind::None && p.status >= 400;
}

std::vector<Finding> LinksRule::check(const SiteView& site, const RuleContext&) const {
  std::unordered_map<std::string_view, const PageRecord*> target;  // views of the site's URLs
  for (auto& p : site.pages) target.emplace(p.url, &p);
  // A redirect into a page the crawl fetched on its own is as good as that page: follow the
  // recorded final URLs (a few hops at most) to the record that holds the real answer.
  for (auto& [u, p] : target)
    for (int hop = 0; hop < 5 && p->final_url != p->url && p->error_kind == ErrorKind::None; ++hop) {
      auto next = target.find(p->final_url);
      if (next == target.end() || next->second == p) break;
      p = next->second;
    }
  struct Use {
    std::vector<std::pair<std::string, std::string>> sources;  // page, anchor text
    size_t pages = 0;
  };
  std::map<std::string, Use> broken;  // ordered: stable output
  for (auto& l : site.links) {
    if (l.tag == "img" || l.tag == "script") continue;
    auto it = target.find(l.to_url);
    if (it == target.end() || !is_broken(*it->second)) continue;
    auto& u = broken[l.to_url];
    bool seen = false;
    for (auto& s : u.sources) seen |= s.first == l.from_url;
    if (seen) continue;
    ++u.pages;
    if (u.sources.size() < 5) u.sources.push_back({l.from_url, l.text});
  }
  std::vector<Finding> out;
  // Targets behind an anti-bot challenge: for a person to open, never counted as broken.
  std::map<std::string, std::string> challenged;
  for (auto& l : site.links)
    if (auto it = target.find(l.to_url); it != target.end() && it->second->error_kind == ErrorKind::Challenge)
      challenged.emplace(l.to_url, l.from_url);
  for (auto& [to, from] : challenged)
    out.push_back({site.site.id, "links.manual_check", to, from,
                   nlohmann::json{{"reason", target.at(to)->error}, {"status", target.at(to)->status}}.dump()});
  for (auto& [to, u] : broken) {
    const PageRecord& p = *target.at(to);  // the final answer
    nlohmann::json src = nlohmann::json::array();
    for (auto& [from, text] : u.sources) src.push_back({{"page", from}, {"text", text}});
    nlohmann::json chain = nlohmann::json::array();
    for (auto& r : p.redirects) chain.push_back({{"url", r.url}, {"status", r.status}});
    nlohmann::json d = {{"status", p.status}, {"error_kind", name(p.error_kind)}, {"error", p.error},
                        {"linked_from_pages", u.pages}, {"sources", src}, {"checked_at", p.fetched_at}};
    if (!chain.empty()) d["redirects"] = chain;
    out.push_back({site.site.id, "links.broken", to, u.sources.front().first, d.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace)});
  }
  return out;
}

}  // namespace govaudit
