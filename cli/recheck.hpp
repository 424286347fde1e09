#pragma once
// 回头看 without a full crawl (govaudit recheck): the findings of an audit run whose fix was
// claimed (已整改) are checked again on the few pages their rules read — the homepage for an
// identifier or a stale homepage, the page or attachment for content and privacy, the target and
// the page linking to it for a broken link, the homepage and the column's list page for a column.
// Only those are fetched (the crawl engine resumes the audited crawl with just them open), with
// their WARC evidence beside the run's; the rules judge them, and each claim gets 整改通过,
// 整改未通过, or 未能复查 with why (a rule a few pages cannot decide waits for the next full run).
#include <cstdint>
#include <filesystem>
#include <functional>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "config/config.hpp"
#include "storage/campaign.hpp"
#include "storage/store.hpp"

namespace govaudit {

struct RecheckSummary {
  std::int64_t audit_run = 0;
  std::vector<Recheck> results;
  int fetched = 0;  // pages and links fetched
};

// Where a recheck reads the audited crawl and keeps what it fetches: the run's own database, or the
// shared store's units' databases and artifact store.
struct RecheckSource {
  std::map<std::string, Site> sites;  // the run's sites, by id
  std::string today;                  // the run's audit date
  // The audited crawl's records of these sites (pages, frontier, probes, DNS).
  std::function<CrawlState(const std::set<std::string>& site_ids)> crawl_state;
  std::filesystem::path dir;  // where the recheck's database and WARC directory are made
  // Called with the recheck's WARC directory once its crawl ended; returns what is put before a
  // location relative to `dir` to make it the evidence location the console reads.
  std::function<std::string(const std::filesystem::path& warc_dir)> keep_evidence;
};

// The source of a run in a SQLite store (file `db_path`): the recheck's files go beside it.
RecheckSource sqlite_recheck_source(Store& store, const std::string& db_path, std::int64_t audit_run);

// Checks the claims of `audit_run` and records each result in `campaign`. Throws
// std::invalid_argument when the run has no claim to check.
RecheckSummary recheck_claims(Campaign& campaign, std::int64_t audit_run, const RecheckSource& src, const Config& cfg);

// The pages a rule's finding rests on, to fetch again; empty when a few pages cannot decide it.
std::vector<std::string> pages_to_recheck(const Finding& f, const Site& site);

}  // namespace govaudit
