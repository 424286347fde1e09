#pragma once
// The crawl: from each site's homepage over the site's own hosts, checking (not crawling) links
// to other hosts and attachments, recording every page, link, list item and DNS answer through
// a record sink (the storage Writer). One io_context thread owns all network state; HTML is parsed on a small
// pool and the results are posted back.
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "config/config.hpp"
#include "config/sites.hpp"
#include "crawler/net/netguard.hpp"
#include "storage/prior_crawl.hpp"
#include "storage/record_sink.hpp"

namespace govaudit {

struct SiteOutcome {
  std::string site_id;
  std::string status;  // done, unreachable
  std::string error;   // why unreachable
  std::vector<std::string> limits;  // crawl limits that cut this site's crawl
  int pages = 0;
};

struct CrawlSummary {
  int pages = 0;          // HTML pages parsed
  int checked = 0;        // attachments and other hosts' links checked
  int not_modified = 0;   // pages asked again that answered 304: taken from the earlier crawl
  int carried = 0;        // known articles a delta run did not ask again
  std::int64_t bytes = 0;
  std::map<std::string, int> errors;  // by kind
  double seconds = 0;
  std::vector<SiteOutcome> sites;
  // Connections: the global limit used (auto or configured), the most open at once, and the
  // seconds a host with work was held back by that limit, or fetching paused for the parsers.
  int connection_limit = 0;
  bool connections_auto = false;
  int peak_connections = 0;
  double connections_wait_s = 0;
  double parsers_wait_s = 0;
};

class Crawler {
 public:
  Crawler(const Config& config, const NetGuard& guard, RecordSink& sink);
  // Crawls all sites concurrently and returns when every queue is empty. Records go to the
  // sink as they are made; the caller flushes it.
  CrawlSummary run(const std::vector<Site>& sites);

  // Answers of other hosts' links from a recent run, used instead of asking those hosts again
  // (crawl.reuse_external_hours): each is recorded again for the sites that link to it.
  void reuse_checks(std::vector<PageRecord> recent) { reuse_ = std::move(recent); }
  // Ask again, with the validators it recorded, for each page an earlier crawl stored (null: fetch
  // everything anew). A 304 takes the earlier page as it was.
  void revalidate(PriorCrawl* prior) { prior_ = prior; }
  // A daily delta: known article pages are not asked again unless due (crawl.revisit_days); their
  // earlier records are carried over. Needs revalidate().
  void delta(bool on) { delta_ = on; }
  // Continue an unfinished run: what it recorded is not fetched again; its open tasks are.
  void resume(CrawlState state) { resume_ = std::move(state); }
  // Hand every HTTP exchange to the sink as WARC evidence.
  void keep_evidence(bool on) { evidence_ = on; }
  // The audit date: resident ID numbers are those of people born before it.
  void audit_date(const Date& d) { today_ = d; }

 private:
  std::vector<PageRecord> reuse_;
  std::optional<CrawlState> resume_;
  PriorCrawl* prior_ = nullptr;
  bool delta_ = false;
  bool evidence_ = false;
  Date today_ = Date::today_china();
  const Config& config_;
  const NetGuard& guard_;
  RecordSink& sink_;
};

}  // namespace govaudit
