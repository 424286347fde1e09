#pragma once
// The three stages as the subcommands run them: crawl → audit → report, over one Store.
#include <cstdint>
#include <filesystem>
#include <functional>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "config/config.hpp"
#include "config/sites.hpp"
#include "reports/report.hpp"
#include "storage/store.hpp"

namespace govaudit {

struct StageResult {
  std::int64_t run = 0;
  int findings = 0;
  int unreachable = 0;
};

struct CrawlOptions {
  CrawlOptions() = default;
  CrawlOptions(std::filesystem::path warc, bool start_fresh) : warc_dir(std::move(warc)), fresh(start_fresh) {}
  std::filesystem::path warc_dir;  // where WARC evidence goes (empty: none)
  std::filesystem::path earlier_warc_root;  // what an earlier crawl's WARC locations are relative to (empty: the output directory)
  bool fresh = false;              // never resume, never ask with an earlier crawl's validators: fetch everything anew
  bool delta = false;              // a daily delta: known articles asked again only when due (crawl.revisit_days)
  // run_job: called once a new job's crawl run is stored, before its audit (`govaudit run` starts
  // a fresh image of itself there, which continues the job from the store).
  std::function<void()> after_crawl;
  bool continuing_in_new_image = false;  // the job continues in the image after_crawl started
};

// Crawls `sites` into a crawl run of `store` (whose file is `db_path`). An unfinished crawl run of
// the same sites (a killed crawl) is continued instead of starting anew, unless `opt.fresh`.
StageResult crawl_stage(Store& store, const std::string& db_path, const Config& cfg, const std::vector<Site>& sites,
                        const Date& today, const std::string& options_json, const CrawlOptions& opt = {});
// Judges a stored crawl run into a new audit run: its findings, and each site's measures
// (model/measures.hpp) from the same reading of the crawl's records.
StageResult audit_stage(Store& store, const Config& cfg, std::int64_t crawl_run, const Date& today);
// An audit run stored by a govaudit older than the site measures has none: measures its sites once
// from its crawl and stores them. Does nothing when they are there.
void ensure_measures(Store& store, const Config& cfg, std::int64_t audit_run);
// Writes the reports of an audit run into `out` and records that they were written; returns the
// files written. `notify`: then sends the run's new findings to cfg.notify's webhook (a run's end).
std::vector<std::filesystem::path> report_stage(Store& store, const Config& cfg, std::int64_t audit_run,
                                                const std::filesystem::path& out, const std::set<std::string>& formats = {},
                                                bool notify = false);

struct JobResult {
  StageResult crawl, audit;
  std::vector<std::filesystem::path> files;
};

// crawl → audit → report, as `govaudit run` does it. Unless `opt.fresh`, a job that a killed command
// left unfinished is finished instead of started again: a crawl run still running is continued; a
// finished crawl of a `run` with the same options (`options_json`) and sites whose reports were not
// all written is audited (or its finished audit reported) without fetching anything again. The
// audit date of a continued job is the one it started with.
JobResult run_job(Store& store, const std::string& db_path, const Config& cfg, const std::vector<Site>& sites,
                  const Date& today, const std::string& options_json, const std::filesystem::path& out,
                  const CrawlOptions& opt = {});

}  // namespace govaudit
