#include "model/review.hpp"

namespace govaudit {

std::string_view name(ReviewStatus s) {
  switch (s) {
    case ReviewStatus::Confirmed: return "confirmed";
    case ReviewStatus::FalsePositive: return "false_positive";
    case ReviewStatus::Fixed: return "fixed";
  }
  return "confirmed";
}

std::optional<ReviewStatus> review_status_from(std::string_view s) {
  if (s == "confirmed") return ReviewStatus::Confirmed;
  if (s == "false_positive") return ReviewStatus::FalsePositive;
  if (s == "fixed") return ReviewStatus::Fixed;
  return std::nullopt;
}

ReviewState review_state(const Review* latest, std::int64_t run) {
  if (!latest) return ReviewState::None;
  switch (latest->status) {
    case ReviewStatus::Confirmed: return ReviewState::Confirmed;
    case ReviewStatus::FalsePositive: return ReviewState::FalsePositive;
    case ReviewStatus::Fixed: return latest->run < run ? ReviewState::FixFailed : ReviewState::FixClaimed;
  }
  return ReviewState::None;
}

std::string_view name(ReviewState s) {
  switch (s) {
    case ReviewState::None: return "none";
    case ReviewState::Confirmed: return "confirmed";
    case ReviewState::FalsePositive: return "false_positive";
    case ReviewState::FixClaimed: return "fix_claimed";
    case ReviewState::FixFailed: return "fix_failed";
  }
  return "none";
}

std::string_view label(ReviewState s) {
  switch (s) {
    case ReviewState::None: return "未复核";
    case ReviewState::Confirmed: return "已确认";
    case ReviewState::FalsePositive: return "误报";
    case ReviewState::FixClaimed: return "已整改（待验证）";
    case ReviewState::FixFailed: return "整改未通过";
  }
  return "未复核";
}

std::string_view name(RecheckResult r) {
  return r == RecheckResult::Passed ? "passed" : r == RecheckResult::Failed ? "failed" : "unmeasured";
}

std::string_view label(RecheckResult r) {
  return r == RecheckResult::Passed ? "整改通过" : r == RecheckResult::Failed ? "整改未通过" : "未能复查";
}

std::optional<RecheckResult> recheck_result_from(std::string_view s) {
  if (s == "passed") return RecheckResult::Passed;
  if (s == "failed") return RecheckResult::Failed;
  if (s == "unmeasured") return RecheckResult::Unmeasured;
  return std::nullopt;
}

std::string_view name(Role r) {
  switch (r) {
    case Role::Evaluator: return "evaluator";
    case Role::County: return "county";
    case Role::Viewer: return "viewer";
  }
  return "viewer";
}

std::optional<Role> role_from(std::string_view s) {
  if (s == "evaluator") return Role::Evaluator;
  if (s == "county") return Role::County;
  if (s == "viewer") return Role::Viewer;
  return std::nullopt;
}

bool Account::sees(std::string_view site_id) const {
  if (role != Role::County) return true;
  for (auto& s : sites)
    if (s == site_id) return true;
  return false;
}

bool Account::may_review(ReviewStatus status) const {
  return role == Role::Evaluator || (role == Role::County && status == ReviewStatus::Fixed);
}

}  // namespace govaudit
