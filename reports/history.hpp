#pragma once
// Findings compared across audit runs: 新发现 (new), 仍存在 (persisting), 已整改 (resolved), keyed
// by (site, rule, subject).
#include <cstdint>
#include <optional>
#include <set>
#include <string>
#include <tuple>
#include <vector>

#include "config/config.hpp"
#include "model/records.hpp"

namespace govaudit {

struct FindingDiff {
  std::vector<Finding> added, persisting, resolved;  // resolved: as they were in the earlier run
};

FindingDiff diff_findings(const std::vector<Finding>& before, const std::vector<Finding>& after);

// The earlier run's findings, keyed once: says of each finding of the later run "新发现" (new) or
// "仍存在" (persisting). A lookup per finding, not a scan of the earlier run.
class EarlierFindings {
 public:
  explicit EarlierFindings(const std::vector<Finding>& before);
  std::string status(const Finding& f) const;

 private:
  std::set<std::tuple<std::string, std::string, std::string>> keys_;
};

// 新发现, 仍存在 or 已整改 (as status() and the console's filter say them) in the words of
// [wording.report] history_*.
std::string history_words(const Config& cfg, const std::string& status);

}  // namespace govaudit
