// Tasks into the frontier (frontier.hpp decides; a link's limits are recorded here), and what the
// Engine does per host: its DNS lookup and its robots.txt.
#include <spdlog/spdlog.h>

#include "crawler/engine/engine.hpp"

namespace govaudit::engine {

void Engine::enqueue(Task t, bool front) {
  auto prod = url::parts(t.url);
  auto p = cfg_.crawl.remap.empty() ? prod : url::parts(fetch_url(t.url));
  if (!p || !prod) {
    record_failure(t, ErrorKind::Url, "cannot parse the URL");
    return;
  }
  frontier_.push(std::move(t), *p, prod->host, sites_, front);
}

void Engine::discover(const Task& from, const std::string& to, Mode mode) {
  SiteState& s = sites_[from.site];
  auto link = frontier_.discover(s, from.depth, to, mode);
  if (link.kind == Frontier::Link::Limited) {
    limit(s, link.limit);
  } else if (link.kind == Frontier::Link::Check) {
    // Attachments in a format govaudit reads are downloaded (GET) to look for personal data.
    Task t = make_task(from.site, to, link.depth, Mode::Check, true);
    t.head = readable_format(t, "").empty();
    add(std::move(t));
  } else if (link.kind == Frontier::Link::Page) {
    add(make_task(from.site, to, link.depth, mode, false));
  }
}

std::vector<std::string> Engine::resolve_entries(const Host& h) const {
  std::string addrs;
  for (auto& a : h.answer.v4) addrs += (addrs.empty() ? "" : ",") + a;
  for (auto& a : h.answer.v6) addrs += (addrs.empty() ? "" : ",") + ("[" + a + "]");
  if (addrs.empty()) return {};
  std::string name = h.name.find(':') != std::string::npos ? "[" + h.name + "]" : h.name;
  return {name + ":" + std::to_string(h.port) + ":" + addrs};
}

void Engine::resolve(Host& h) {
  h.dns = Host::Resolving;
  ++dns_pending_;
  resolver_.resolve(h.name, [this, key = h.key](const HostAnswer& a) { on_resolved(key, a); });
}

void Engine::on_resolved(const std::string& host_key, const HostAnswer& a) {
  assert_io_thread();
  --dns_pending_;
  Host& h = frontier_.host(host_key);
  h.answer = a;
  h.dns = Host::Resolved;
  record_dns(a);
  // Other ports/schemes of the same name share the answer.
  for (auto& [k, other] : frontier_.hosts())
    if (other.name == a.host && other.dns != Host::Resolved) {
      other.answer = a;
      other.dns = Host::Resolved;
    }
  step_done();
}

// Each name's A and AAAA answers are recorded once per run.
void Engine::record_dns(const HostAnswer& a) {
  if (!recorded_dns_.insert(a.host).second) return;
  emit(DnsRecord{a.host, "A", a.v4, a.error4, a.elapsed_ms});
  emit(DnsRecord{a.host, "AAAA", a.v6, a.error6, a.elapsed_ms});
}

void Engine::fetch_robots(Host& h) {
  h.robots = Host::RobotsFetching;
  frontier_.occupy(h, Clock::now(), false);
  FetchRequest req;
  req.url = h.key + "/robots.txt";
  req.resolve = resolve_entries(h);
  req.max_body = 512 * 1024;
  with_host_settings(h, req);
  transport_->fetch(std::move(req), [this, key = h.key](FetchResult r) { on_robots(key, std::move(r)); });
}

void Engine::on_robots(const std::string& host_key, FetchResult r) {
  assert_io_thread();
  Host& h = frontier_.host(host_key);
  frontier_.vacate(h);
  if (auto ex = exchange(host_key + "/robots.txt", r)) {
    ex->body = r.body;
    emit(ex);
  }
  // 2xx: obey; 4xx: no restrictions; 5xx or network failure: proceed, recorded in the log.
  if (r.error_kind == ErrorKind::None && r.status >= 200 && r.status < 300) h.rules = Robots::parse(r.body);
  else if (r.error_kind != ErrorKind::None || r.status >= 500)
    spdlog::debug("robots.txt of {}: {} — crawling without restrictions", host_key, r.error.empty() ? std::to_string(r.status) : r.error);
  h.robots = Host::RobotsReady;
  step_done();
}

}  // namespace govaudit::engine
