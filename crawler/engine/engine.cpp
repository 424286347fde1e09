// The engine's loop: tasks onto connections as the frontier's politeness allows, transfers started
// and handed to the fetch policy (completion.cpp), redirects followed, and the end of the crawl.
#include "crawler/engine/engine.hpp"
#include "model/clock.hpp"

#include <spdlog/spdlog.h>
#include <unistd.h>

#include <boost/asio/post.hpp>
#include <cstdio>
#include <stdexcept>

#include "crawler/engine/fetch_policy.hpp"

namespace govaudit::engine {

namespace {
CrawlSettings with_limit(CrawlSettings s, int limit) {
  s.global_connections = limit;
  return s;
}
}  // namespace

Engine::Engine(const Config& cfg, const NetGuard& guard, RecordSink& sink, const MakeTransport& make)
    : cfg_(cfg), sink_(sink), work_(asio::make_work_guard(io_)), resolver_(io_, cfg.dns),
      budget_(connection_budget(cfg.crawl.global_connections)),
      transport_(make ? make(io_) : std::make_unique<Fetcher>(io_, with_limit(cfg.crawl, budget_.limit), guard)),
      pool_(size_t(cfg.crawl.parse_threads)), progress_(io_),
      frontier_(cfg.crawl, budget_.limit), recorder_(cfg.crawl, sites_, frontier_, summary_), planner_(cfg.crawl) {
  if (budget_.cut)
    spdlog::warn("crawl.global_connections = {} does not fit the open-file limit ({}); using {}",
                 cfg.crawl.global_connections, budget_.open_files, budget_.limit);
}

void Engine::reuse(const std::vector<PageRecord>& recent) {
  for (auto& p : recent) recorder_.remember(p.url, check_of(p));
}

CrawlSummary Engine::go(const std::vector<Site>& sites, const std::optional<CrawlState>& state) {
  auto t0 = started_ = Clock::now();
  io_thread_ = std::this_thread::get_id();  // io_.run() below: the loop runs on this thread
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
  asio::post(io_, [this] { step_done(); });
  io_.run();
  pool_.join();
  note_wait(Wait::None);
  if (tty_) std::fprintf(stderr, "\r\033[K");
  summary_.seconds = std::chrono::duration<double>(Clock::now() - t0).count();
  summary_.connection_limit = budget_.limit;
  summary_.connections_auto = budget_.automatic;
  summary_.peak_connections = frontier_.peak();
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

// Every handler ends here: whatever it freed (a connection, a parser, a DNS answer) may let
// queued tasks go, and the last one ends the crawl.
void Engine::step_done() {
  pump();
  maybe_finish();
}

void Engine::assert_io_thread() const {
  if (std::this_thread::get_id() != io_thread_) throw std::logic_error("crawl engine: called off the io_context thread");
}

// A new task: stored in the frontier (with the next record written) and queued.
void Engine::add(Task t, bool front) {
  SiteState& s = sites_[t.site];
  ++s.outstanding;
  fresh_.push_back({s.site->id, t.url, mode_name(t.mode), t.depth, t.head, t.family,
                    t.mode == Mode::Probe ? std::string(name(t.purpose)) : "", t.attempt});
  enqueue(std::move(t), front);
}

void Engine::flush_frontier() {
  if (fresh_.empty()) return;
  sink_.push(std::move(fresh_));
  fresh_.clear();
}

// Records go out after the frontier entries created before them: when a page is stored, the
// tasks it led to are stored too, so a resumed run loses none.
void Engine::emit(RecordSink::Record r) {
  flush_frontier();
  sink_.push(std::move(r));
}

void Engine::limit(SiteState& s, const std::string& what) {
  if (s.limits.insert(what).second) emit(LimitRecord{s.site->id, what});
}

std::string Engine::fetch_url(const std::string& u) const { return remap_to_fetched(cfg_.crawl.remap, u); }
std::string Engine::production_url(const std::string& u) const { return remap_to_production(cfg_.crawl.remap, u); }

void Engine::pump() {
  // Back-pressure: pages fetched faster than they are parsed would pile up in memory (and be
  // lost to a kill); fetch on only while the parsers keep up. The backlog is deep enough for
  // fetching to go on while the parsers catch up: at 4 pages per parser the two took turns, and
  // the crawl ran 20 % slower. A parse finishing pumps again.
  if (parsing_ >= kParseBacklog * cfg_.crawl.parse_threads || parsing_bytes_ >= kParseBacklogBytes) return note_wait(Wait::Parsers);
  if (sink_.pending() > sink_.backlog()) {  // nor faster than they are stored: look again shortly
    if (!sink_wait_) {
      sink_wait_ = true;
      wake_at(Clock::now() + std::chrono::milliseconds(5), &sink_wait_);
    }
    return note_wait(Wait::Parsers);
  }
  auto visit = [&](Host& h) {
    if (h.queue.empty()) return;
    if (std::string why = NetGuard::refused_name(h.name); !why.empty()) {  // not even asked of DNS
      fail_queue(h, ErrorKind::Refused, "not connecting: " + why);
      return;
    }
    if (h.dns == Host::Unresolved) {
      if (dns_pending_ < kDnsInFlight) resolve(h);
      return;
    }
    if (h.dns == Host::Resolving) return;
    if (h.answer.v4.empty() && h.answer.v6.empty()) {
      fail_queue(h, ErrorKind::Dns, "no address for " + h.name + (h.answer.error4.empty() ? "" : " (" + h.answer.error4 + ")"));
      return;
    }
    serve(h);
  };
  // While the crawl's connection limit holds hosts back, those with the most work waiting start
  // first: the busiest host is the crawl's critical path (the politeness bound), and in name order
  // it waited behind hundreds of small ones. The order is renewed every 100 ms.
  bool limited = held_by_global_;
  held_by_global_ = false;
  if (limited) {
    auto now = Clock::now();
    if (now >= busiest_sorted_ + std::chrono::milliseconds(100) || busiest_.size() != frontier_.hosts().size()) {
      busiest_.clear();
      for (auto& [key, h] : frontier_.hosts()) busiest_.push_back(&h);
      std::stable_sort(busiest_.begin(), busiest_.end(), [](const Host* a, const Host* b) { return a->queue.size() > b->queue.size(); });
      busiest_sorted_ = now;
    }
    for (size_t i = 0; i < busiest_.size(); ++i) visit(*busiest_[i]);  // by index: a handler may pump again
  } else {
    for (auto& [key, h] : frontier_.hosts()) visit(h);
  }
  note_wait(held_by_global_ ? Wait::Connections : Wait::None);
}

void Engine::note_wait(Wait w) {
  if (w == waiting_) return;
  auto now = Clock::now();
  double s = std::chrono::duration<double>(now - wait_since_).count();
  if (waiting_ == Wait::Connections) summary_.connections_wait_s += s;
  if (waiting_ == Wait::Parsers) summary_.parsers_wait_s += s;
  waiting_ = w;
  wait_since_ = now;
}

void Engine::fail_queue(Host& h, ErrorKind kind, const std::string& why) {
  while (!h.queue.empty()) {
    Task t = std::move(h.queue.front());
    h.queue.pop_front();
    FetchResult r;
    r.error_kind = kind;
    r.error = why;
    complete(std::move(t), std::move(r));
  }
}

// Starts the host's queued tasks while its connection limit, its delay and the global limit allow.
void Engine::serve(Host& h) {
  bool wants_robots = cfg_.crawl.respect_robots && h.in_scope;
  if (wants_robots && h.robots != Host::RobotsReady) {
    if (h.robots == Host::RobotsUnknown && frontier_.address_has_room(h)) fetch_robots(h);
    return;
  }
  auto now = Clock::now();
  while (!h.queue.empty()) {
    auto room = frontier_.room(h, now);
    if (room == Frontier::Room::Delay) wake_at(h.next);
    if (room == Frontier::Room::Crawl) held_by_global_ = true;
    if (room != Frontier::Room::Yes) break;
    Task t = std::move(h.queue.front());
    h.queue.pop_front();
    if (admit(h, t, wants_robots)) start(h, std::move(t));
  }
}

bool Engine::allowed_by_robots(const Host& h, const Task& t) const {
  auto p = url::parts(fetch_url(t.url));
  return !p || h.rules.allowed(p->path + (p->query.empty() ? "" : "?" + p->query));
}

// Whether a task taken from the queue is fetched; one that is not is answered here (a site
// already unreachable, no address of the probe's family, robots.txt, a check answered before).
bool Engine::admit(Host& h, Task& t, bool wants_robots) {
  if (sites_[t.site].unreachable && t.mode != Mode::Check && t.mode != Mode::Probe) {
    finished(t);
    return false;
  }
  if (delta_ && carry(t)) return false;
  if (t.mode == Mode::Probe && t.family != 0 && (t.family == 6 ? h.answer.v6.empty() : h.answer.v4.empty())) {
    FetchResult r;
    r.error_kind = ErrorKind::Dns;
    r.error = std::string("no ") + (t.family == 6 ? "AAAA" : "A") + " record for " + h.name;
    complete(std::move(t), std::move(r));
    return false;
  }
  if (wants_robots && t.mode != Mode::Home && t.mode != Mode::Probe && !allowed_by_robots(h, t)) {
    FetchResult r;
    r.error_kind = ErrorKind::Robots;
    r.error = "disallowed by robots.txt";
    record(t, r);
    return false;
  }
  if (t.mode == Mode::Check && !t.asking && t.chain.empty()) {
    if (auto c = recorder_.answer(t.url)) {
      emit(recorder_.answered(t, *c));
      finished(t);
      return false;
    }
    // Another site's check of the same URL is under way: take its answer, don't ask twice.
    if (recorder_.wait_for(t)) return false;
    recorder_.asking(t.url);
    t.asking = true;
  }
  return true;
}

// Pumps again at `when`, first clearing `waiting` (the flag that keeps one such timer at a time).
void Engine::wake_at(Clock::time_point when, bool* waiting) {
  auto timer = std::make_shared<asio::steady_timer>(io_, when);
  ++timers_;
  timer->async_wait([this, timer, waiting](auto) { on_wake(waiting); });
}

void Engine::on_wake(bool* waiting) {
  assert_io_thread();
  --timers_;
  if (waiting) *waiting = false;
  step_done();
}

void Engine::with_host_settings(const Host& h, FetchRequest& req) const {
  req.keep_heads = evidence_;
  if (!h.settings) return;
  req.headers = h.settings->headers;
  req.cookies = h.settings->cookies;
}

// The answer as WARC evidence (when kept); the body is copied: parsing still needs it.
std::shared_ptr<Exchange> Engine::exchange(const std::string& fetched_url, const FetchResult& r) const {
  if (!evidence_ || (r.status == 0 && r.response_head.empty())) return nullptr;
  auto e = std::make_shared<Exchange>();
  e->url = fetched_url;
  e->ip = r.primary_ip;
  e->date = now_iso_utc();
  e->request_head = r.request_head;
  e->response_head = r.response_head;  // the body follows in complete(): moved when parsed, else copied
  e->truncated = r.error_kind == ErrorKind::Size;
  return e;
}

void Engine::start(Host& h, Task t) {
  frontier_.occupy(h, Clock::now());
  FetchRequest req;
  req.url = fetch_url(t.url);
  with_host_settings(h, req);
  req.head = t.head;
  req.resolve = resolve_entries(h);
  req.verify_tls = t.purpose != ProbePurpose::HttpsCert;  // the certificate is read even when it is invalid
  req.cert_info = t.purpose == ProbePurpose::HttpsCert;
  // The crawl itself goes over IPv4 where the host has it (deterministic, as evaluators measure);
  // IPv6 is measured by the probes.
  req.ip_family = t.mode == Mode::Probe ? t.family : h.answer.v4.empty() ? 0 : 4;
  // A page or an attachment an earlier crawl read is asked for only if it changed (the homepage is
  // always read).
  t.prior = prior_ && (t.mode == Mode::Page || (t.mode == Mode::Check && !t.head)) && t.chain.empty()
                ? prior_->find(sites_[t.site].site->id, t.url)
                : nullptr;
  if (t.prior && ((t.prior->kind == PageKind::Attachment) != (t.mode == Mode::Check) || t.prior->duplicate ||
                  (t.prior->etag.empty() && t.prior->last_modified.empty())))
    t.prior = nullptr;  // read as another kind, its links never recorded, or nothing to ask with
  if (t.prior && !t.prior->etag.empty()) req.headers.push_back("If-None-Match: " + t.prior->etag);
  if (t.prior && !t.prior->last_modified.empty()) req.headers.push_back("If-Modified-Since: " + t.prior->last_modified);
  if ((t.mode == Mode::Check || (t.mode == Mode::Probe && (t.purpose == ProbePurpose::Link2 || t.purpose == ProbePurpose::Link3))) && !t.head)
    req.max_body = t.mode == Mode::Check && !readable_format(t, "").empty() ? cfg_.crawl.attachment_max_bytes
                                                                              : 256 * 1024;  // enough to know it answers
  transport_->fetch(std::move(req), [this, key = h.key, t = std::move(t)](FetchResult r) mutable {
    on_fetched(key, std::move(t), std::move(r));
  });
}

void Engine::on_fetched(const std::string& host_key, Task t, FetchResult r) {
  assert_io_thread();
  Host& h = frontier_.host(host_key);
  frontier_.vacate(h);
  t.exchange = exchange(fetch_url(t.url), r);
  if (!r.location.empty()) r.location = production_url(r.location);
  complete(std::move(t), std::move(r));
  step_done();
}

void Engine::on_retry_due(Task t) {
  assert_io_thread();
  --timers_;
  enqueue(std::move(t), true);
  step_done();
}

void Engine::follow(Task t, FetchResult r) {
  t.chain.push_back({t.url, r.status});
  auto hop = fetch_policy::next_redirect(t.chain, r.location);
  if (!hop.error.empty()) {
    r.error_kind = ErrorKind::Loop;
    r.error = hop.error;
    r.status = t.chain.back().status;
    record(t, r);  // the last hop's answer is the page's evidence
    return;
  }
  spend(t);
  SiteState& s = sites_[t.site];
  auto p = url::parts(hop.next);
  bool in_scope = p && Frontier::in_site_hosts(s, p->host);
  if (t.mode == Mode::Page && !in_scope) {
    t.mode = Mode::Check;
    t.head = true;
  }
  // A redirect into a page this site already crawls is recorded as that page; not fetched twice.
  if (t.mode == Mode::Page && s.seen.contains(hop.next)) {
    r.error_kind = ErrorKind::None;
    PageRecord pr = recorder_.base(t, r);
    pr.final_url = hop.next;
    pr.status = 200;  // resolved by the crawl of the target page
    pr.kind = PageKind::Page;
    pr.error = "redirects to " + hop.next;
    emit(EvidencedPage{std::move(pr), nullptr});
    finished(t);
    return;
  }
  if (t.mode == Mode::Page) s.seen.insert(hop.next);
  if (t.origin.empty()) t.origin = std::move(t.url);
  t.url = std::move(hop.next);
  t.attempt = 0;
  enqueue(std::move(t), true);
}

// A hop, retry or probe answer is kept as evidence on its own; a final answer goes with its page.
void Engine::spend(Task& t) {
  if (t.exchange) emit(std::move(t.exchange));
  t.exchange.reset();
}

void Engine::maybe_finish() {
  if (finished_ || frontier_.active() > 0 || parsing_ > 0 || dns_pending_ > 0 || timers_ > 0 || !parked_.empty()) return;
  for (auto& [k, h] : frontier_.hosts())
    if (!h.queue.empty()) return;
  finished_ = true;
  progress_.cancel();
  transport_->quiesce();
  work_.reset();
}

}  // namespace govaudit::engine
