#include "reports/history.hpp"

#include <set>
#include <tuple>

namespace govaudit {
namespace {
using Key = std::tuple<std::string, std::string, std::string>;
Key key(const Finding& f) { return {f.site_id, f.rule, f.subject}; }
std::set<Key> keys(const std::vector<Finding>& v) {
  std::set<Key> s;
  for (auto& f : v) s.insert(key(f));
  return s;
}
}  // namespace

FindingDiff diff_findings(const std::vector<Finding>& before, const std::vector<Finding>& after) {
  FindingDiff d;
  auto b = keys(before), a = keys(after);
  for (auto& f : after) (b.count(key(f)) ? d.persisting : d.added).push_back(f);
  for (auto& f : before)
    if (!a.count(key(f))) d.resolved.push_back(f);
  return d;
}

EarlierFindings::EarlierFindings(const std::vector<Finding>& before) : keys_(keys(before)) {}

std::string EarlierFindings::status(const Finding& f) const { return keys_.count(key(f)) ? "仍存在" : "新发现"; }

std::string history_words(const Config& cfg, const std::string& status) {
  return cfg.words(status == "新发现" ? "report.history_new" : status == "仍存在" ? "report.history_persisting" : "report.history_resolved");
}

}  // namespace govaudit
