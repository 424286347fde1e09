// Resuming a killed crawl: its stored pages, probes, DNS answers and limits rebuild the crawl
// state, and the frontier entries it had not finished are queued again.
#include <spdlog/spdlog.h>

#include "crawler/engine/engine.hpp"

namespace govaudit::engine {

// Rebuilds the state of an unfinished run and queues its open tasks; returns the sites that
// had started (the others are seeded afresh).
std::set<int> Engine::restore(const CrawlState& st) {
  std::map<std::string, int> by_id;
  for (size_t i = 0; i < sites_.size(); ++i) by_id[sites_[i].site->id] = int(i);
  std::set<std::string> pages_done, probes_done;
  auto probe_key = [](const std::string& site, const std::string& u, int family, std::string_view purpose, int attempt) {
    return site + '\n' + u + '\n' + std::to_string(family) + '\n' + std::string(purpose) + '\n' + std::to_string(attempt);
  };
  for (auto& p : st.pages) {
    auto it = by_id.find(p.site_id);
    if (it == by_id.end()) continue;
    SiteState& s = sites_[it->second];
    pages_done.insert(p.site_id + '\n' + p.url);
    s.seen.insert(p.url);
    s.seen.insert(p.final_url);
    if (!p.crawl().digest.empty()) {
      ++s.pages_done;
      if (p.duplicate_of.empty()) s.digests.first(p.crawl().digest, p.url);
    }
    if (p.kind == PageKind::External || p.kind == PageKind::Attachment)
      recorder_.remember(p.url, check_of(p));
    if (p.kind == PageKind::Home && p.error_kind != ErrorKind::Challenge && (p.error_kind != ErrorKind::None || p.status >= 400 || p.status == 0)) {
      s.unreachable = true;
      s.error = p.error.empty() ? "HTTP " + std::to_string(p.status) : p.error;
    }
  }
  for (auto& p : st.probes) probes_done.insert(probe_key(p.site_id, p.url, p.family, name(p.purpose), p.attempt));
  for (auto& d : st.dns) recorded_dns_.insert(d.type == "NS" ? "NS " + d.host : d.host);
  for (auto& l : st.limits)
    if (auto it = by_id.find(l.site_id); it != by_id.end()) sites_[it->second].limits.insert(l.what);
  std::set<int> started;
  int requeued = 0;
  for (auto& f : st.frontier) {
    auto it = by_id.find(f.site_id);
    if (it == by_id.end()) continue;
    int site = it->second;
    SiteState& s = sites_[site];
    started.insert(site);
    Mode m = mode_of(f.mode);
    Task t = make_task(site, f.url, f.depth, m, f.head);
    t.family = f.family;
    if (m == Mode::Probe) t.purpose = probe_purpose_from(f.purpose);
    t.attempt = f.attempt;
    bool done;
    if (m == Mode::Probe) {
      planner_.numbered(f.attempt);
      if (t.purpose == ProbePurpose::Link2 || t.purpose == ProbePurpose::Link3) s.probed.insert(f.url);
      if (t.purpose == ProbePurpose::Link3) ++s.link3;
      s.probes_scheduled = true;
      done = probes_done.count(probe_key(f.site_id, f.url, f.family, f.purpose, f.attempt)) > 0;
    } else {
      s.seen.insert(f.url);
      if (m != Mode::Check) {
        ++s.pages_queued;
        if (auto p = url::parts(f.url); p && !p->query.empty()) s.queries[p->path].insert(p->query);
      }
      done = pages_done.count(f.site_id + '\n' + f.url) > 0;
    }
    if (done) continue;
    ++s.outstanding;
    ++requeued;
    enqueue(std::move(t));
  }
  // Name-server lookups are cheap and not tasks: asked again where not yet recorded.
  for (int site : started)
    if (sites_[site].probes_scheduled)
      if (auto hp = url::parts(sites_[site].site->homepage)) delegation(hp->host);
  spdlog::info("resuming: {} pages and {} probes already recorded, {} tasks queued again", st.pages.size(),
               st.probes.size(), requeued);
  return started;
}

}  // namespace govaudit::engine
