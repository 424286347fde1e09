#pragma once
// A campaign's shared half: the audit runs, their findings, the reviews people make of them and the
// accounts they make them with. One interface that the SQLite store (one machine) and the
// PostgreSQL shared store (several machines) both implement, so that the console, its API, diff
// and the review table behave the same over `--db FILE` and `--db postgresql://…`.
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <tuple>
#include <vector>

#include "model/measures.hpp"
#include "model/records.hpp"
#include "model/review.hpp"

namespace govaudit {

// A finding with its database id (the console's and the API's handle).
struct StoredFinding {
  std::int64_t id = 0;
  std::int64_t run = 0;
  Finding finding;
};

// An audit run as the console lists it.
struct CampaignRun {
  std::int64_t id = 0;
  std::string today, started_at, finished_at;
  bool done = false;                // every site's audit is in (or its unit finally failed)
  std::int64_t crawl_run = 0;       // the crawl it judged (shared store: the run itself, or its parent)
  std::vector<std::string> sites;   // its site ids
};

// A work unit of a shared run, as an operator needs to see it.
struct UnitStatus {
  int id = 0;
  std::string server;
  std::vector<std::string> sites;
  std::string state;  // pending, leased, done, failed
  std::string owner, leased_at;
  double lease_age_s = 0;  // leased: seconds since the claim
  int attempts = 0;
  std::string error;
};

using ReviewKey = std::tuple<std::string, std::string, std::string>;  // site, rule, subject
inline ReviewKey key_of(const Finding& f) { return {f.site_id, f.rule, f.subject}; }

class Campaign {
 public:
  virtual ~Campaign() = default;

  virtual std::vector<CampaignRun> audit_runs() = 0;  // oldest first
  std::optional<CampaignRun> audit_run(std::int64_t id);
  // The newest finished audit run before `run`.
  std::optional<std::int64_t> previous_audit_run(std::int64_t run);

  virtual std::vector<Finding> findings(std::int64_t audit_run) = 0;
  virtual std::vector<StoredFinding> stored_findings(std::int64_t audit_run) = 0;
  virtual std::optional<StoredFinding> finding_by_id(std::int64_t id) = 0;
  // The finished audit runs that found the finding of this key, oldest first.
  virtual std::vector<std::int64_t> runs_with_finding(const std::string& site, const std::string& rule, const std::string& subject) = 0;
  // Where the crawl stored the answer the finding points at ("" when none was kept), relative to
  // the evidence root (the run's output directory; the shared store's artifact directory).
  virtual std::string evidence_of(const StoredFinding& f) = 0;

  virtual std::int64_t add_review(const Review& r) = 0;  // r.id is ignored; returns the new one
  virtual std::vector<Review> reviews_of(const std::string& site, const std::string& rule, const std::string& subject) = 0;
  // The newest review of each finding key made on `audit_run` or before it.
  virtual std::map<ReviewKey, Review> reviews_for(std::int64_t audit_run) = 0;

  // What the audit measured of each site besides its findings, stored with them (replaces what a
  // site had); by site id.
  virtual void put_site_measures(std::int64_t audit_run, const std::map<std::string, SiteMeasures>& m) = 0;
  virtual std::map<std::string, SiteMeasures> site_measures(std::int64_t audit_run) = 0;

  virtual void add_recheck(const Recheck& r) = 0;
  // The newest recheck of each finding key of `audit_run` (claims made on that run).
  virtual std::map<ReviewKey, Recheck> rechecks_for(std::int64_t audit_run) = 0;

  // Adds an account; throws std::invalid_argument when the name is taken.
  virtual std::int64_t add_account(const Account& a) = 0;
  virtual std::vector<Account> accounts() = 0;
  virtual bool remove_account(const std::string& name) = 0;
  virtual std::optional<Account> account_by_token_hash(const std::string& hash) = 0;

  // Shared runs only: the work units, and putting a failed one back to pending.
  virtual std::vector<UnitStatus> unit_status(std::int64_t /*run*/) { return {}; }
  virtual bool retry_unit(std::int64_t /*run*/, int /*unit*/) { return false; }
};

// SHA-256 of a token, as accounts store it (hex).
std::string token_hash(const std::string& token);

}  // namespace govaudit
