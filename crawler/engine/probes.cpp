// The Engine's side of the IPv6 and HTTPS measurements the ProbePlanner plans (probe_plan.hpp):
// their tasks queued and their answers recorded, and the DNS delegation of the site's zone
// (授权体系) looked up.
#include <boost/asio/post.hpp>
#include <nlohmann/json.hpp>

#include "crawler/engine/engine.hpp"
#include "crawler/engine/fetch_policy.hpp"

namespace govaudit::engine {

// The planner's measurements of a site: its tasks queued, what it found without a fetch recorded,
// and the site's zone's delegation looked up.
void Engine::carry_out(ProbePlan plan) {
  SiteState& s = sites_[plan.site];
  for (auto& l : plan.limits) limit(s, l);
  for (auto& t : plan.tasks) add(std::move(t));
  if (!plan.delegation.empty()) delegation(plan.delegation);
  for (auto& r : plan.records) emit(std::move(r));
}

void Engine::schedule_probes(const Task& home, const extract::Page& page, const std::string& base) {
  SiteState& s = sites_[home.site];
  // A delta takes the IPv6 link measurements of the earlier crawl (copied after the crawl).
  carry_out(planner_.homepage(s, home, page, base, !delta_ || !prior_->run_of(s.site->id)));
}

void Engine::probe_links(int site, const extract::Page& page, const std::string& base, ProbePurpose purpose) {
  ProbePlan plan;
  plan.site = site;
  planner_.links(plan, sites_[site], page, base, purpose);
  carry_out(std::move(plan));
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
