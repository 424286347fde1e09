#pragma once
// The Recorder turns a finished task into the records the writer stores (private to crawler/): a
// parsed page with its links, list items and messages; a page not parsed (an error, an
// attachment, another host's link); a check answered once for every site that links it; a page an
// earlier crawl recorded that did not change. It fetches and queues nothing: the URLs a page leads
// to go back to the Engine, which hands them to the Frontier. Its only I/O is reading an earlier
// crawl's content (PriorCrawl); unit-tested directly (tests/crawler/engine/recorder_test.cpp).
#include <memory>
#include <optional>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

#include "crawler/engine/frontier.hpp"
#include "crawler/engine/parse_job.hpp"
#include "crawler/net/fetcher.hpp"
#include "storage/prior_crawl.hpp"
#include "storage/record_sink.hpp"

namespace govaudit::engine {

// The answer to a check (an attachment or another host's link), shared by every site linking it.
struct CheckResult {
  int status = 0;
  std::string final_url;
  ErrorKind error_kind = ErrorKind::None;
  std::string error, content_type;
  std::vector<Redirect> chain;
  std::string fetched_at;
  std::string warc;  // the answer's record, when it was kept by an earlier run
  std::vector<id_number::Seen> id_numbers;  // an attachment's content, as read (masked)
  int id_count = 0;
  std::string content_note;
};
CheckResult check_of(const PageRecord& p);

// What reading an attachment gave.
struct Reading {
  std::vector<id_number::Seen> id_numbers;
  int id_count = 0;
  std::string note;
};

// A recorded page: its records, written in this order (limits met, links, items, messages, then
// the page, whose record marks its task done on a resume), and the URLs it leads to.
struct Recorded {
  std::vector<LimitRecord> limits;
  std::vector<LinkRecord> links;
  std::vector<ItemRecord> items;
  std::vector<MessageRecord> messages;
  std::optional<RecordSink::Record> page;  // an EvidencedPage or a RevisitedPage
  std::vector<std::pair<std::string, Mode>> follow;
};

// A homepage that is only a script or meta-refresh stub hands "home" on to its target.
bool home_redirect_only(const Task& t, const extract::Page& page);

class Recorder {
 public:
  Recorder(const CrawlSettings& crawl, std::vector<SiteState>& sites, const Frontier& frontier, CrawlSummary& summary)
    : crawl_(crawl), sites_(sites), frontier_(frontier), summary_(summary) {}
  void earlier(PriorCrawl* prior) { prior_ = prior; }

  // Whether a page of this content was recorded for the site already (a homepage never repeats).
  bool repeats(const Task& t, const std::string& digest) const;
  // The record of an answer before what was read of it.
  PageRecord base(const Task& t, const FetchResult& r) const;
  // A page parsed; `evidence` is its answer's exchange.
  Recorded parsed(const Task& t, const FetchResult& r, ParsedPage&& parsed, std::shared_ptr<const Exchange> evidence);
  // A page the earlier crawl recorded that stands (answered 304, or carried by a delta): its row
  // with this run's check (`rp`), its links, items and messages read back and followed again.
  Recorded unchanged(const Task& t, RevisitedPage rp);
  // An attachment asked again that did not change: its earlier reading stands.
  RevisitedPage attachment_unchanged(const Task& t, RevisitedPage rp);
  // A page not parsed (an error, an attachment, another host's link, not HTML).
  EvidencedPage unparsed(const Task& t, const FetchResult& r, Reading reading = {});
  // A check already answered, for another site that links the same URL.
  EvidencedPage answered(const Task& t, const CheckResult& c) const;

  // Checks answered (this crawl's, and a recent run's reused), and the same checks of other sites
  // waiting on one under way.
  const CheckResult* answer(const std::string& url) const;
  void remember(const std::string& url, CheckResult c) { checks_[url] = std::move(c); }
  // True when the same URL's check is under way: `t` waits for its answer (moved from).
  bool wait_for(Task& t);
  void asking(const std::string& url) { waiters_[url]; }
  // The checks waiting on `url`, each recorded with its answer.
  std::vector<EvidencedPage> answer_waiting(const std::string& url, std::vector<Task>& tasks);

 private:
  void limit(SiteState& s, const std::string& what, Recorded& out);
  void pager(const Task& t, SiteState& s, const extract::Pager& pager, const std::string& from, Recorded& out);

  const CrawlSettings& crawl_;
  std::vector<SiteState>& sites_;
  const Frontier& frontier_;
  CrawlSummary& summary_;
  PriorCrawl* prior_ = nullptr;
  std::unordered_map<std::string, CheckResult> checks_;
  std::unordered_map<std::string, std::vector<Task>> waiters_;  // URL being checked -> same checks of other sites
};

}  // namespace govaudit::engine
