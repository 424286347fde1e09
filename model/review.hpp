#pragma once
// A person's review of a finding (人工复核): confirmed, a false positive (with its reason), or
// claimed fixed by the site's staff. Keyed by the finding's (site, rule, subject), so it holds for
// the same finding in later runs.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace govaudit {

enum class ReviewStatus : std::uint8_t { Confirmed, FalsePositive, Fixed };
std::string_view name(ReviewStatus s);  // confirmed, false_positive, fixed
std::optional<ReviewStatus> review_status_from(std::string_view s);

struct Review {
  std::int64_t id = 0;
  std::string site_id, rule, subject;
  std::int64_t run = 0;  // the audit run the finding was reviewed on
  ReviewStatus status = ReviewStatus::Confirmed;
  std::string note, reviewer;
  std::string at;       // ISO 8601 UTC
  std::string account;  // the console account that made it ("" : loopback without accounts, an import)
};

// 回头看: a claimed fix checked again on the pages its rule reads (govaudit recheck).
enum class RecheckResult : std::uint8_t { Passed, Failed, Unmeasured };
std::string_view name(RecheckResult r);   // passed, failed, unmeasured
std::string_view label(RecheckResult r);  // 整改通过, 整改未通过, 未能复查
std::optional<RecheckResult> recheck_result_from(std::string_view s);

struct Recheck {
  std::int64_t id = 0;
  std::string site_id, rule, subject;
  std::int64_t run = 0;  // the audit run the fix was claimed on
  RecheckResult result = RecheckResult::Unmeasured;
  std::string note;  // why unmeasured, or what was fetched
  std::string warc;  // the new evidence
  std::string at;    // ISO 8601 UTC
};

// Who may do what in the console (govaudit user add): an evaluator (测评人员) everything; a county's
// staff see only their sites and may only claim a fix (已整改); a viewer only reads.
enum class Role : std::uint8_t { Evaluator, County, Viewer };
std::string_view name(Role r);  // evaluator, county, viewer
std::optional<Role> role_from(std::string_view s);

struct Account {
  std::int64_t id = 0;
  std::string name;
  Role role = Role::Viewer;
  std::vector<std::string> sites;  // county accounts: the site ids they see (others see every site)
  std::string token_hash;          // SHA-256 of the token, hex; the token itself is never stored
  std::string created_at;

  bool sees(std::string_view site_id) const;
  // Whether this account may record a review of `status` (county: only fixed; viewer: none).
  bool may_review(ReviewStatus status) const;
};

// What a review makes of the finding in audit run `run`: a fix claimed on an earlier run that this
// run still finds has not passed (整改未通过).
enum class ReviewState : std::uint8_t { None, Confirmed, FalsePositive, FixClaimed, FixFailed };
ReviewState review_state(const Review* latest, std::int64_t run);
std::string_view name(ReviewState s);   // none, confirmed, false_positive, fix_claimed, fix_failed
std::string_view label(ReviewState s);  // 未复核, 已确认, 误报, 已整改（待验证）, 整改未通过

}  // namespace govaudit
