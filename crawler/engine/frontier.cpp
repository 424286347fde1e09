// The frontier's host queues, politeness and discovery (frontier.hpp).
#include "crawler/engine/frontier.hpp"

#include <algorithm>

namespace govaudit::engine {

Host& Frontier::host_for(const url::Parts& p) {
  std::string key = p.scheme + "://" + url::host_port(p);
  auto& h = hosts_[key];
  if (h.key.empty()) {
    h.key = key;
    h.name = p.host;
    h.port = p.port;
    h.queue.attach(&spill_);
    if (auto it = crawl_.hosts.find(p.host); it != crawl_.hosts.end()) h.settings = &it->second;
  }
  return h;
}

void Frontier::push(Task t, const url::Parts& fetch, const std::string& host, const std::vector<SiteState>& sites, bool front) {
  Host& h = host_for(fetch);
  if (!h.in_scope) h.in_scope = std::any_of(sites.begin(), sites.end(), [&](const SiteState& s) { return in_site_hosts(s, host); });
  if (front) h.queue.push_front(std::move(t));
  else h.queue.push_back(std::move(t));
}

int Frontier::connections_of(const Host& h) const {
  return h.settings && h.settings->connections ? *h.settings->connections : crawl_.per_host_connections;
}

int Frontier::delay_of(const Host& h) const {
  return h.settings && h.settings->delay_ms ? *h.settings->delay_ms : crawl_.per_host_delay_ms;
}

const std::string& Frontier::server_of(const Host& h) {
  static const std::string none;
  return !h.answer.v4.empty() ? h.answer.v4.front() : !h.answer.v6.empty() ? h.answer.v6.front() : none;
}

bool Frontier::address_has_room(const Host& h) const {
  if (crawl_.per_ip_connections == 0) return true;
  auto it = address_active_.find(server_of(h));
  return it == address_active_.end() || it->second < crawl_.per_ip_connections;
}

Frontier::Room Frontier::room(const Host& h, Clock::time_point now) const {
  if (h.active >= connections_of(h)) return Room::Host;
  if (active_ >= limit_) return Room::Crawl;
  if (!address_has_room(h)) return Room::Address;
  if (delay_of(h) > 0 && now < h.next) return Room::Delay;
  return Room::Yes;
}

void Frontier::occupy(Host& h, Clock::time_point now, bool paced) {
  ++h.active;
  ++address_active_[server_of(h)];
  peak_ = std::max(peak_, ++active_);
  if (paced) h.next = now + std::chrono::milliseconds(delay_of(h));
}

void Frontier::vacate(Host& h) {
  --h.active;
  --address_active_[server_of(h)];
  --active_;
}

bool Frontier::in_site_hosts(const SiteState& s, const std::string& host) {
  return std::find(s.site->hosts.begin(), s.site->hosts.end(), host) != s.site->hosts.end();
}

bool Frontier::is_attachment(const std::string& u) const {
  auto p = url::parts(u);
  return p && is_attachment_path(p->path);
}

bool Frontier::is_attachment_path(std::string_view path) const {
  std::string ext = url::path_extension(path);
  if (ext.empty()) return false;
  auto& list = crawl_.attachment_extensions;
  return std::find(list.begin(), list.end(), ext) != list.end();
}

Frontier::Link Frontier::discover(SiteState& s, int from_depth, const std::string& to, Mode mode) const {
  Link out;
  if (s.seen.contains(to)) return out;
  auto p = url::parts(to);
  if (!p) return out;
  auto limited = [&](std::string what) {
    out.kind = Link::Limited;
    out.limit = std::move(what);
    return out;
  };
  bool in_scope = in_site_hosts(s, p->host);
  if (int(to.size()) > crawl_.max_url_length) return limited("URL length (" + std::to_string(crawl_.max_url_length) + ")");
  if (!in_scope || is_attachment_path(p->path)) {  // only asked whether it answers
    if (!in_scope && !crawl_.check_external_links) return out;
    s.seen.insert(to);
    out.kind = Link::Check;
    out.depth = from_depth + 1;
    return out;
  }
  if (from_depth + 1 > crawl_.max_depth) return limited("depth (" + std::to_string(crawl_.max_depth) + ")");
  if (!p->query.empty()) {
    auto& q = s.queries[p->path];
    if (!q.contains(p->query) && int(q.size()) >= crawl_.max_query_variants_per_path)
      return limited("query variants per path (" + std::to_string(crawl_.max_query_variants_per_path) + ") on " + p->path);
    q.insert(p->query);
  }
  if (s.pages_queued >= crawl_.max_pages_per_site) return limited("pages per site (" + std::to_string(crawl_.max_pages_per_site) + ")");
  s.seen.insert(to);
  ++s.pages_queued;
  out.kind = Link::Page;
  out.depth = mode == Mode::Home ? from_depth : from_depth + 1;
  return out;
}

}  // namespace govaudit::engine
