#pragma once
// The frontier (Scrapy's scheduler): the tasks waiting in one queue per scheme://host:port, the
// politeness that decides when a host's next task may start (connections per host and per server
// address, the crawl's connection limit, the delay between starts, crawl.host overrides), and
// discovery: which links become tasks, within the site's hosts and the limits against traps
// (depth, query variants per path, pages per site, URL length). No I/O: the Engine asks it, and
// fetches, resolves and records (private to crawler/).
#include <chrono>
#include <deque>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "config/config.hpp"
#include "crawler/crawler.hpp"
#include "crawler/net/dns.hpp"
#include "crawler/net/robots.hpp"
#include "crawler/engine/task.hpp"
#include "crawler/engine/url_set.hpp"
#include "model/records.hpp"
#include "model/url.hpp"
#include "storage/prior_crawl.hpp"

namespace govaudit::engine {

using Clock = std::chrono::steady_clock;

// One scheme://host:port: its queue, its DNS answer and robots.txt, and its politeness state.
struct Host {
  std::string key;  // scheme://host:port
  std::string name;
  int port = 0;
  TaskQueue queue;
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
  UrlSet seen;
  UrlSet pager_linked;  // pages a stored pager link already names
  std::unordered_map<std::string, std::set<int>> pagers;  // list (first page#total) -> current pages enumerated
  std::unordered_map<std::string, UrlSet> queries;  // path -> distinct queries
  FirstUrls digests;                                // content digest -> URL
  std::set<std::string> limits;
  int pages_queued = 0;
  int pages_done = 0;
  bool probes_scheduled = false;
  UrlSet probed;  // link2/link3 targets already probed over IPv6
  std::unordered_map<std::string, std::string> searches;  // search probe URL -> the words searched
  int link3 = 0;
  int stylesheets = 0;  // of its own hosts, fetched
  int outstanding = 0;  // tasks created and not yet recorded
  bool unreachable = false;
  std::string error;
};

class Frontier {
 public:
  // `connection_limit`: connections of the whole crawl at once (the budget the open files allow).
  Frontier(const CrawlSettings& crawl, int connection_limit)
      : crawl_(crawl), limit_(connection_limit), spill_(size_t(crawl.frontier_in_memory)) {}

  // The queue of a scheme://host:port (made on first use, with its crawl.host settings).
  Host& host_for(const url::Parts& p);
  Host& host(const std::string& key) { return hosts_[key]; }
  std::map<std::string, Host>& hosts() { return hosts_; }
  const std::map<std::string, Host>& hosts() const { return hosts_; }
  // Queues `t` on the host it is fetched from (`fetch`: its URL after crawl.remap). A host is
  // marked in scope (robots.txt is asked first there) when `host`, its production name, is one of
  // `sites`' own; the sites are looked through only while it is not.
  void push(Task t, const url::Parts& fetch, const std::string& host, const std::vector<SiteState>& sites, bool front = false);

  // Politeness. Whether one more of `h`'s tasks may start at `now`, and if not, what holds it.
  enum class Room : std::int8_t { Yes, Host, Address, Crawl, Delay };
  Room room(const Host& h, Clock::time_point now) const;
  int connections_of(const Host& h) const;
  int delay_of(const Host& h) const;
  bool address_has_room(const Host& h) const;
  // A transfer of `h` starts (counted for the host, its server address and the crawl; the host's
  // next start waits its delay when `paced`), and ends.
  void occupy(Host& h, Clock::time_point now, bool paced = true);
  void vacate(Host& h);
  int active() const { return active_; }
  int peak() const { return peak_; }
  int limit() const { return limit_; }

  // Discovery: what a link met on a page of `s` at `from_depth` becomes. A page or a check is
  // marked seen (and a page counted against crawl.max_pages_per_site); a limit it hit is named.
  struct Link {
    enum Kind : std::int8_t { Ignored, Limited, Check, Page } kind = Ignored;
    int depth = 0;
    std::string limit;  // Limited: which, as the report names it
  };
  Link discover(SiteState& s, int from_depth, const std::string& to, Mode mode) const;
  static bool in_site_hosts(const SiteState& s, const std::string& host);
  bool is_attachment(const std::string& u) const;
  bool is_attachment_path(std::string_view path) const;

 private:
  static const std::string& server_of(const Host& h);
  const CrawlSettings& crawl_;
  int limit_;
  SpillFile spill_;  // before the hosts: their queues give back what they hold when they go
  std::map<std::string, Host> hosts_;
  std::unordered_map<std::string, int> address_active_;  // connections per server address
  int active_ = 0, peak_ = 0;
};

}  // namespace govaudit::engine
