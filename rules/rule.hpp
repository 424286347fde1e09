#pragma once
// The rule interface. A rule is a pure function of one stored site and the audit context: it
// opens no socket, reads no clock and no file. "Today" and every threshold come in the context,
// so a stored crawl can be re-judged offline and every rule tested with hand-built SiteViews.
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <vector>

#include "config/calendar.hpp"
#include "config/config.hpp"
#include "model/date.hpp"
#include "model/records.hpp"

namespace govaudit {

class ColumnIndex;

struct RuleContext {
  Date today;                 // the audit date
  const Config* config;       // thresholds, catalog, identifiers; outlives the call
  const Calendar* calendar = &Calendar::builtin();  // working days
  // Set by judge() for the one site it judges: indexes that several rules need, built once.
  struct SiteCache {
    const SiteView* site = nullptr;
    std::mutex mu;  // rules run on several threads
    std::shared_ptr<const ColumnIndex> columns;
  };
  SiteCache* cache = nullptr;
};

class Rule {
 public:
  virtual ~Rule() = default;
  // The rule ids this rule may emit (CONTRACT.md ids or govaudit's own extensions).
  virtual std::vector<std::string> ids() const = 0;
  // Findings for one reachable site. Thread-safe: rules keep no mutable state.
  virtual std::vector<Finding> check(const SiteView& site, const RuleContext& ctx) const = 0;
  // Whether it reads every page's text (from the store): judge() starts such rules first, so that
  // the other threads take the rest meanwhile.
  virtual bool reads_all_texts() const { return false; }
};

// Every rule govaudit has, built from `config` (compiling its patterns: throws ConfigError for a
// bad one).
std::vector<std::unique_ptr<Rule>> all_rules(const Config& config);

// The <meta> tags the rules and the reports' evidence read: their views keep only these. A rule
// that reads another names it here.
std::set<std::string> meta_names_read(const Config& config);

// Judges every site: an unreachable site gets `site.unreachable` and nothing else; others get
// every rule's findings. Order: by site as given, then by rule.
std::vector<Finding> judge(const std::vector<SiteView>& sites, const RuleContext& ctx);
// One site with rules built once by all_rules().
std::vector<Finding> judge(const SiteView& site, const std::vector<std::unique_ptr<Rule>>& rules, const RuleContext& ctx);

// Host of the site's homepage URL (the subject of host-level findings).
std::string homepage_host(const SiteView& site);

}  // namespace govaudit
