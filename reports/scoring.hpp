#pragma once
// The per-site verdict of the evaluation report (config `scoring`): veto items, deductions and
// the score, from a site's findings alone.
#include <string>
#include <vector>

#include "config/config.hpp"
#include "model/records.hpp"

namespace govaudit {

struct Verdict {
  double score = 100;                // 0..100 after deductions
  std::vector<std::string> vetoes;   // reasons, in Chinese
  bool pass = true;                  // no veto and score >= pass_score
  int manual_checks = 0;             // findings that need a person's look (not scored)
  bool measured = true;              // false: the site was not audited (no score, never 合格)
  bool complete = true;              // false: a crawl limit left pages unfetched (never 合格)

  bool failed() const { return measured && !pass; }
  bool passed() const { return measured && pass && complete; }  // 合格
  const char* conclusion() const { return !measured ? "未测评" : !pass ? "不合格" : complete ? "合格" : "未完整测评"; }
  std::string score_text() const;    // "87.5", 否决, or — when not measured
};

// The verdict of a site that was not audited: no score, the conclusion 未测评.
Verdict not_measured();

// `probes`/`failed`: availability probes in the window (0 when none were made).
Verdict judge_site(const std::vector<const Finding*>& findings, const Config& cfg, int probes = 0, int failed = 0);

}  // namespace govaudit
