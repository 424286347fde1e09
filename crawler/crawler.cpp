#include "crawler/crawler.hpp"

#include <spdlog/spdlog.h>

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/thread_pool.hpp>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <nlohmann/json.hpp>
#include <deque>
#include <set>
#include <unordered_map>
#include <unordered_set>

#include "crawler/charset.hpp"
#include "crawler/dns.hpp"
#include "crawler/extract.hpp"
#include "crawler/page_record.hpp"
#include "crawler/fetcher.hpp"
#include "crawler/robots.hpp"
#include "crawler/url.hpp"

namespace govaudit {

namespace asio = boost::asio;
using Clock = std::chrono::steady_clock;

std::string digest(std::string_view s) {
  std::uint64_t h = 1469598103934665603ull;
  for (unsigned char c : s) {
    h ^= c;
    h *= 1099511628211ull;
  }
  char buf[17];
  std::snprintf(buf, sizeof buf, "%016llx", static_cast<unsigned long long>(h));
  return buf;
}

namespace {

// Home/Page: crawled and parsed; Check: an attachment or other host's link, only asked whether it
// answers; Probe: fetched over one IP family for the IPv6 measurements.
enum class Mode : std::int8_t { Home, Page, Check, Probe };

// A frontier entry: thousands wait in host queues, so the scalars are packed together and what
// only redirects and probes need stays empty (bench/frontier measures the bytes per queued URL).
struct Task {
  int site = 0;
  int depth = 0;
  int attempt = 0;
  Mode mode = Mode::Page;
  std::int8_t family = 0;  // Probe: 4 or 6
  bool head = false;
  bool asking = false;   // Check: this task fetches the answer others of the same URL wait for
  std::string url;
  std::string origin;    // first URL of a redirect chain, once one is followed
  std::string purpose;   // Probe: homepage, link2, link3
  std::vector<Redirect> chain;
  std::shared_ptr<Exchange> exchange;  // the last answer, as WARC evidence
  const std::string& first_url() const { return origin.empty() ? url : origin; }
};

const char* mode_name(Mode m) {
  return m == Mode::Home ? "home" : m == Mode::Page ? "page" : m == Mode::Check ? "check" : "probe";
}

Mode mode_of(const std::string& s) {
  return s == "home" ? Mode::Home : s == "check" ? Mode::Check : s == "probe" ? Mode::Probe : Mode::Page;
}

Task make_task(int site, const std::string& u, int depth, Mode mode, bool head) {
  Task t;
  t.site = site;
  t.url = u;
  t.depth = depth;
  t.mode = mode;
  t.head = head;
  return t;
}

struct Host {
  std::string key;  // scheme://host:port
  std::string name;
  int port = 0;
  std::deque<Task> queue;
  int active = 0;
  Clock::time_point next{};
  enum { Unresolved, Resolving, Resolved } dns = Unresolved;
  HostAnswer answer;
  enum { RobotsUnknown, RobotsFetching, RobotsReady } robots = RobotsUnknown;
  Robots rules;
  bool in_scope = false;
  const HostSettings* settings = nullptr;  // crawl.host overrides
};

struct SiteState {
  const Site* site = nullptr;
  std::unordered_set<std::string> seen;
  std::unordered_set<std::string> pager_linked;  // pages a stored pager link already names
  std::unordered_map<std::string, std::set<int>> pagers;  // list (first page#total) -> current pages enumerated
  std::unordered_map<std::string, std::unordered_set<std::string>> queries;  // path -> distinct queries
  std::unordered_map<std::string, std::string> digests;                      // content digest -> URL
  std::set<std::string> limits;
  int pages_queued = 0;
  int pages_done = 0;
  bool probes_scheduled = false;
  std::unordered_set<std::string> probed;  // link2/link3 targets already probed over IPv6
  int link3 = 0;
  int outstanding = 0;  // tasks created and not yet recorded
  bool unreachable = false;
  std::string error;
};

struct CheckResult {
  int status = 0;
  std::string final_url, error_kind, error, content_type;
  std::vector<Redirect> chain;
  std::string fetched_at;
  std::string warc;  // the answer's record, when it was kept by an earlier run
};

class Run {
 public:
  Run(const Config& cfg, const NetGuard& guard, Writer& writer)
      : cfg_(cfg), writer_(writer), work_(asio::make_work_guard(io_)), resolver_(io_, cfg.dns),
        fetcher_(io_, cfg.crawl, guard), pool_(size_t(cfg.crawl.parse_threads)), progress_(io_) {}

  void evidence(bool on) { evidence_ = on; }

  void reuse(const std::vector<PageRecord>& recent) {
    for (auto& p : recent)
      checks_[p.url] = CheckResult{p.status, p.final_url, p.error_kind, p.error, p.content_type, p.redirects, p.fetched_at, p.warc};
  }

  CrawlSummary go(const std::vector<Site>& sites, const std::optional<CrawlState>& state) {
    auto t0 = started_ = Clock::now();
    for (auto& s : sites) {
      SiteState st;
      st.site = &s;
      sites_.push_back(std::move(st));
    }
    std::set<int> resumed;
    if (state) resumed = restore(*state);
    for (size_t i = 0; i < sites_.size(); ++i) {
      if (resumed.count(int(i))) continue;
      auto u = url::normalize(sites_[i].site->homepage);
      if (!u) {
        sites_[i].unreachable = true;
        sites_[i].error = "homepage is not an http(s) URL";
        continue;
      }
      sites_[i].seen.insert(*u);
      ++sites_[i].pages_queued;
      add(make_task(int(i), *u, 0, Mode::Home, false));
    }
    flush_frontier();  // the seeds are stored before any fetch
    tty_ = isatty(STDERR_FILENO);
    tick_progress();
    asio::post(io_, [this] { pump(); maybe_finish(); });
    io_.run();
    pool_.join();
    if (tty_) std::fprintf(stderr, "\r\033[K");
    summary_.seconds = std::chrono::duration<double>(Clock::now() - t0).count();
    for (auto& s : sites_) {
      SiteOutcome o;
      o.site_id = s.site->id;
      o.status = s.unreachable ? "unreachable" : "done";
      o.error = s.error;
      o.limits.assign(s.limits.begin(), s.limits.end());
      o.pages = s.pages_done;
      summary_.sites.push_back(std::move(o));
    }
    return summary_;
  }

