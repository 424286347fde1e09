#include "crawler/engine/probe_plan.hpp"

#include <algorithm>
#include <set>

#include "crawler/engine/parse_job.hpp"

namespace govaudit::engine {

std::string ProbePlanner::production_url(const std::string& u) const { return remap_to_production(crawl_.remap, u); }

Task ProbePlanner::task(int site, const std::string& u, int family, ProbePurpose purpose) {
  bool head = purpose == ProbePurpose::Link2 || purpose == ProbePurpose::Link3;
  Task t = make_task(site, u, 0, Mode::Probe, head);
  t.family = family;
  t.purpose = purpose;
  t.attempt = serial_++;
  return t;
}

ProbePlan ProbePlanner::homepage(SiteState& s, const Task& home, const extract::Page& page, const std::string& base, bool links) {
  ProbePlan plan;
  plan.site = home.site;
  if (s.probes_scheduled) return plan;
  s.probes_scheduled = true;
  // IPv6: the configured number of attempts; IPv4: one fetch at the same moment, the baseline
  // the IPv6 homepage is compared with (the crawl itself has already shown that IPv4 works).
  plan.tasks.push_back(task(home.site, home.url, 4, ProbePurpose::Homepage));
  for (int i = 0; i < crawl_.ipv6_homepage_attempts; ++i) plan.tasks.push_back(task(home.site, home.url, 6, ProbePurpose::Homepage));
  if (links) this->links(plan, s, page, base, ProbePurpose::Link2);
  auto hp = url::parts(s.site->homepage);
  if (!hp) return plan;
  plan.delegation = hp->host;
  // HTTPS: served, certificate valid and not expiring, and plain HTTP sent over to it.
  std::string https = hp->scheme == "https" ? s.site->homepage
                      : "https://" + hp->host + (crawl_.https_port == 443 ? "" : ":" + std::to_string(crawl_.https_port)) + "/";
  plan.tasks.push_back(task(home.site, https, 0, ProbePurpose::Https));
  plan.tasks.push_back(task(home.site, https, 0, ProbePurpose::HttpsCert));
  if (hp->scheme == "https") plan.tasks.push_back(task(home.site, "http://" + hp->host + "/", 0, ProbePurpose::HttpRedirect));
  search(plan, s, page, base);
  return plan;
}

// The homepage's site search, asked for the titles of its two newest dated items: a search that
// errors or does not find them is broken. A search run by script or by POST is recorded as such
// (for a manual check), never guessed at.
void ProbePlanner::search(ProbePlan& plan, SiteState& s, const extract::Page& page, const std::string& base) {
  if (page.search_forms.empty()) return;
  const extract::SearchForm& f = page.search_forms.front();
  auto action = url::resolve(base, f.action.empty() ? base : f.action);
  if (f.script_only || f.post || !action) {
    ProbeRecord p;
    p.site_id = s.site->id;
    p.url = action ? production_url(*action) : s.site->homepage;
    p.family = 0;
    p.purpose = ProbePurpose::Search;
    p.error = f.post ? "manual: the search form is sent by POST" : "manual: the search runs by script only";
    plan.records.push_back(std::move(p));
    return;
  }
  std::vector<const extract::Item*> items;
  for (auto& i : page.items)
    if (i.date && i.title.size() >= 12) items.push_back(&i);
  std::stable_sort(items.begin(), items.end(), [](auto* a, auto* b) { return *a->date > *b->date; });
  std::set<std::string> asked;
  for (auto* i : items) {
    if (asked.size() >= 2) break;
    // Its first 20 characters: search engines match words, and long titles are cut in lists.
    std::string words = i->title;
    size_t chars = 0, cut = 0;
    while (cut < words.size() && chars < 20) {
      unsigned char c = words[cut];
      cut += c < 0x80 ? 1 : c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : 2;
      ++chars;
    }
    words = words.substr(0, std::min(cut, words.size()));
    if (!asked.insert(words).second) continue;
    std::string q = *action + (action->find('?') == std::string::npos ? "?" : "&");
    for (auto& [k, v] : f.hidden) q += url::encode_component(k) + "=" + url::encode_component(v) + "&";
    q += url::encode_component(f.field) + "=" + url::encode_component(words);
    std::string target = production_url(q);
    s.searches[target] = words;
    plan.tasks.push_back(task(plan.site, target, 0, ProbePurpose::Search));
  }
}

void ProbePlanner::links(ProbePlan& plan, SiteState& s, const extract::Page& page, const std::string& base, ProbePurpose purpose) {
  bool third = purpose == ProbePurpose::Link3;
  for (auto& l : page.links) {
    if ((l.tag != "a" && l.tag != "area") || l.href.empty() || l.href[0] == '#') continue;
    auto to = url::resolve(base, l.href);
    if (!to || !s.probed.insert(*to)) continue;
    if (third && s.link3 >= crawl_.ipv6_third_level_max) {
      plan.limits.push_back("IPv6 third-level links measured (" + std::to_string(crawl_.ipv6_third_level_max) + ")");
      return;
    }
    if (third) ++s.link3;
    plan.tasks.push_back(task(plan.site, production_url(*to), 6, purpose));
  }
}

}  // namespace govaudit::engine
