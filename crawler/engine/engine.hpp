#pragma once
// The crawl engine, drawn as Scrapy draws a crawler (private to crawler/). The Engine owns the
// event loop; the Frontier (frontier.hpp: host queues, politeness, scope, trap limits) holds what
// is to be fetched, the Transport fetches (the Fetcher, libcurl; a fake in tests), parse jobs read,
// and the Recorder (recorder.hpp) turns a finished task into records. One URL's walk: discover →
// Frontier → Transport → complete (the fetch policy's steps) → parse job → Recorder → RecordSink
// (the Writer). The Engine's member functions are spread over files by concept:
//   engine.cpp      the loop: scheduling tasks onto connections, the end
//   completion.cpp  a finished transfer through the fetch policy's steps
//   hosts.cpp       tasks into the frontier (frontier.hpp: host queues, politeness, scope), and
//                   DNS and robots.txt per host
//   recording.cpp   jobs on the pool and their results, 304s, and the Recorder's records written
//   probes.cpp      the ProbePlanner's measurements (probe_plan.hpp) queued, the DNS delegation
//   resume.cpp      rebuilding the state of a killed crawl from what it stored
//   progress.cpp    the progress line
// with fetch policy (fetch_policy.hpp) and parsing (parse_job.hpp) as pure functions of values.
// Threading: every member runs on the io_context thread (asserted in the async handlers); parse
// jobs run on the pool and see only the values they are given.
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/thread_pool.hpp>

#include <chrono>
#include <deque>
#include <functional>
#include <list>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <thread>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "crawler/crawler.hpp"
#include "crawler/net/dns.hpp"
#include "crawler/extract/extract.hpp"
#include "crawler/net/fetcher.hpp"
#include "crawler/engine/frontier.hpp"
#include "crawler/engine/parse_job.hpp"
#include "crawler/engine/probe_plan.hpp"
#include "crawler/engine/recorder.hpp"
#include "crawler/net/robots.hpp"
#include "model/url.hpp"

namespace govaudit::engine {

namespace asio = boost::asio;

class Engine {
 public:
  // Transfers go over the Fetcher (libcurl) unless a Transport is made for the loop (tests).
  using MakeTransport = std::function<std::unique_ptr<Transport>(asio::io_context&)>;
  Engine(const Config& cfg, const NetGuard& guard, RecordSink& sink, const MakeTransport& make = {});
  void evidence(bool on) { evidence_ = on; }
  void audit_date(const Date& d) { today_ = d; }
  void reuse(const std::vector<PageRecord>& recent);
  void revalidate(PriorCrawl* prior, bool delta) { prior_ = prior, delta_ = delta, recorder_.earlier(prior); }
  CrawlSummary go(const std::vector<Site>& sites, const std::optional<CrawlState>& state);

 private:
  // engine.cpp: tasks, the loop and completion
  void add(Task t, bool front = false);
  void flush_frontier();
  void emit(RecordSink::Record r);
  void finished(const Task& t) { --sites_[t.site].outstanding; }
  void limit(SiteState& s, const std::string& what);
  std::string fetch_url(const std::string& u) const;
  std::string production_url(const std::string& u) const;
  void pump();
  void serve(Host& h);
  bool admit(Host& h, Task& t, bool wants_robots);
  void fail_queue(Host& h, ErrorKind kind, const std::string& why);
  void wake_at(Clock::time_point when, bool* waiting = nullptr);
  void on_wake(bool* waiting);
  void with_host_settings(const Host& h, FetchRequest& req) const;
  std::shared_ptr<Exchange> exchange(const std::string& fetched_url, const FetchResult& r) const;
  void start(Host& h, Task t);
  void on_fetched(const std::string& host_key, Task t, FetchResult r);
  void complete(Task t, FetchResult r);
  // The fetch policy's steps (complete() runs them in order).
  bool take_probe(Task& t, FetchResult& r);
  bool take_not_modified(Task& t, FetchResult& r);
  bool check_answered_at_cap(Task& t, FetchResult& r);
  bool retry_transient(Task& t, FetchResult& r);
  bool ask_again_with_get(Task& t, FetchResult& r);
  bool follow_redirect(Task& t, FetchResult& r);
  bool mark_challenge(Task& t, FetchResult& r);
  bool parse_html(Task& t, FetchResult& r);
  bool read_file(Task& t, FetchResult& r);
  void on_retry_due(Task t);
  void follow(Task t, FetchResult r);
  void spend(Task& t);
  void step_done();
  void maybe_finish();
  void assert_io_thread() const;

  // hosts.cpp: tasks into the frontier, DNS and robots.txt per host
  void enqueue(Task t, bool front = false);
  void discover(const Task& from, const std::string& to, Mode mode);
  bool is_attachment(const std::string& u) const { return frontier_.is_attachment(u); }
  bool allowed_by_robots(const Host& h, const Task& t) const;
  std::vector<std::string> resolve_entries(const Host& h) const;
  void resolve(Host& h);
  void on_resolved(const std::string& host_key, const HostAnswer& a);
  void record_dns(const HostAnswer& a);
  void fetch_robots(Host& h);
  void on_robots(const std::string& host_key, FetchResult r);

