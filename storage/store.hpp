#pragma once
// The project's database: runs, what each crawl recorded, and the findings of each audit.
// One Store per process; its Writer is the only thread that writes crawl records.
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <filesystem>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <unordered_map>
#include <variant>
#include <vector>

#include "storage/records.hpp"
#include "storage/sqlite.hpp"

namespace govaudit {

struct RunInfo {
  std::int64_t id = 0;
  std::string kind;  // crawl, audit
  std::optional<std::int64_t> crawl_run;
  std::string started_at, finished_at, today, status, options;
  std::string reported_at;  // audit runs: when their reports were written in full (empty: not yet)
};

// Opens or creates the database at `path`, migrating its schema to the current version
// (PRAGMA user_version). Methods other than the Writer's are for one thread at a time.
class Store {
 public:
  static constexpr int kSchemaVersion = 5;  // = the number of files in storage/migrations
  explicit Store(const std::string& path);

  std::int64_t begin_run(const std::string& kind, const Date& today, std::optional<std::int64_t> crawl_run,
                         const std::string& options_json);
  void finish_run(std::int64_t run, const std::string& status);
  std::optional<RunInfo> run(std::int64_t id);
  // Newest run of `kind` (optionally only finished ones).
  std::optional<RunInfo> latest_run(const std::string& kind, bool finished_only = true);
  std::vector<RunInfo> runs();
  // The newest audit run of `crawl_run`, whatever its status.
  std::optional<RunInfo> latest_audit_of(std::int64_t crawl_run);
  // Records that every report of `audit_run` has been written.
  void mark_reported(std::int64_t audit_run);

  void add_sites(std::int64_t run, const std::vector<Site>& sites);
  void set_site_status(std::int64_t run, const std::string& site_id, const std::string& status,
                       const std::string& error, const std::vector<std::string>& limits);
  std::vector<Site> sites(std::int64_t run);

  // What an unfinished crawl run has recorded, for resuming it.
  CrawlState crawl_state(std::int64_t crawl_run);
  // The newest crawl run still marked running, if any (a crawl that was killed).
  std::optional<RunInfo> unfinished_crawl();

  // Everything recorded for each site of a crawl run.
  std::vector<SiteView> load_site_views(std::int64_t crawl_run);
  // The same one site at a time, in list order: memory holds one site's records, not the run's.
  // ViewParts::Pages leaves out links and items, and the text of pages other than the homepage.
  // ViewParts::Audit is what the rules read, in a fraction of the memory: article pages keep their
  // text compressed (text_of), and a link from an article page to a target that more than
  // kBoilerplateLinks pages link to (navigation, footer) is kept once per target, tag and text,
  // unless the target is an article or attachment or did not answer cleanly; a list page's link to
  // one of its own items is left to the item record.
  enum class ViewParts { All, Pages, Audit };
  static constexpr int kBoilerplateLinks = 20;
  void for_each_site_view(std::int64_t crawl_run, const std::function<void(SiteView&)>& fn, ViewParts parts = ViewParts::All);

  void save_findings(std::int64_t audit_run, const std::vector<Finding>& findings);
  std::vector<Finding> findings(std::int64_t audit_run);

  // Other hosts' links that answered 2xx/3xx in finished crawl runs at or after `since` (ISO 8601
  // UTC): the newest answer per URL.
  std::vector<PageRecord> recent_external_checks(const std::string& since);

  // Homepage availability probes (govaudit probe).
  void add_availability(const std::vector<AvailabilityRecord>& records);
  // Probes of `site_id` at or after `since` and before `until` (ISO 8601 UTC): {total, failed}.
  std::pair<int, int> availability(const std::string& site_id, const std::string& since, const std::string& until);

  sqlite::Connection& connection() { return db_; }

 private:
  void migrate();
  std::vector<DnsRecord> dns(std::int64_t crawl_run);
  std::vector<SiteView> load_views(std::int64_t crawl_run, const std::string* only_site, const std::vector<DnsRecord>& dns,
                                   ViewParts parts);
  sqlite::Connection db_;
};

struct WarcOptions {
  std::filesystem::path dir;  // empty: no WARC files
  std::int64_t rotate_bytes = 1000000000;
  int gzip_level = 1;
};

// Batches crawl records into transactions on its own thread and its own connection, so that the
// event loop never waits on the disk. push() is thread-safe; flush() blocks until all pushed records
// are committed; the destructor flushes. A write error is kept and rethrown by flush().
class Writer {
 public:
  using Record = std::variant<PageRecord, std::vector<LinkRecord>, std::vector<ItemRecord>, DnsRecord, ProbeRecord,
                              std::vector<FrontierRecord>, LimitRecord, std::shared_ptr<const Exchange>>;
  // Exchanges (alone or on a PageRecord) are written to WARC files under warc.dir before the
  // transaction that stores their pages commits, so a stored page's WARC location always exists.
  Writer(const std::string& db_path, std::int64_t run, WarcOptions warc = {});
  ~Writer();
  Writer(const Writer&) = delete;
  Writer& operator=(const Writer&) = delete;

  void push(Record r);
  void flush();
  // Records pushed and not yet committed (the crawl slows down when this grows).
  size_t pending();
  // A batch commits once it has kBatch records, else within kLinger of its first record.
  static constexpr size_t kBatch = 256;
  static constexpr std::chrono::milliseconds kLinger{100};

 private:
  void loop();
  void write(sqlite::Connection& c, std::vector<Record>& batch);
  std::string path_;
  std::int64_t run_;
  WarcOptions warc_options_;
  std::unique_ptr<WarcWriter> warc_;
  std::unordered_map<std::string, std::string> check_warc_;  // checked URL -> its record, this run
  std::mutex mu_;
  std::condition_variable cv_, idle_cv_;
  std::deque<Record> queue_;
  bool stop_ = false, busy_ = false;
  int flushing_ = 0;
  size_t batch_size_ = 0;
  std::string error_;
  std::thread thread_;
};

// Marks the calling thread as background work (SCHED_BATCH, nice 5), once per thread: on a machine
// with few cores the event loop then gets the CPU as soon as a transfer needs it, instead of
// waiting behind parsing and writing.
void background_thread();

// zstd helpers for stored text.
std::string compress_text(std::string_view s);
std::string decompress_text(std::string_view z);

std::string now_iso_utc();
std::string iso_utc_hours_ago(int hours);

}  // namespace govaudit
