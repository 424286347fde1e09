#pragma once
// The project's database: runs, what each crawl recorded, and the findings of each audit.
// One Store per process; its Writer is the only thread that writes crawl records.
#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

#include "model/records.hpp"
#include "model/review.hpp"
#include "storage/campaign.hpp"
#include "storage/sqlite.hpp"
#include "storage/writer.hpp"

namespace govaudit {

struct RunInfo {
  std::int64_t id = 0;
  RunKind kind = RunKind::Crawl;
  std::optional<std::int64_t> crawl_run;
  std::string started_at, finished_at, today;
  RunStatus status = RunStatus::Running;
  std::string options;
  std::string reported_at;  // audit runs: when their reports were written in full (empty: not yet)
};

// What the reports show of one site of a crawl run besides its findings.
struct SiteSummaryRow {
  std::string status;  // done, unreachable
  std::string error;
  std::vector<std::string> limits;
  int pages = 0;    // HTML pages fetched
  int checked = 0;  // other fetched URLs (attachments, other hosts)
};

// Opens or creates the database at `path`, migrating its schema to the current version
// (PRAGMA user_version). Methods are for one thread at a time (the crawl writes through its own
// Writer); every one throws sqlite::StorageError when the database cannot be read or written,
// naming the file. The implementation is one concept per file: migrations.cpp, runs.cpp,
// audit_views.cpp, resume_state.cpp, findings.cpp; page_rows.cpp maps a page to its row.
class Store : public Campaign {
 public:
  static constexpr int kSchemaVersion = 14;  // = the number of files in storage/migrations
  explicit Store(const std::string& path);

  std::int64_t begin_run(RunKind kind, const Date& today, std::optional<std::int64_t> crawl_run,
                         const std::string& options_json);
  void finish_run(std::int64_t run, RunStatus status);
  std::optional<RunInfo> run(std::int64_t id);
  // Newest run of `kind` (optionally only finished ones).
  std::optional<RunInfo> latest_run(RunKind kind, bool finished_only = true);
  std::vector<RunInfo> runs();
  // The newest audit run of `crawl_run`, whatever its status.
  std::optional<RunInfo> latest_audit_of(std::int64_t crawl_run);
  // Records that every report of `audit_run` has been written.
  void mark_reported(std::int64_t audit_run);

  void add_sites(std::int64_t run, const std::vector<Site>& sites);
  void set_site_status(std::int64_t run, const std::string& site_id, const std::string& status,
                       const std::string& error, const std::vector<std::string>& limits);
  std::vector<Site> sites(std::int64_t run);
  // Status, limits and page counts of each site of a crawl run, by site id.
  // `count_pages` false leaves pages and checked 0: counting reads every page row.
  std::map<std::string, SiteSummaryRow> site_summaries(std::int64_t crawl_run, bool count_pages = true);

  // What an unfinished crawl run has recorded, for resuming it.
  CrawlState crawl_state(std::int64_t crawl_run);
  // The newest crawl run still marked running, if any (a crawl that was killed).
  std::optional<RunInfo> unfinished_crawl();

  // Everything recorded for each site of a crawl run.
  std::vector<SiteView> load_site_views(std::int64_t crawl_run);
  // The same one site at a time, in list order: memory holds one site's records, not the run's.
  // ViewParts::Pages leaves out links and items, and the text of pages other than the homepage.
  // ViewParts::Audit is what the rules read, in a fraction of the memory: a table of the pages and
  // the homepage's records, the other records read from the store as rules walk the pages or look
  // one up (SiteView::each_page, page); articles' and lists' texts stay in the store until a rule
  // asks (SiteView::text_of), other pages' but the homepage's are
  // kept compressed, what no rule reads is left empty (page_select's `lean`), and a link from an article page to a target that more than
  // kBoilerplateLinks pages link to (navigation, footer) is kept once per target, tag and text,
  // unless the target is an article or attachment or did not answer cleanly; a list page's link to
  // one of its own items is left to the item record.
  enum class ViewParts { All, Pages, Audit };
  static constexpr int kBoilerplateLinks = 20;
  // `meta_names`, when given, are the only <meta> tags the pages keep (a dozen per page is a tenth
  // of a large site's view).
  void for_each_site_view(std::int64_t crawl_run, const std::function<void(SiteView&)>& fn, ViewParts parts = ViewParts::All,
                          const std::set<std::string>* meta_names = nullptr);

