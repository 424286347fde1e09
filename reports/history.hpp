#pragma once
// Findings compared across audit runs: 新发现 (new), 仍存在 (persisting), 已整改 (resolved), keyed
// by (site, rule, subject).
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "storage/store.hpp"

namespace govaudit {

struct FindingDiff {
  std::vector<Finding> added, persisting, resolved;  // resolved: as they were in the earlier run
};

FindingDiff diff_findings(const std::vector<Finding>& before, const std::vector<Finding>& after);

// The audit run before `audit_run` (by id), or nullopt for the first one.
std::optional<std::int64_t> previous_audit(Store& store, std::int64_t audit_run);

// "新发现" or "仍存在" for each finding of `after` given the earlier run's findings.
std::string status_against(const Finding& f, const std::vector<Finding>& before);

}  // namespace govaudit