  // recording.cpp: parse and attachment jobs, 304s, and recorded pages written
  void parse(Task t, FetchResult r, std::vector<std::shared_ptr<const std::string>> stylesheets = {});
  void on_parsed(Task t, FetchResult r, ParsedPage&& parsed, size_t bytes);
  void not_modified(Task t, FetchResult r);
  void attachment_not_modified(Task t, FetchResult r);
  void take_prior(Task& t, RevisitedPage rp);
  void write(const Task& t, Recorded rec);
  void record_failure(const Task& t, ErrorKind kind, const std::string& why);
  void record(const Task& t, const FetchResult& r, Reading reading = {});
  std::string readable_format(const Task& t, const std::string& content_type) const;
  void read_attachment(Task t, FetchResult r, std::string format);
  void answer_waiters(const std::string& url);

  // stylesheets.cpp: the stylesheets of the sites' own hosts, fetched once per crawl
  bool wait_for_stylesheets(Task& t, FetchResult& r, std::vector<std::shared_ptr<const std::string>>& ready);
  void stylesheet_arrived(const std::string& url, const FetchResult& r);

  // probes.cpp: the planner's measurements carried out, and their answers recorded
  void carry_out(ProbePlan plan);
  void schedule_probes(const Task& home, const extract::Page& page, const std::string& base);
  void probe_links(int site, const extract::Page& page, const std::string& base, ProbePurpose purpose);
  void delegation(const std::string& host);
  void on_name_servers(const std::vector<std::string>& zones, size_t i, std::vector<std::string> ns, std::string err,
                       const std::shared_ptr<std::vector<std::pair<std::vector<std::string>, std::string>>>& answers,
                       const std::shared_ptr<size_t>& left);
  void resolve_only(const std::string& name);
  void probe_complete(Task t, FetchResult r);
  void on_probe_parsed(Task t, FetchResult r, std::string text);
  void record_probe(const Task& t, const FetchResult& r, std::string text);

  // resume.cpp
  std::set<int> restore(const CrawlState& st);

  // progress.cpp
  void tick_progress();
  std::string progress_line() const;
  int error_count() const;

  const Config& cfg_;
  RecordSink& sink_;
  asio::io_context io_;
  asio::executor_work_guard<asio::io_context::executor_type> work_;
  Resolver resolver_;
  ConnectionBudget budget_;
  std::unique_ptr<Transport> transport_;
  asio::thread_pool pool_;
  asio::steady_timer progress_;
  std::thread::id io_thread_;
  std::vector<SiteState> sites_;
  Frontier frontier_;
  Recorder recorder_;
  ProbePlanner planner_;
  // A page that links a stylesheet of its site not fetched yet waits for it, its answer unparsed.
  struct Parked {
    Task t;
    FetchResult r;
    std::vector<std::string> sheets;  // its own sites' stylesheets, in order
    int missing = 0;
  };
  std::list<Parked> parked_;
  std::unordered_map<std::string, std::vector<std::list<Parked>::iterator>> style_waiters_;  // stylesheet in flight -> pages
  std::unordered_map<std::string, std::shared_ptr<const std::string>> styles_;  // fetched: URL -> CSS (null: no answer)
  std::set<std::string> recorded_dns_;
  PriorCrawl* prior_ = nullptr;
  bool delta_ = false;
  bool carry(Task& t);  // a delta run's known article not due: taken as the earlier crawl recorded it
  // What the crawl waits on, for the progress line and the summary: time with a host held back by
  // the global connection limit, and time with fetching paused for the parsers or the writer.
  enum class Wait : std::int8_t { None, Connections, Parsers };
  void note_wait(Wait w);
  Wait waiting_ = Wait::None;
  Clock::time_point wait_since_{};
  bool held_by_global_ = false;  // set by serve() during one pump
  std::vector<Host*> busiest_;    // the hosts by work waiting, while the global limit holds (pump)
  Clock::time_point busiest_sorted_{};
  int parsing_ = 0, dns_pending_ = 0, timers_ = 0;
  size_t parsing_bytes_ = 0;  // bodies waiting for or in a parser
  static constexpr int kParseBacklog = 32;  // pages per parse thread
  // Lookups at once: a province run starts with a thousand names, and a burst of thousands of
  // queries overflows a resolver's socket (they time out; measured with dnsmasq at 1,000 sites).
  static constexpr int kDnsInFlight = 64;
  static constexpr size_t kParseBacklogBytes = 16 << 20;
  Date today_ = Date::today_china();
  bool finished_ = false, evidence_ = false, tty_ = false, sink_wait_ = false;
  Clock::time_point started_;
  std::vector<FrontierRecord> fresh_;  // tasks created since the last record written
  CrawlSummary summary_;
};

}  // namespace govaudit::engine
