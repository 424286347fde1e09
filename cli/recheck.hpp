#pragma once
// 回头看 without a full crawl (govaudit recheck): the findings of an audit run whose fix was
// claimed (已整改) are checked again on the few pages their rules read — the homepage for an
// identifier or a stale homepage, the page or attachment for content and privacy, the target and
// the page linking to it for a broken link, the homepage and the column's list page for a column.
// Only those are fetched (the crawl engine resumes the audited crawl with just them open), with
// their WARC evidence beside the run's; the rules judge them, and each claim gets 整改通过,
// 整改未通过, or 未能复查 with why (a rule a few pages cannot decide waits for the next full run).
#include <cstdint>
#include <string>
#include <vector>

#include "config/config.hpp"
#include "storage/store.hpp"

namespace govaudit {

struct RecheckSummary {
  std::int64_t audit_run = 0;
  std::vector<Recheck> results;
  int fetched = 0;  // pages and links fetched
};

// Throws std::invalid_argument when the run has no claim to check.
RecheckSummary recheck_claims(Store& store, const std::string& db_path, const Config& cfg, std::int64_t audit_run);

// The pages a rule's finding rests on, to fetch again; empty when a few pages cannot decide it.
std::vector<std::string> pages_to_recheck(const Finding& f, const Site& site);

}  // namespace govaudit
