// The frontier: one queue per scheme://host:port with its DNS answer, robots.txt and politeness
// (connections and delay per host, crawl.host overrides), and discovery: which links become
// tasks, within the site's hosts and the crawl's limits against traps.
#include <spdlog/spdlog.h>

#include <algorithm>

#include "crawler/engine/engine.hpp"

namespace govaudit::engine {

bool Engine::in_site_hosts(const SiteState& s, const std::string& host) const {
  return std::find(s.site->hosts.begin(), s.site->hosts.end(), host) != s.site->hosts.end();
}

Host& Engine::host_for(const url::Parts& p) {
  std::string key = p.scheme + "://" + url::host_port(p);
  auto& h = hosts_[key];
  if (h.key.empty()) {
    h.key = key;
    h.name = p.host;
    h.port = p.port;
    if (auto it = cfg_.crawl.hosts.find(p.host); it != cfg_.crawl.hosts.end()) h.settings = &it->second;
  }
  return h;
}

int Engine::connections_of(const Host& h) const {
  return h.settings && h.settings->connections ? *h.settings->connections : cfg_.crawl.per_host_connections;
}

const std::string& Engine::server_of(const Host& h) {
  static const std::string none;
  return !h.answer.v4.empty() ? h.answer.v4.front() : !h.answer.v6.empty() ? h.answer.v6.front() : none;
}

bool Engine::ip_room(const Host& h) {
  return cfg_.crawl.per_ip_connections == 0 || ip_active_[server_of(h)] < cfg_.crawl.per_ip_connections;
}

void Engine::occupy(Host& h) {
  ++h.active;
  ++ip_active_[server_of(h)];
  peak_active_ = std::max(peak_active_, ++active_);
}

void Engine::vacate(Host& h) {
  --h.active;
  --ip_active_[server_of(h)];
  --active_;
}

int Engine::delay_of(const Host& h) const {
  return h.settings && h.settings->delay_ms ? *h.settings->delay_ms : cfg_.crawl.per_host_delay_ms;
}

void Engine::enqueue(Task t, bool front) {
  auto prod = url::parts(t.url);
  auto p = cfg_.crawl.remap.empty() ? prod : url::parts(fetch_url(t.url));
  if (!p || !prod) {
    record_failure(t, ErrorKind::Url, "cannot parse the URL");
    return;
  }
  Host& h = host_for(*p);
  if (!h.in_scope)
    for (auto& s : sites_)
      if (in_site_hosts(s, prod->host)) h.in_scope = true;
  if (front) h.queue.push_front(std::move(t));
  else h.queue.push_back(std::move(t));
}

void Engine::discover(const Task& from, const std::string& to, Mode mode) {
  SiteState& s = sites_[from.site];
  if (s.seen.count(to)) return;
  auto p = url::parts(to);
  if (!p) return;
  bool in_scope = in_site_hosts(s, p->host);
  bool attachment = is_attachment_path(p->path);
  if (int(to.size()) > cfg_.crawl.max_url_length) {
    limit(s, "URL length (" + std::to_string(cfg_.crawl.max_url_length) + ")");
    return;
  }
  if (!in_scope || attachment) {
    if (!in_scope && !cfg_.crawl.check_external_links) return;
    s.seen.insert(to);
    // Attachments in a format govaudit reads are downloaded (GET) to look for personal data.
    Task t = make_task(from.site, to, from.depth + 1, Mode::Check, true);
    t.head = readable_format(t, "").empty();
    add(std::move(t));
    return;
  }
  if (from.depth + 1 > cfg_.crawl.max_depth) {
    limit(s, "depth (" + std::to_string(cfg_.crawl.max_depth) + ")");
    return;
  }
  if (!p->query.empty()) {
    auto& q = s.queries[p->path];
    if (!q.count(p->query) && int(q.size()) >= cfg_.crawl.max_query_variants_per_path) {
      limit(s, "query variants per path (" + std::to_string(cfg_.crawl.max_query_variants_per_path) + ") on " + p->path);
      return;
    }
    q.insert(p->query);
  }
  if (s.pages_queued >= cfg_.crawl.max_pages_per_site) {
    limit(s, "pages per site (" + std::to_string(cfg_.crawl.max_pages_per_site) + ")");
    return;
  }
  s.seen.insert(to);
  ++s.pages_queued;
  add(make_task(from.site, to, mode == Mode::Home ? from.depth : from.depth + 1, mode, false));
}

bool Engine::is_attachment(const std::string& u) const {
  auto p = url::parts(u);
  return p && is_attachment_path(p->path);
}

bool Engine::is_attachment_path(std::string_view path) const {
  std::string ext = url::path_extension(path);
  if (ext.empty()) return false;
  auto& list = cfg_.crawl.attachment_extensions;
  return std::find(list.begin(), list.end(), ext) != list.end();
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
  Host& h = hosts_[host_key];
  h.answer = a;
  h.dns = Host::Resolved;
  record_dns(a);
  // Other ports/schemes of the same name share the answer.
  for (auto& [k, other] : hosts_)
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
  occupy(h);
  FetchRequest req;
  req.url = h.key + "/robots.txt";
  req.resolve = resolve_entries(h);
  req.max_body = 512 * 1024;
  with_host_settings(h, req);
  fetcher_.fetch(std::move(req), [this, key = h.key](FetchResult r) { on_robots(key, std::move(r)); });
}

void Engine::on_robots(const std::string& host_key, FetchResult r) {
  assert_io_thread();
  Host& h = hosts_[host_key];
  vacate(h);
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
