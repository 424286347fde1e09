#include "reports/scoring.hpp"

#include <cstdio>
#include <map>
#include <nlohmann/json.hpp>

namespace govaudit {

std::string Verdict::score_text() const {
  if (!measured) return "—";
  if (!vetoes.empty()) return "否决";
  char buf[16];
  std::snprintf(buf, sizeof buf, "%.1f", score);
  return buf;
}

Verdict not_measured() {
  Verdict v;
  v.measured = false;
  v.pass = false;
  v.score = 0;
  return v;
}

Verdict judge_site(const std::vector<const Finding*>& findings, const Config& cfg, int probes, int failed) {
  const Scoring& sc = cfg.scoring;
  Verdict v;
  int stale_news = 0, stale_notice = 0, stale = 0, empty = 0;
  std::map<std::string, double> by_rule;
  std::map<std::string, int> veto_rules;  // rule title -> findings
  int prohibited = 0;
  for (const Finding* f : findings) {
    if (f->rule.find("manual_check") != std::string::npos) {
      ++v.manual_checks;
      continue;
    }
    // The severity the finding was judged with, not today's config: the score follows the audit.
    if (f->severity == Severity::Veto) ++veto_rules[cfg.rule_text(f->rule).title];
    if (f->rule == "security.hidden_link" && sc.veto_prohibited_hidden_links) {
      auto d = nlohmann::json::parse(f->detail_json, nullptr, false);
      prohibited += d.is_object() && d.contains("prohibited_words");
    }
    if (f->rule == "columns.stale") {
      ++stale;
      auto d = nlohmann::json::parse(f->detail_json, nullptr, false);
      int limit = d.is_object() && d.contains("limit_days") ? d["limit_days"].get<int>() : 365;
      if (limit <= 14) ++stale_news;
      else if (limit <= 183) ++stale_notice;
    }
    if (f->rule == "columns.empty") ++empty;
    auto it = sc.deduction.find(std::string(name(f->severity)));
    by_rule[f->rule] += it == sc.deduction.end() ? 0 : it->second;
  }
  auto veto = [&](bool hit, const std::string& why) {
    if (hit) v.vetoes.push_back(why);
  };
  auto count = [&](const char* key, int n) { return cfg.say(std::string("report.") + key, {{"n", std::to_string(n)}}); };
  for (auto& [title, n] : veto_rules) veto(true, n > 1 ? cfg.say("report.veto_rule_count", {{"title", title}, {"n", std::to_string(n)}}) : title);
  veto(prohibited > 0, count("veto_prohibited", prohibited));
  veto(stale_news >= sc.veto_stale_news_columns, count("veto_stale_news", stale_news));
  veto(stale_notice >= sc.veto_stale_notice_columns, count("veto_stale_notice", stale_notice));
  veto(stale >= sc.veto_stale_columns, count("veto_stale", stale));
  veto(empty >= sc.veto_empty_columns, count("veto_empty", empty));
  if (probes >= sc.availability_min_probes && double(failed) / probes >= sc.veto_availability_failures) {
    char buf[96];
    std::snprintf(buf, sizeof buf, "%.1f%%", 100.0 * failed / probes);
    veto(true, cfg.say("report.veto_availability", {{"share", buf}, {"failed", std::to_string(failed)}, {"probes", std::to_string(probes)}}));
  }
  for (auto& [rule, d] : by_rule) v.score -= std::min(d, sc.max_deduction_per_rule);
  v.score = std::max(0.0, v.score);
  v.pass = v.vetoes.empty() && v.score >= sc.pass_score;
  return v;
}

}  // namespace govaudit