  // The WARC records ("warc/FILE#OFFSET") of those of `urls` the crawl fetched for the site.
  std::map<std::string, std::string> warc_records(std::int64_t crawl_run, const std::string& site_id, const std::set<std::string>& urls);
  // A delta crawl's IPv6 link measurements: the earlier crawl's of the site, copied.
  void carry_link_probes(std::int64_t run, const std::string& site_id, std::int64_t from_run);
  // Takes over the last finished crawl of each of `sites` in the SQLite database `from` (a shared
  // run's unit database) as a finished crawl run of this store, for a crawl to ask again with its
  // validators: its pages, links, list items and messages, each page's text in its own row, and
  // its WARC locations prefixed with `warc_prefix` (their key in the artifact store). Returns the
  // run (0: `from` holds no finished crawl of these sites).
  std::int64_t import_crawl(const std::string& from, const std::vector<Site>& sites, const std::string& warc_prefix,
                            const Date& today);
  // Pages a delta crawl carried over without asking again: "site\nurl" -> when they were last checked.
  std::map<std::string, std::string> carried_pages(std::int64_t crawl_run);

  void save_findings(std::int64_t audit_run, const std::vector<Finding>& findings);
  std::vector<Finding> findings(std::int64_t audit_run) override;

  // Campaign (reviews.cpp, accounts.cpp): audit runs, findings with their database ids, the reviews
  // people made of them and the console's accounts.
  using StoredFinding = govaudit::StoredFinding;
  std::vector<CampaignRun> audit_runs() override;
  std::vector<StoredFinding> stored_findings(std::int64_t audit_run) override;
  std::optional<StoredFinding> finding_by_id(std::int64_t id) override;
  std::vector<std::int64_t> runs_with_finding(const std::string& site, const std::string& rule, const std::string& subject) override;
  std::string evidence_of(const StoredFinding& f) override;
  // Where the crawl stored the answer for `url` (asked for, or reached after redirects): its WARC
  // location, or "" when none was kept.
  std::string page_warc(std::int64_t crawl_run, const std::string& site, const std::string& url);
  std::int64_t add_review(const Review& r) override;
  std::vector<Review> reviews_of(const std::string& site, const std::string& rule, const std::string& subject) override;
  std::map<ReviewKey, Review> reviews_for(std::int64_t audit_run) override;
  void put_site_measures(std::int64_t audit_run, const std::map<std::string, SiteMeasures>& m) override;
  std::map<std::string, SiteMeasures> site_measures(std::int64_t audit_run) override;
  void add_recheck(const Recheck& r) override;
  std::map<ReviewKey, Recheck> rechecks_for(std::int64_t audit_run) override;
  std::int64_t add_account(const Account& a) override;
  std::vector<Account> accounts() override;
  bool remove_account(const std::string& name) override;
  std::optional<Account> account_by_token_hash(const std::string& hash) override;

  // Other hosts' links that answered 2xx/3xx in finished crawl runs at or after `since` (ISO 8601
  // UTC): the newest answer per URL.
  std::vector<PageRecord> recent_external_checks(const std::string& since);

  // Homepage availability probes (govaudit probe).
  void add_availability(const std::vector<AvailabilityRecord>& records);
  // Probes of `site_id` at or after `since` and before `until` (ISO 8601 UTC): {total, failed}.
  std::pair<int, int> availability(const std::string& site_id, const std::string& since, const std::string& until);

 private:
  void migrate();
  std::vector<DnsRecord> dns(std::int64_t crawl_run);
  std::vector<SiteView> load_views(std::int64_t crawl_run, const std::string* only_site, const std::vector<DnsRecord>& dns,
                                   ViewParts parts, const std::set<std::string>* meta_names = nullptr);
  sqlite::Connection db_;
};

}  // namespace govaudit
