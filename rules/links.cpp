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
  std::unordered_map<std::string_view, const PageRecord*> own;  // a URL so followed -> its own record
  for (auto& [u, p] : target)
    for (int hop = 0; hop < 5 && p->final_url != p->url && p->error_kind == ErrorKind::None; ++hop) {
      auto next = target.find(p->final_url);
      if (next == target.end() || next->second == p) break;
      own.emplace(u, p);
      p = next->second;
    }
  // Broken target -> the pages linking it (their first link's text), ordered by URL: the same
  // finding whatever order the crawl met the pages in.
  std::map<std::string, std::map<std::string, std::string>> broken;
  for (auto& l : site.links) {
    if (l.tag == "img" || l.tag == "script") continue;
    auto it = target.find(l.to_url);
    if (it == target.end() || !is_broken(*it->second)) continue;
    broken[l.to_url].emplace(l.from_url, l.text);
  }
  std::vector<Finding> out;
  // Targets behind an anti-bot challenge: for a person to open, never counted as broken.
  std::map<std::string, std::string> challenged;  // target -> the first page (by URL) linking it
  for (auto& l : site.links)
    if (auto it = target.find(l.to_url); it != target.end() && it->second->error_kind == ErrorKind::Challenge)
      if (auto [c, fresh] = challenged.emplace(l.to_url, l.from_url); !fresh && l.from_url < c->second) c->second = l.from_url;
  for (auto& [to, from] : challenged)
    out.push_back({site.site.id, "links.manual_check", to, from,
                   nlohmann::json{{"reason", target.at(to)->error}, {"status", target.at(to)->status}}.dump()});
  for (auto& [to, from_pages] : broken) {
    const PageRecord& p = *target.at(to);  // the final answer
    nlohmann::json src = nlohmann::json::array();
    for (auto& [from, text] : from_pages)
      if (src.size() < 5) src.push_back({{"page", from}, {"text", text}});
    // The hops from the linked URL: its own record's, then those of the record it leads to (a page
    // the crawl had met first under the URL redirected to, whose own answer was fetched there).
    nlohmann::json chain = nlohmann::json::array();
    auto followed = own.find(to);
    const PageRecord& first = followed == own.end() ? p : *followed->second;
    for (auto& r : first.redirects) chain.push_back({{"url", r.url}, {"status", r.status}});
    if (&first != &p)
      for (auto& r : p.redirects) chain.push_back({{"url", r.url}, {"status", r.status}});
    nlohmann::json d = {{"status", p.status}, {"error_kind", name(p.error_kind)}, {"error", p.error},
                        {"linked_from_pages", from_pages.size()}, {"sources", src}, {"checked_at", p.fetched_at}};
    if (!chain.empty()) d["redirects"] = chain;
    out.push_back({site.site.id, "links.broken", to, from_pages.begin()->first, d.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace)});
  }
  return out;
}

}  // namespace govaudit
