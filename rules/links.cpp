#include "rules/links.hpp"

#include <map>
#include <nlohmann/json.hpp>
#include <unordered_map>

namespace govaudit {

namespace {
// True when a fetched target's answer counts as broken.
bool broken_answer(ErrorKind error_kind, int status) {
  switch (error_kind) {
    case ErrorKind::Http: case ErrorKind::Dns: case ErrorKind::Connect: case ErrorKind::Timeout:
    case ErrorKind::Loop: case ErrorKind::Network: case ErrorKind::Tls:
      return true;
    default:
      break;
  }
  return error_kind == ErrorKind::None && status >= 400;
}
}  // namespace


std::vector<Finding> LinksRule::check(const SiteView& site, const RuleContext&) const {
  const PageTable& pages = site.page_table();
  // A redirect into a page the crawl fetched on its own is as good as that page: follow the
  // recorded final URLs (a few hops at most) to the record that holds the real answer.
  auto answer = [&](size_t i) {
    for (int hop = 0; hop < 5 && pages.final_url(i) != pages.url(i) && pages[i].error_kind == ErrorKind::None; ++hop) {
      auto next = pages.own(pages.final_url(i));
      if (!next || *next == i) break;
      i = *next;
    }
    return i;
  };
  // Broken target -> the pages linking it (their first link's text), ordered by URL: the same
  // finding whatever order the crawl met the pages in.
  std::map<std::string, std::map<std::string, std::string>> broken;
  std::map<std::string, std::string> challenged;  // target -> the first page (by URL) linking it
  for (auto l : site.links) {
    auto own = pages.own(l.to_url);
    if (!own) continue;
    size_t to = answer(*own);
    // Targets behind an anti-bot challenge: for a person to open, never counted as broken.
    if (pages[to].error_kind == ErrorKind::Challenge)
      if (auto [c, fresh] = challenged.emplace(l.to_url, l.from_url); !fresh && l.from_url < c->second) c->second = l.from_url;
    if (l.tag == "img" || l.tag == "script" || !broken_answer(pages[to].error_kind, pages[to].status)) continue;
    broken[std::string(l.to_url)].emplace(l.from_url, l.text);
  }
  std::vector<Finding> out;
  for (auto& [to, from] : challenged) {
    auto p = site.page_at(answer(*pages.own(to)));
    out.push_back({site.site.id, "links.manual_check", to, from, nlohmann::json{{"reason", p->error}, {"status", p->status}}.dump()});
  }
  for (auto& [to, from_pages] : broken) {
    size_t own = *pages.own(to), last = answer(own);
    auto p = site.page_at(last);  // the final answer
    nlohmann::json src = nlohmann::json::array();
    for (auto& [from, text] : from_pages)
      if (src.size() < 5) src.push_back({{"page", from}, {"text", text}});
    // The hops from the linked URL: its own record's, then those of the record it leads to (a page
    // the crawl had met first under the URL redirected to, whose own answer was fetched there).
    nlohmann::json chain = nlohmann::json::array();
    auto first = own == last ? p : site.page_at(own);
    for (auto& r : first->redirects) chain.push_back({{"url", r.url}, {"status", r.status}});
    if (own != last)
      for (auto& r : p->redirects) chain.push_back({{"url", r.url}, {"status", r.status}});
    nlohmann::json d = {{"status", p->status}, {"error_kind", name(p->error_kind)}, {"error", p->error},
                        {"linked_from_pages", from_pages.size()}, {"sources", src}, {"checked_at", p->fetched_at}};
    if (!chain.empty()) d["redirects"] = chain;
    out.push_back({site.site.id, "links.broken", to, from_pages.begin()->first, d.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace)});
  }
  return out;
}

}  // namespace govaudit
