// The IPv6 and HTTPS measurements: the homepage over IPv4 and (several times) over IPv6, its
// second- and third-level links over IPv6, HTTPS with its certificate and the HTTP→HTTPS
// redirect, and the DNS delegation of the site's zone (授权体系).
#include <boost/asio/post.hpp>
#include <nlohmann/json.hpp>

#include "crawler/engine/engine.hpp"
#include "model/clock.hpp"
#include "crawler/engine/fetch_policy.hpp"

namespace govaudit::engine {

void Engine::schedule_probes(const Task& home, const extract::Page& page, const std::string& base) {
  SiteState& s = sites_[home.site];
  if (s.probes_scheduled) return;
  s.probes_scheduled = true;
  // IPv6: the configured number of attempts; IPv4: one fetch at the same moment, the baseline
  // the IPv6 homepage is compared with (the crawl itself has already shown that IPv4 works).
  add(probe_task(home.site, home.url, 4, ProbePurpose::Homepage));
  for (int i = 0; i < cfg_.crawl.ipv6_homepage_attempts; ++i) add(probe_task(home.site, home.url, 6, ProbePurpose::Homepage));
  // A delta takes the IPv6 link measurements of the earlier crawl (copied after the crawl).
  if (!delta_ || !prior_->run_of(s.site->id)) probe_links(home.site, page, base, ProbePurpose::Link2);
  auto hp = url::parts(s.site->homepage);
  if (!hp) return;
  delegation(hp->host);
  // HTTPS: served, certificate valid and not expiring, and plain HTTP sent over to it.
  std::string https = hp->scheme == "https" ? s.site->homepage
                      : "https://" + hp->host + (cfg_.crawl.https_port == 443 ? "" : ":" + std::to_string(cfg_.crawl.https_port)) + "/";
  add(probe_task(home.site, https, 0, ProbePurpose::Https));
  add(probe_task(home.site, https, 0, ProbePurpose::HttpsCert));
  if (hp->scheme == "https") add(probe_task(home.site, "http://" + hp->host + "/", 0, ProbePurpose::HttpRedirect));
  probe_search(home.site, page, base);
}

// The homepage's site search, asked for the titles of its two newest dated items: a search that
// errors or does not find them is broken. A search run by script or by POST is recorded as such
// (for a manual check), never guessed at.
void Engine::probe_search(int site, const extract::Page& page, const std::string& base) {
  if (page.search_forms.empty()) return;
  SiteState& s = sites_[site];
  const extract::SearchForm& f = page.search_forms.front();
  auto action = url::resolve(base, f.action.empty() ? base : f.action);
  if (f.script_only || f.post || !action) {
    ProbeRecord p;
    p.site_id = s.site->id;
    p.url = action ? production_url(*action) : s.site->homepage;
    p.family = 0;
    p.purpose = ProbePurpose::Search;
    p.error = f.post ? "manual: the search form is sent by POST" : "manual: the search runs by script only";
    emit(std::move(p));
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
    add(probe_task(site, target, 0, ProbePurpose::Search));
  }
}

// The distinct http(s) <a href> targets of a page (fragment-only hrefs excluded), probed over IPv6.
void Engine::probe_links(int site, const extract::Page& page, const std::string& base, ProbePurpose purpose) {
  SiteState& s = sites_[site];
  bool third = purpose == ProbePurpose::Link3;
  for (auto& l : page.links) {
    if ((l.tag != "a" && l.tag != "area") || l.href.empty() || l.href[0] == '#') continue;
    auto to = url::resolve(base, l.href);
    if (!to || !s.probed.insert(*to).second) continue;
    if (third && s.link3 >= cfg_.crawl.ipv6_third_level_max) {
      limit(s, "IPv6 third-level links measured (" + std::to_string(cfg_.crawl.ipv6_third_level_max) + ")");
      return;
    }
    if (third) ++s.link3;
    add(probe_task(site, production_url(*to), 6, purpose));
  }
}

// DNS delegation over IPv6 (授权体系): the zone's name servers and their addresses. The zone is
// the longest parent of the host that has NS records.
void Engine::delegation(const std::string& host) {
  std::vector<std::string> zones;
  for (size_t p = host.find('.'); p != std::string::npos && host.find('.', p + 1) != std::string::npos; p = host.find('.', p + 1))
    zones.push_back(host.substr(p + 1));
  if (zones.empty()) return;
  auto answers = std::make_shared<std::vector<std::pair<std::vector<std::string>, std::string>>>(zones.size());
  auto left = std::make_shared<size_t>(zones.size());
  for (size_t i = 0; i < zones.size(); ++i) {
    ++dns_pending_;
    resolver_.name_servers(zones[i], [this, i, zones, answers, left](std::vector<std::string> ns, std::string err) {
      on_name_servers(zones, i, std::move(ns), std::move(err), answers, left);
    });
  }
}

// When every parent zone has answered, the longest with NS records is the host's zone.
void Engine::on_name_servers(const std::vector<std::string>& zones, size_t i, std::vector<std::string> ns, std::string err,
                             const std::shared_ptr<std::vector<std::pair<std::vector<std::string>, std::string>>>& answers,
                             const std::shared_ptr<size_t>& left) {
  assert_io_thread();
  --dns_pending_;
  (*answers)[i] = {std::move(ns), std::move(err)};
  if (--*left == 0)
    for (size_t k = 0; k < zones.size(); ++k)
      if (!(*answers)[k].first.empty() || k + 1 == zones.size()) {
        auto& [names, error] = (*answers)[k];
        if (recorded_dns_.insert("NS " + zones[k]).second) emit(DnsRecord{zones[k], "NS", names, error, 0});
        for (auto& n : names) resolve_only(n);
        break;
      }
  step_done();
}

// Resolves and records a name that no task will fetch (a name server).
void Engine::resolve_only(const std::string& name) {
  if (recorded_dns_.count(name)) return;
  ++dns_pending_;
  resolver_.resolve(name, [this](const HostAnswer& a) {
    assert_io_thread();
    --dns_pending_;
    record_dns(a);
    maybe_finish();
  });
}

Task Engine::probe_task(int site, const std::string& u, int family, ProbePurpose purpose) {
  bool head = purpose == ProbePurpose::Link2 || purpose == ProbePurpose::Link3;
  Task t = make_task(site, u, 0, Mode::Probe, head);
  t.family = family;
  t.purpose = purpose;
  t.attempt = probe_serial_++;
  return t;
}

void Engine::probe_complete(Task t, FetchResult r) {
  spend(t);
  if (t.purpose == ProbePurpose::HttpsCert) {
    nlohmann::json c = {{"expire", r.cert_expire}, {"subject", r.cert_subject}};
    record_probe(t, r, c.dump());
    return;
  }
  if (t.purpose == ProbePurpose::HttpRedirect) {
    record_probe(t, r, r.location);
    return;
  }
  if (t.head && fetch_policy::refuses_head(r)) {
    t.head = false;
    enqueue(std::move(t), true);
    return;
  }
  if (t.head == false && t.purpose != ProbePurpose::Homepage && r.error_kind == ErrorKind::Size) r.error_kind = ErrorKind::None, r.error.clear();
  if (fetch_policy::is_redirect(r)) {
    t.chain.push_back({t.url, r.status});
    auto hop = fetch_policy::next_redirect(t.chain, r.location);
    if (hop.error.empty()) {
      t.url = std::move(hop.next);
      enqueue(std::move(t), true);
      return;
    }
    t.chain.pop_back();
    r.error_kind = ErrorKind::Loop;  // the same rule as the crawl's: a loop or too long a chain is an error
    r.error = hop.error;
  }
  if ((t.purpose == ProbePurpose::Homepage || t.purpose == ProbePurpose::Search) && r.error_kind == ErrorKind::None &&
      r.status >= 200 && r.status < 300) {
    ++parsing_;
    asio::post(pool_, [this, t = std::move(t), r = std::move(r)]() mutable {
      std::string text = probe_text(t.url, r.body, r.content_type);
      asio::post(io_, [this, t = std::move(t), r = std::move(r), text = std::move(text)]() mutable {
        on_probe_parsed(std::move(t), std::move(r), std::move(text));
      });
    });
    return;
  }
  record_probe(t, r, "");
}

// Both families' homepages are recorded alike and compared by the IPv6 rule.
void Engine::on_probe_parsed(Task t, FetchResult r, std::string text) {
  assert_io_thread();
  --parsing_;
  record_probe(t, r, std::move(text));
  step_done();
}

void Engine::record_probe(const Task& t, const FetchResult& r, std::string text) {
  ProbeRecord p;
  p.site_id = sites_[t.site].site->id;
  p.url = t.first_url();
  p.family = t.family;
  p.purpose = t.purpose;
  p.attempt = t.attempt;
  p.status = r.status;
  p.error = r.error_kind == ErrorKind::None ? (r.status >= 400 ? "HTTP " + std::to_string(r.status) : "")
                                 : std::string(name(r.error_kind)) + ": " + r.error;
  p.elapsed_ms = r.elapsed_ms;
  p.digest = text.empty() ? "" : digest(text);
  p.text = std::move(text);
  if (t.purpose == ProbePurpose::Search)
    if (auto q = sites_[t.site].searches.find(p.url); q != sites_[t.site].searches.end()) p.query = q->second;
  emit(std::move(p));
  finished(t);
}

}  // namespace govaudit::engine