 private:
  // ---- resume

  // Rebuilds the state of an unfinished run and queues its open tasks; returns the sites that
  // had started (the others are seeded afresh).
  std::set<int> restore(const CrawlState& st) {
    std::map<std::string, int> by_id;
    for (size_t i = 0; i < sites_.size(); ++i) by_id[sites_[i].site->id] = int(i);
    std::set<std::string> pages_done, probes_done;
    auto probe_key = [](const std::string& site, const std::string& u, int family, const std::string& purpose, int attempt) {
      return site + '\n' + u + '\n' + std::to_string(family) + '\n' + purpose + '\n' + std::to_string(attempt);
    };
    for (auto& p : st.pages) {
      auto it = by_id.find(p.site_id);
      if (it == by_id.end()) continue;
      SiteState& s = sites_[it->second];
      pages_done.insert(p.site_id + '\n' + p.url);
      s.seen.insert(p.url);
      s.seen.insert(p.final_url);
      if (!p.digest.empty()) {
        ++s.pages_done;
        if (p.duplicate_of.empty()) s.digests.emplace(p.digest, p.url);
      }
      if (p.kind == "external" || p.kind == "attachment")
        checks_[p.url] = CheckResult{p.status, p.final_url, p.error_kind, p.error, p.content_type, p.redirects, p.fetched_at, p.warc};
      if (p.kind == "home" && p.error_kind != "challenge" && (!p.error_kind.empty() || p.status >= 400 || p.status == 0)) {
        s.unreachable = true;
        s.error = p.error.empty() ? "HTTP " + std::to_string(p.status) : p.error;
      }
    }
    for (auto& p : st.probes) probes_done.insert(probe_key(p.site_id, p.url, p.family, p.purpose, p.attempt));
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
      t.purpose = f.purpose;
      t.attempt = f.attempt;
      bool done;
      if (m == Mode::Probe) {
        probe_serial_ = std::max(probe_serial_, f.attempt + 1);
        if (f.purpose == "link2" || f.purpose == "link3") s.probed.insert(f.url);
        if (f.purpose == "link3") ++s.link3;
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

  // ---- scheduling

  // A new task: stored in the frontier (with the next record written) and queued.
  void add(Task t) {
    SiteState& s = sites_[t.site];
    ++s.outstanding;
    fresh_.push_back({s.site->id, t.url, mode_name(t.mode), t.depth, t.head, t.family, t.purpose, t.attempt});
    enqueue(std::move(t));
  }

  void flush_frontier() {
    if (fresh_.empty()) return;
    writer_.push(std::move(fresh_));
    fresh_.clear();
  }

  // Records go out after the frontier entries created before them: when a page is stored, the
  // tasks it led to are stored too, so a resumed run loses none.
  void emit(Writer::Record r) {
    flush_frontier();
    writer_.push(std::move(r));
  }

  void finished(const Task& t) { --sites_[t.site].outstanding; }

  void limit(SiteState& s, const std::string& what) {
    if (s.limits.insert(what).second) emit(LimitRecord{s.site->id, what});
  }

  // crawl.remap: production URL -> the URL fetched, and back.
  std::string fetch_url(const std::string& u) const {
    for (auto& [from, to] : cfg_.crawl.remap)
      if (u.rfind(from, 0) == 0) return to + u.substr(from.size());
    return u;
  }
  std::string production_url(const std::string& u) const {
    for (auto& [from, to] : cfg_.crawl.remap)
      if (u.rfind(to, 0) == 0) return from + u.substr(to.size());
    return u;
  }

  bool in_site_hosts(const SiteState& s, const std::string& host) const {
    return std::find(s.site->hosts.begin(), s.site->hosts.end(), host) != s.site->hosts.end();
  }

  Host& host_for(const url::Parts& p) {
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

  int connections_of(const Host& h) const {
    return h.settings && h.settings->connections ? *h.settings->connections : cfg_.crawl.per_host_connections;
  }
  int delay_of(const Host& h) const {
    return h.settings && h.settings->delay_ms ? *h.settings->delay_ms : cfg_.crawl.per_host_delay_ms;
  }

  void enqueue(Task t, bool front = false) {
    auto prod = url::parts(t.url);
    auto p = url::parts(fetch_url(t.url));
    if (!p || !prod) {
      record_failure(t, "url", "cannot parse the URL");
      return;
    }
    Host& h = host_for(*p);
    if (!h.in_scope)
      for (auto& s : sites_)
        if (in_site_hosts(s, prod->host)) h.in_scope = true;
    if (front) h.queue.push_front(std::move(t));
    else h.queue.push_back(std::move(t));
  }

  void pump() {
    // Back-pressure: pages fetched faster than they are parsed would pile up in memory (and be
    // lost to a kill); fetch on only while the parsers keep up. The backlog is deep enough for
    // fetching to go on while the parsers catch up: at 4 pages per parser the two took turns, and
    // the crawl ran 20 % slower. A parse finishing pumps again.
    if (parsing_ >= kParseBacklog * cfg_.crawl.parse_threads || parsing_bytes_ >= kParseBacklogBytes) return;
    if (writer_.pending() > 2 * Writer::kBatch) {  // nor faster than they are stored: look again shortly
      if (!writer_wait_) {
        writer_wait_ = true;
        wake_at(Clock::now() + std::chrono::milliseconds(5), &writer_wait_);
      }
      return;
    }
    auto fail_all = [this](Host& h, const char* kind, const std::string& why) {
      while (!h.queue.empty()) {
        Task t = std::move(h.queue.front());
        h.queue.pop_front();
        FetchResult r;
        r.error_kind = kind;
        r.error = why;
        complete(std::move(t), std::move(r));
      }
    };
    for (auto& [key, h] : hosts_) {
      if (h.queue.empty()) continue;
      if (std::string why = NetGuard::refused_name(h.name); !why.empty()) {  // not even asked of DNS
        fail_all(h, "refused", "not connecting: " + why);
        continue;
      }
      if (h.dns == Host::Unresolved) {
        resolve(h);
        continue;
      }
      if (h.dns == Host::Resolving) continue;
      if (h.answer.v4.empty() && h.answer.v6.empty()) {
        fail_all(h, "dns", "no address for " + h.name + (h.answer.error4.empty() ? "" : " (" + h.answer.error4 + ")"));
        continue;
      }
      bool wants_robots = cfg_.crawl.respect_robots && h.in_scope;
      if (wants_robots && h.robots != Host::RobotsReady) {
        if (h.robots == Host::RobotsUnknown) fetch_robots(h);
        continue;
      }
      auto now = Clock::now();
      while (!h.queue.empty() && h.active < connections_of(h) && active_ < cfg_.crawl.global_connections) {
        if (delay_of(h) > 0 && now < h.next) {
          wake_at(h.next);
          break;
        }
        Task t = std::move(h.queue.front());
        h.queue.pop_front();
        if (sites_[t.site].unreachable && t.mode != Mode::Check && t.mode != Mode::Probe) {
          finished(t);
          continue;
        }
        if (t.mode == Mode::Probe && t.family != 0 && (t.family == 6 ? h.answer.v6.empty() : h.answer.v4.empty())) {
          FetchResult r;
          r.error_kind = "dns";
          r.error = std::string("no ") + (t.family == 6 ? "AAAA" : "A") + " record for " + h.name;
          complete(std::move(t), std::move(r));
          continue;
        }
        auto p = url::parts(fetch_url(t.url));
        if (wants_robots && t.mode != Mode::Home && t.mode != Mode::Probe && !h.rules.allowed(p->path + (p->query.empty() ? "" : "?" + p->query))) {
          FetchResult r;
          r.error_kind = "robots";
          r.error = "disallowed by robots.txt";
          record(t, r);
          continue;
        }
        if (t.mode == Mode::Check && !t.asking && t.chain.empty()) {
          if (auto c = checks_.find(t.url); c != checks_.end()) {
            record_check(t, c->second);
            continue;
          }
          // Another site's check of the same URL is under way: take its answer, don't ask twice.
          if (auto w = check_waiters_.find(t.url); w != check_waiters_.end()) {
            w->second.push_back(std::move(t));
            continue;
          }
          check_waiters_[t.url];
          t.asking = true;
        }
        h.next = now + std::chrono::milliseconds(delay_of(h));
        start(h, std::move(t));
      }
    }
  }

  // Pumps again at `when`, first clearing `waiting` (the flag that keeps one such timer at a time).
  void wake_at(Clock::time_point when, bool* waiting = nullptr) {
    auto timer = std::make_shared<asio::steady_timer>(io_, when);
    ++timers_;
    timer->async_wait([this, timer, waiting](auto) {
      --timers_;
      if (waiting) *waiting = false;
      pump();
      maybe_finish();
    });
  }

  std::vector<std::string> resolve_entries(const Host& h) const {
    std::string addrs;
    for (auto& a : h.answer.v4) addrs += (addrs.empty() ? "" : ",") + a;
    for (auto& a : h.answer.v6) addrs += (addrs.empty() ? "" : ",") + ("[" + a + "]");
    if (addrs.empty()) return {};
    std::string name = h.name.find(':') != std::string::npos ? "[" + h.name + "]" : h.name;
    return {name + ":" + std::to_string(h.port) + ":" + addrs};
  }

  void resolve(Host& h) {
    h.dns = Host::Resolving;
    ++dns_pending_;
    resolver_.resolve(h.name, [this, key = h.key](const HostAnswer& a) {
      --dns_pending_;
      Host& h = hosts_[key];
      h.answer = a;
      h.dns = Host::Resolved;
      if (recorded_dns_.insert(a.host).second) {
        emit(DnsRecord{a.host, "A", a.v4, a.error4, a.elapsed_ms});
        emit(DnsRecord{a.host, "AAAA", a.v6, a.error6, a.elapsed_ms});
      }
      // Other ports/schemes of the same name share the answer.
      for (auto& [k, other] : hosts_)
        if (other.name == a.host && other.dns != Host::Resolved) {
          other.answer = a;
          other.dns = Host::Resolved;
        }
      pump();
      maybe_finish();
    });
  }

  void fetch_robots(Host& h) {
    h.robots = Host::RobotsFetching;
    ++h.active;
    ++active_;
    FetchRequest req;
    req.url = h.key + "/robots.txt";
    req.resolve = resolve_entries(h);
    req.max_body = 512 * 1024;
    with_host_settings(h, req);
    fetcher_.fetch(std::move(req), [this, key = h.key](FetchResult r) {
      Host& h = hosts_[key];
      --h.active;
      --active_;
      if (auto ex = exchange(key + "/robots.txt", r)) emit(ex);
      // 2xx: obey; 4xx: no restrictions; 5xx or network failure: proceed, recorded in the log.
      if (r.error_kind.empty() && r.status >= 200 && r.status < 300) h.rules = Robots::parse(r.body);
      else if (!r.error_kind.empty() || r.status >= 500)
        spdlog::debug("robots.txt of {}: {} — crawling without restrictions", key, r.error.empty() ? std::to_string(r.status) : r.error);
      h.robots = Host::RobotsReady;
      pump();
      maybe_finish();
    });
  }

  void with_host_settings(const Host& h, FetchRequest& req) const {
    req.keep_heads = evidence_;
    if (!h.settings) return;
    req.headers = h.settings->headers;
    req.cookies = h.settings->cookies;
  }

  // The answer as WARC evidence (when kept); the body is copied: parsing still needs it.
  std::shared_ptr<Exchange> exchange(const std::string& fetched_url, const FetchResult& r) const {
    if (!evidence_ || (r.status == 0 && r.response_head.empty())) return nullptr;
    auto e = std::make_shared<Exchange>();
    e->url = fetched_url;
    e->ip = r.primary_ip;
    e->date = now_iso_utc();
    e->request_head = r.request_head;
    e->response_head = r.response_head;
    e->body = r.body;
    e->truncated = r.error_kind == "size";
    return e;
  }

  void start(Host& h, Task t) {
    ++h.active;
    ++active_;
    FetchRequest req;
    req.url = fetch_url(t.url);
    with_host_settings(h, req);
    req.head = t.head;
    req.resolve = resolve_entries(h);
    req.verify_tls = t.purpose != "https_cert";  // the certificate is read even when it is invalid
    req.cert_info = t.purpose == "https_cert";
    // The crawl itself goes over IPv4 where the host has it (deterministic, as evaluators measure);
    // IPv6 is measured by the probes.
    req.ip_family = t.mode == Mode::Probe ? t.family : h.answer.v4.empty() ? 0 : 4;
    if ((t.mode == Mode::Check || (t.mode == Mode::Probe && t.purpose.rfind("link", 0) == 0)) && !t.head)
      req.max_body = 256 * 1024;  // enough to know it answers
    fetcher_.fetch(std::move(req), [this, key = h.key, t = std::move(t)](FetchResult r) mutable {
      Host& h = hosts_[key];
      --h.active;
      --active_;
      t.exchange = exchange(fetch_url(t.url), r);
      if (!r.location.empty()) r.location = production_url(r.location);
      complete(std::move(t), std::move(r));
      pump();
      maybe_finish();
    });
  }

  // ---- completion

  // Anti-bot gateways answer a first visit with a small script that sets a cookie and reloads
  // (often HTTP 412 or 202). Such an answer says nothing about the link: it is not "broken".
  static bool is_challenge(const FetchResult& r) {
    if (r.status != 412 && r.status != 202 && r.status != 200 && r.status != 403) return false;
    if (r.body.empty() || r.body.size() > 16 * 1024 || r.body.find("<script") == std::string::npos) return false;
    bool sets_cookie = r.body.find("document.cookie") != std::string::npos;
    bool reloads = r.body.find("location.reload") != std::string::npos || r.body.find("location.href") != std::string::npos ||
                   r.body.find("location.replace") != std::string::npos;
    if (r.status == 412) return true;
    // A 200/202/403 counts only when the page is nothing but such a script.
    std::string visible = r.body;
    for (size_t a; (a = visible.find("<script")) != std::string::npos;) {
      size_t b = visible.find("</script>", a);
      visible.erase(a, b == std::string::npos ? std::string::npos : b + 9 - a);
    }
    size_t letters = 0;
    bool in_tag = false;
    for (char c : visible) {
      if (c == '<') in_tag = true;
      else if (c == '>') in_tag = false;
      else if (!in_tag && !std::isspace(static_cast<unsigned char>(c))) ++letters;
    }
    return sets_cookie && reloads && letters < 40;
  }

  bool transient(const FetchResult& r) const {
    if (r.error_kind == "timeout" || r.error_kind == "network" || r.error_kind == "connect") return true;
    return r.error_kind.empty() && (r.status >= 500 || r.status == 429);
  }

  // A hop, retry or probe answer is kept as evidence on its own; a final answer goes with its page.
  void spend(Task& t) {
    if (t.exchange) emit(std::move(t.exchange));
    t.exchange.reset();
  }

  void complete(Task t, FetchResult r) {
    summary_.bytes += r.bytes;
    if (t.mode == Mode::Probe) {
      probe_complete(std::move(t), std::move(r));
      return;
    }
    // A GET check stopped at its size cap still answered: not an error.
    if (t.mode == Mode::Check && !t.head && r.error_kind == "size") r.error_kind.clear(), r.error.clear();
    if (transient(r) && t.attempt < cfg_.crawl.retries) {
      spend(t);
      ++t.attempt;
      long delay = long(cfg_.crawl.retry_backoff_ms) << (t.attempt - 1);
      if (r.retry_after_s > 0) delay = std::min<long>(r.retry_after_s, 120) * 1000;
      auto timer = std::make_shared<asio::steady_timer>(io_, std::chrono::milliseconds(delay));
      ++timers_;
      timer->async_wait([this, timer, t = std::move(t)](auto) mutable {
        --timers_;
        enqueue(std::move(t), true);
        pump();
        maybe_finish();
      });
      return;
    }
    if (t.mode == Mode::Check && t.head && r.error_kind.empty() &&
        (r.status == 405 || r.status == 501 || r.status == 403 || r.status == 412)) {
      t.head = false;  // servers that refuse HEAD are asked with GET
      spend(t);
      enqueue(std::move(t), true);
      return;
    }
    if (r.error_kind.empty() && r.status >= 300 && r.status < 400 && !r.location.empty()) {
      follow(std::move(t), std::move(r));
      return;
    }
    if (r.error_kind.empty() && is_challenge(r)) {
      r.error_kind = "challenge";
      r.error = "anti-bot challenge (HTTP " + std::to_string(r.status) + ", script-only answer): needs a manual check";
    }
    bool html = r.content_type.find("html") != std::string::npos ||
                (r.content_type.empty() && r.body.find("<html") != std::string::npos);
    if (t.mode != Mode::Check && r.error_kind.empty() && r.status >= 200 && r.status < 300 && html && !t.head) {
      parse(std::move(t), std::move(r));
      return;
    }
    record(t, r);
  }

  void follow(Task t, FetchResult r) {
    auto next = url::normalize(r.location);
    t.chain.push_back({t.url, r.status});
    bool loop = false;
    for (auto& c : t.chain)
      if (next && c.url == *next) loop = true;
    if (!next || loop || t.chain.size() > 10) {
      r.error_kind = "loop";
      r.error = !next ? "redirect to an unusable URL: " + r.location
                      : loop ? "redirect loop via " + *next : "more than 10 redirects";
      r.status = t.chain.back().status;
      record(t, r);  // the last hop's answer is the page's evidence
      return;
    }
    spend(t);
    SiteState& s = sites_[t.site];
    auto p = url::parts(*next);
    bool in_scope = p && in_site_hosts(s, p->host);
    if (t.mode == Mode::Page && !in_scope) {
      t.mode = Mode::Check;
      t.head = true;
    }
    // A redirect into a page this site already crawls is recorded as that page; not fetched twice.
    if (t.mode == Mode::Page && s.seen.count(*next)) {
      r.error_kind.clear();
      PageRecord pr = base_record(t, r);
      pr.final_url = *next;
      pr.status = 200;  // resolved by the crawl of the target page
      pr.kind = "page";
      pr.error = "redirects to " + *next;
      emit(std::move(pr));
      finished(t);
      return;
    }
    if (t.mode == Mode::Page) s.seen.insert(*next);
    if (t.origin.empty()) t.origin = std::move(t.url);
    t.url = *next;
    t.attempt = 0;
    enqueue(std::move(t), true);
  }

  // What the parse threads make of a page: extraction, and the work that needs no crawl state
  // (resolving every link, the digest, compressing the text), kept off the event loop.
  struct Parsed {
    std::string charset, charset_source;
    extract::Page page;
    std::string base, digest, text_z;
    std::vector<std::optional<std::string>> link_to;  // page.links resolved against base
    std::vector<std::optional<std::string>> item_to;   // page.items resolved against base
  };

  void parse(Task t, FetchResult r) {
    ++parsing_;
    size_t bytes = r.body.size();
    parsing_bytes_ += bytes;
    auto job = [this, bytes, t = std::move(t), r = std::move(r)]() mutable {
      background_thread();
      auto out = std::make_shared<Parsed>();
      {
        auto dec = charset::decode(r.body, r.content_type);
        out->charset = std::move(dec.charset);
        out->charset_source = std::move(dec.source);
        extract::Limits lim;
        lim.max_links = size_t(cfg_.crawl.max_links_per_page);
        out->page = extract::parse(dec.text, t.url, lim);
      }
      extract::Page& page = out->page;
      out->digest = digest(page.text);
      out->text_z = compress_text(page.text);
      out->base = t.url;
      if (!page.base_href.empty())
        if (auto b = url::resolve(t.url, page.base_href)) out->base = production_url(*b);
      auto resolve = [&](const std::string& href) -> std::optional<std::string> {
        auto to = url::resolve(out->base, href);
        if (to) *to = production_url(*to);
        return to;
      };
      for (auto& l : page.links) out->link_to.push_back(resolve(l.href));
      for (auto& i : page.items) out->item_to.push_back(resolve(i.href));
      if (t.exchange) {  // compressed here, beside the single writer
        t.exchange->packed = warc_pack(*t.exchange, cfg_.crawl.warc_gzip_level);
        t.exchange->body = std::string();
      }
      r.body = std::string();
      asio::post(io_, [this, bytes, t = std::move(t), r = std::move(r), out]() mutable {
        --parsing_;
        parsing_bytes_ -= bytes;
        parsed(std::move(t), std::move(r), std::move(*out));
        pump();
        maybe_finish();
      });
    };
    asio::post(pool_, std::move(job));
  }

  PageRecord base_record(const Task& t, const FetchResult& r) {
    PageRecord p;
    p.site_id = sites_[t.site].site->id;
    p.url = t.first_url();
    p.final_url = t.url;
    p.status = r.status;
    p.error_kind = r.error_kind;
    p.error = r.error;
    p.depth = t.depth;
    p.content_type = r.content_type;
    p.bytes = r.bytes;
    p.elapsed_ms = r.elapsed_ms;
    p.fetched_at = now_iso_utc();
    p.redirects = t.chain;
    if (p.error_kind.empty() && p.status >= 400) {
      p.error_kind = "http";
      p.error = "HTTP " + std::to_string(p.status);
    }
    return p;
  }

  void record_failure(const Task& t, const std::string& kind, const std::string& why) {
    FetchResult r;
    r.error_kind = kind;
    r.error = why;
    record(t, r);
  }

  // Records a page that was not parsed (error, attachment, other host's link, non-HTML).
  void record(const Task& t, const FetchResult& r) {
    SiteState& s = sites_[t.site];
    PageRecord p = base_record(t, r);
    p.exchange = t.exchange;
    p.kind = t.mode == Mode::Home ? "home" : t.mode == Mode::Check ? (is_attachment(t.url) ? "attachment" : "external") : "page";
    if (!p.error_kind.empty()) ++summary_.errors[p.error_kind];
    if (t.mode == Mode::Check) {
      ++summary_.checked;
      checks_[p.url] = CheckResult{p.status, p.final_url, p.error_kind, p.error, p.content_type, p.redirects, p.fetched_at, ""};
    }
    if (t.mode == Mode::Home && p.error_kind == "challenge") {
      spdlog::warn("{}: homepage {} answered with an anti-bot challenge: listed for manual check", s.site->id, t.url);
    } else if (t.mode == Mode::Home && (!p.error_kind.empty() || p.status >= 400 || p.status == 0)) {
      s.unreachable = true;
      s.error = p.error.empty() ? "HTTP " + std::to_string(p.status) : p.error;
      spdlog::warn("{}: homepage {} unreachable: {}", s.site->id, t.url, s.error);
    }
    std::string url = p.url;
    emit(std::move(p));
    finished(t);
    if (auto w = check_waiters_.find(url); t.mode == Mode::Check && w != check_waiters_.end()) {
      auto waiting = std::move(w->second);
      check_waiters_.erase(w);
      for (auto& other : waiting) record_check(other, checks_[url]);
    }
  }

  void record_check(const Task& t, const CheckResult& c) {
    PageRecord p;
    p.site_id = sites_[t.site].site->id;
    p.url = t.url;
    p.final_url = c.final_url;
    p.status = c.status;
    p.error_kind = c.error_kind;
    p.error = c.error;
    p.content_type = c.content_type;
    p.redirects = c.chain;
    p.depth = t.depth;
    p.fetched_at = c.fetched_at.empty() ? now_iso_utc() : c.fetched_at;  // when the answer was seen
    p.warc = c.warc;  // empty: the Writer cites this run's record of the same URL
    p.kind = is_attachment(t.url) ? "attachment" : "external";
    emit(std::move(p));
    finished(t);
  }

  bool is_attachment(const std::string& u) const {
    std::string ext = url::extension(u);
    if (ext.empty()) return false;
    auto& list = cfg_.crawl.attachment_extensions;
    return std::find(list.begin(), list.end(), ext) != list.end();
  }

  void parsed(Task t, FetchResult r, Parsed&& parsed) {
    SiteState& s = sites_[t.site];
    ++summary_.pages;
    ++s.pages_done;
    extract::Page& page = parsed.page;
    PageRecord p = base_record(t, r);
    p.exchange = std::move(t.exchange);
    fill_record(p, page, t.mode == Mode::Home);
    p.charset = std::move(parsed.charset);
    p.charset_source = std::move(parsed.charset_source);
    p.text_z = std::move(parsed.text_z);
    p.digest = std::move(parsed.digest);
    bool duplicate = false;
    if (auto [it, inserted] = s.digests.emplace(p.digest, p.url); !inserted && t.mode != Mode::Home) {
      p.duplicate_of = it->second;
      duplicate = true;
    }
    const std::string& base = parsed.base;
    std::vector<LinkRecord> links;
    std::vector<ItemRecord> items;
    if (!duplicate) {
      if (page.links_truncated) limit(s, "links per page (" + std::to_string(cfg_.crawl.max_links_per_page) + ") on " + t.url);
      if (page.depth_capped) limit(s, "element nesting (" + std::to_string(extract::Limits{}.max_depth) + ") on " + t.url);
      if (page.elements_capped) limit(s, "elements per page (" + std::to_string(extract::Limits{}.max_elements) + ") on " + t.url);
      // A homepage that is only a script or meta-refresh stub hands "home" on to its target.
      bool has_redirect = std::any_of(page.links.begin(), page.links.end(), [](auto& l) { return l.tag == "redirect"; });
      bool home_redirect_only = t.mode == Mode::Home && has_redirect && page.links.size() <= 3;
      if (t.mode == Mode::Home && !home_redirect_only) schedule_probes(t, page, base);
      if (t.mode == Mode::Page && t.depth == 1 && cfg_.crawl.ipv6_third_level_max > 0) probe_links(t.site, page, base, "link3");
      links.reserve(page.links.size());  // the page's links are moved into them
      for (size_t i = 0; i < page.links.size(); ++i) {
        auto& l = page.links[i];
        auto& to = parsed.link_to[i];
        if (!to) continue;
        Mode m = l.tag == "redirect" && home_redirect_only ? Mode::Home : Mode::Page;
        if (l.tag != "img" && l.tag != "script") discover(t, *to, m);
        links.push_back({s.site->id, p.url, std::move(*to), std::move(l.tag), std::move(l.text)});
      }
      // A TRS pager names every page of the list on every page: N² rows for an N-page list. One
      // row per page is kept, from the page that named it first (a page crawled before it). Two
      // pages of a list (two different current pages) name every page between them, so the
      // list's further pages are not enumerated again (N² URLs made and looked up, for nothing).
      if (page.pager)
        if (auto first = url::resolve(t.url, page.pager->prefix + "." + page.pager->ext)) {
          auto& currents = s.pagers[*first + "#" + std::to_string(page.pager->total)];
          if (currents.size() < 2 && currents.insert(page.pager->current).second)
            for (auto& rel : extract::pager_pages(*page.pager, size_t(cfg_.crawl.max_pages_per_site)))
              if (auto to = url::resolve(t.url, rel)) {
                discover(t, *to, Mode::Page);
                if (s.pager_linked.insert(*to).second) links.push_back({s.site->id, p.url, std::move(*to), "pager", ""});
              }
        }
      for (size_t i = 0; i < page.items.size(); ++i)
        if (auto& to = parsed.item_to[i])
          items.push_back({s.site->id, p.url, std::move(*to), std::move(page.items[i].title), page.items[i].date});
    }
    // Links and items first: the page record is what marks the task done on a resume.
    if (!links.empty()) emit(std::move(links));
    if (!items.empty()) emit(std::move(items));
    emit(std::move(p));
    finished(t);
  }

  void discover(const Task& from, const std::string& to, Mode mode) {
    SiteState& s = sites_[from.site];
    if (s.seen.count(to)) return;
    auto p = url::parts(to);
    if (!p) return;
    bool in_scope = in_site_hosts(s, p->host);
    bool attachment = is_attachment(to);
    if (int(to.size()) > cfg_.crawl.max_url_length) {
      limit(s, "URL length (" + std::to_string(cfg_.crawl.max_url_length) + ")");
      return;
    }
    if (!in_scope || attachment) {
      if (!in_scope && !cfg_.crawl.check_external_links) return;
      s.seen.insert(to);
      add(make_task(from.site, to, from.depth + 1, Mode::Check, true));
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

  // ---- IPv6 probes

  void schedule_probes(const Task& home, const extract::Page& page, const std::string& base) {
    SiteState& s = sites_[home.site];
    if (s.probes_scheduled) return;
    s.probes_scheduled = true;
    // IPv6: the configured number of attempts; IPv4: one fetch at the same moment, the baseline
    // the IPv6 homepage is compared with (the crawl itself has already shown that IPv4 works).
    add(probe_task(home.site, home.url, 4, "homepage"));
    for (int i = 0; i < cfg_.crawl.ipv6_homepage_attempts; ++i) add(probe_task(home.site, home.url, 6, "homepage"));
    probe_links(home.site, page, base, "link2");
    auto hp = url::parts(s.site->homepage);
    if (!hp) return;
    delegation(hp->host);
    // HTTPS: served, certificate valid and not expiring, and plain HTTP sent over to it.
    std::string https = hp->scheme == "https" ? s.site->homepage
                        : "https://" + hp->host + (cfg_.crawl.https_port == 443 ? "" : ":" + std::to_string(cfg_.crawl.https_port)) + "/";
    add(probe_task(home.site, https, 0, "https"));
    add(probe_task(home.site, https, 0, "https_cert"));
    if (hp->scheme == "https") add(probe_task(home.site, "http://" + hp->host + "/", 0, "http_redirect"));
  }

  // The distinct http(s) <a href> targets of a page (fragment-only hrefs excluded), probed over IPv6.
  void probe_links(int site, const extract::Page& page, const std::string& base, const char* purpose) {
    SiteState& s = sites_[site];
    bool third = std::string(purpose) == "link3";
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
  void delegation(const std::string& host) {
    std::vector<std::string> zones;
    for (size_t p = host.find('.'); p != std::string::npos && host.find('.', p + 1) != std::string::npos; p = host.find('.', p + 1))
      zones.push_back(host.substr(p + 1));
    if (zones.empty()) return;
    auto answers = std::make_shared<std::vector<std::pair<std::vector<std::string>, std::string>>>(zones.size());
    auto left = std::make_shared<size_t>(zones.size());
    for (size_t i = 0; i < zones.size(); ++i) {
      ++dns_pending_;
      resolver_.name_servers(zones[i], [this, i, zones, answers, left](std::vector<std::string> ns, std::string err) {
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
        pump();
        maybe_finish();
      });
    }
  }

  // Resolves and records a name that no task will fetch (a name server).
  void resolve_only(const std::string& name) {
    if (recorded_dns_.count(name)) return;
    ++dns_pending_;
    resolver_.resolve(name, [this](const HostAnswer& a) {
      --dns_pending_;
      if (recorded_dns_.insert(a.host).second) {
        emit(DnsRecord{a.host, "A", a.v4, a.error4, a.elapsed_ms});
        emit(DnsRecord{a.host, "AAAA", a.v6, a.error6, a.elapsed_ms});
      }
      maybe_finish();
    });
  }

  Task probe_task(int site, const std::string& u, int family, const std::string& purpose) {
    bool head = purpose == "link2" || purpose == "link3";
    Task t = make_task(site, u, 0, Mode::Probe, head);
    t.family = family;
    t.purpose = purpose;
    t.attempt = probe_serial_++;
    return t;
  }

  void probe_complete(Task t, FetchResult r) {
    spend(t);
    if (t.purpose == "https_cert") {
      nlohmann::json c = {{"expire", r.cert_expire}, {"subject", r.cert_subject}};
      record_probe(t, r, c.dump());
      return;
    }
    if (t.purpose == "http_redirect") {
      record_probe(t, r, r.location);
      return;
    }
    if (t.head && r.error_kind.empty() && (r.status == 405 || r.status == 501 || r.status == 403 || r.status == 412)) {
      t.head = false;
      enqueue(std::move(t), true);
      return;
    }
    if (t.head == false && t.purpose != "homepage" && r.error_kind == "size") r.error_kind.clear(), r.error.clear();
    if (r.error_kind.empty() && r.status >= 300 && r.status < 400 && !r.location.empty() && t.chain.size() < 5) {
      auto next = url::normalize(r.location);
      bool loop = next && std::any_of(t.chain.begin(), t.chain.end(), [&](auto& c) { return c.url == *next; });
      if (next && !loop) {
        t.chain.push_back({t.url, r.status});
        t.url = *next;
        enqueue(std::move(t), true);
        return;
      }
    }
    if (t.purpose == "homepage" && r.error_kind.empty() && r.status >= 200 && r.status < 300) {
      ++parsing_;
      asio::post(pool_, [this, t = std::move(t), r = std::move(r)]() mutable {
        auto dec = charset::decode(r.body, r.content_type);
        auto page = extract::parse(dec.text, t.url);
        // What a reader sees: the visible text, then the link targets (sorted, so that order of
        // boxes does not matter). Both families are recorded alike and compared by the IPv6 rule.
        std::set<std::string> targets;
        for (auto& l : page.links)
          if (l.tag == "a" || l.tag == "area")
            if (auto to = url::resolve(t.url, l.href)) targets.insert(*to);
        std::string text = std::move(page.text);
        text += "\n";
        for (auto& u : targets) text += u + "\n";
        asio::post(io_, [this, t = std::move(t), r = std::move(r), text = std::move(text)]() mutable {
          --parsing_;
          record_probe(t, r, text);
          pump();
          maybe_finish();
        });
      });
      return;
    }
    record_probe(t, r, "");
  }

  void record_probe(const Task& t, const FetchResult& r, std::string text) {
    ProbeRecord p;
    p.site_id = sites_[t.site].site->id;
    p.url = t.first_url();
    p.family = t.family;
    p.purpose = t.purpose;
    p.attempt = t.attempt;
    p.status = r.status;
    p.error = r.error_kind.empty() ? (r.status >= 400 ? "HTTP " + std::to_string(r.status) : "")
                                   : r.error_kind + ": " + r.error;
    p.elapsed_ms = r.elapsed_ms;
    p.digest = text.empty() ? "" : digest(text);
    p.text = std::move(text);
    emit(std::move(p));
    finished(t);
  }

  // ---- progress and the end

  // On a terminal one line redrawn twice a second; otherwise a log line every progress_interval_ms.
  void tick_progress() {
    progress_.expires_after(std::chrono::milliseconds(tty_ ? 500 : cfg_.crawl.progress_interval_ms));
    progress_.async_wait([this](auto ec) {
      if (ec || finished_) return;
      std::string line = progress_line();
      if (tty_) std::fprintf(stderr, "\r\033[K%s", line.c_str()), std::fflush(stderr);
      else spdlog::info("{}", line);
      tick_progress();
    });
  }

  std::string progress_line() const {
    size_t queued = 0;
    for (auto& [k, h] : hosts_) queued += h.queue.size();
    int done = 0;
    for (auto& s : sites_) done += s.outstanding <= 0;
    double secs = std::chrono::duration<double>(Clock::now() - started_).count();
    double rate = secs > 0 ? (summary_.pages + summary_.checked) / secs : 0;
    std::string eta = "--";
    if (rate > 0) {
      long left = long((double(queued) + active_) / rate);
      eta = fmt::format("{}:{:02}:{:02}", left / 3600, left / 60 % 60, left % 60);
    }
    return fmt::format("crawl: sites {}/{} · pages {} ({:.0f}/s) · checked {} · queue {} · in flight {} · errors {} · ETA {}",
                       done, sites_.size(), summary_.pages, secs > 0 ? summary_.pages / secs : 0.0, summary_.checked,
                       queued, active_, error_count(), eta);
  }

  int error_count() const {
    int n = 0;
    for (auto& [k, v] : summary_.errors) n += v;
    return n;
  }

  void maybe_finish() {
    if (finished_ || active_ > 0 || parsing_ > 0 || dns_pending_ > 0 || timers_ > 0) return;
    for (auto& [k, h] : hosts_)
      if (!h.queue.empty()) return;
    finished_ = true;
    progress_.cancel();
    work_.reset();
  }

  const Config& cfg_;
  Writer& writer_;
  asio::io_context io_;
  asio::executor_work_guard<asio::io_context::executor_type> work_;
  Resolver resolver_;
  Fetcher fetcher_;
  asio::thread_pool pool_;
  asio::steady_timer progress_;
  std::vector<SiteState> sites_;
  std::map<std::string, Host> hosts_;
  std::unordered_map<std::string, CheckResult> checks_;
  std::unordered_map<std::string, std::vector<Task>> check_waiters_;  // URL being checked -> same checks of other sites
  std::set<std::string> recorded_dns_;
  int active_ = 0, parsing_ = 0, dns_pending_ = 0, timers_ = 0, probe_serial_ = 0;
  size_t parsing_bytes_ = 0;  // bodies waiting for or in a parser
  static constexpr int kParseBacklog = 32;  // pages per parse thread
  static constexpr size_t kParseBacklogBytes = 16 << 20;
  bool finished_ = false, evidence_ = false, tty_ = false, writer_wait_ = false;
  Clock::time_point started_;
  std::vector<FrontierRecord> fresh_;  // tasks created since the last record written
  CrawlSummary summary_;
};

}  // namespace

Crawler::Crawler(const Config& config, const NetGuard& guard, Writer& writer)
    : config_(config), guard_(guard), writer_(writer) {}

CrawlSummary Crawler::run(const std::vector<Site>& sites) {
  Run r(config_, guard_, writer_);
  r.reuse(reuse_);
  r.evidence(evidence_);
  return r.go(sites, resume_);
}

}  // namespace govaudit
