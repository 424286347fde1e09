#pragma once
// Policy documents and their interpretations (政策解读): every item of a policy-document column
// needs an interpretation (interpretation.missing), published within the configured number of
// working days (interpretation.late: working days in (document date, interpretation date] > 3),
// and the two must link to each other (interpretation.unlinked). Pairs are found by links first
// (相关解读 / 政策原文), then by the title the interpretation quotes (《…》政策解读, 图解《…》 …).
// When a document page loads its related links by script and no pair is found, the case is
// listed as interpretation.manual_check rather than reported missing.
#include "rules/rule.hpp"

namespace govaudit {

class InterpretationRule : public Rule {
 public:
  std::vector<std::string> ids() const override {
    return {"interpretation.missing", "interpretation.late", "interpretation.unlinked", "interpretation.manual_check"};
  }
  std::vector<Finding> check(const SiteView& site, const RuleContext& ctx) const override;
};

// The names a title refers to a policy by, normalised: the text inside its innermost 《》, that
// text without 关于印发…的通知, and for a document title without 《》 the title itself.
std::vector<std::string> policy_keys(const std::string& title);

// Whether a title reads as an interpretation (解读, 图解, 一图读懂, 答记者问 …).
bool looks_like_interpretation(const std::string& title);

}  // namespace govaudit
