#include "reports/rectification.hpp"

#include <csv.h>

#include <map>
#include <nlohmann/json.hpp>

#include "config/calendar.hpp"
#include "reports/history.hpp"
#include "reports/scoring.hpp"

namespace govaudit {
namespace {

// What the staff fixing a content finding need beside the URL: the fix itself, the masked number,
// how the link is hidden, the message's date.
std::string specifics(const Config& cfg, const Finding& f) {
  auto d = nlohmann::json::parse(f.detail_json, nullptr, false);
  if (!d.is_object()) return "";
  std::string out;
  auto add = [&](const char* key, std::initializer_list<std::pair<const char*, std::string>> values) {
    out += (out.empty() ? "" : "；") + cfg.say(std::string("specifics.") + key, values);
  };
  std::string unknown = cfg.words("specifics.date_unknown");
  if (f.rule == "wording.serious_error" || f.rule == "wording.suspected_error")
    for (auto& e : d.value("errors", nlohmann::json::array())) add("wording_error", {{"wrong", e.value("wrong", "")}, {"right", e.value("right", "")}});
  else if (f.rule == "wording.outdated_name")
    for (auto& e : d.value("uses", nlohmann::json::array())) add("outdated_name", {{"name", e.value("name", "")}, {"now", e.value("now", "")}});
  else if (f.rule == "privacy.id_number") {
    add("id_numbers", {{"n", std::to_string(d.value("id_numbers", 0))}});
    if (auto seen = d.value("seen", nlohmann::json::array()); !seen.empty()) add("id_example", {{"number", seen[0].value("number", "")}});
  } else if (f.rule == "security.hidden_link") {
    add("hidden_link", {{"how", d.value("hidden_by", "")}, {"text", d.value("text", "")}});
  } else if (f.rule == "content.duplicate_article") {
    add("duplicate", {{"first", d.value("first", "")}, {"first_published", d.value("first_published", unknown)}, {"published", d.value("published", unknown)}});
  } else if (f.rule == "privacy.phone_number") {
    add("phone_numbers", {{"n", std::to_string(d.value("phone_numbers", 0))}});
  } else if (f.rule == "interaction.unanswered") {
    add("unanswered", {{"left", d.value("left", "")}, {"title", d.value("title", "")}});
  }
  return out.empty() ? "" : "（" + out + "）";
}

}  // namespace

std::vector<RectificationRow> rectification_rows(const ReportData& d) {
  const Config& cfg = *d.config;
  std::map<std::string, const SiteSummary*> sites;
  for (auto& s : d.sites) sites[s.site.id] = &s;
  std::map<std::string, std::string> column_unit;
  std::string interpretation_unit;
  for (auto& c : cfg.catalog) {
    column_unit[c.name] = c.unit;
    if (c.interpretations) interpretation_unit = c.unit;
  }
  Date today = Date::parse_iso(d.audit.today).value_or(Date::today_china());
  std::vector<RectificationRow> rows;
  EarlierFindings earlier(d.previous);  // empty without an earlier run
  for (auto& f : d.findings) {
    if (f.rule.find("manual_check") != std::string::npos) continue;
    RuleText rt = cfg.rule_text(f.rule);
    RectificationRow r;
    r.no = int(rows.size()) + 1;
    auto s = sites.find(f.site_id);
    r.site = s == sites.end() ? f.site_id : s->second->site.name;
    r.category = rt.category;
    r.problem = rt.title + "：" + f.subject + specifics(cfg, f);
    r.url = f.url;
    r.basis = rt.basis;
    r.requirement = rt.requirement;
    if (f.rule.rfind("columns.", 0) == 0 && column_unit.count(f.subject)) r.unit = column_unit[f.subject];
    else if (f.rule.rfind("interpretation.", 0) == 0 && !interpretation_unit.empty()) r.unit = interpretation_unit;
    else if (s != sites.end() && !s->second->site.unit.empty()) r.unit = s->second->site.unit;
    if (r.unit.empty()) r.unit = cfg.rectification.default_unit;
    auto wd = cfg.rectification.working_days.find(rt.category);
    int days = wd == cfg.rectification.working_days.end() ? cfg.rectification.default_working_days : wd->second;
    r.deadline = Calendar::builtin().add_working_days(today, days).iso();
    r.status = earlier.status(f);
    if (auto rc = d.rechecks.find(key_of(f)); rc != d.rechecks.end()) r.status += cfg.say("specifics.recheck", {{"result", std::string(label(rc->second.result))}});
    rows.push_back(std::move(r));
  }
  return rows;
}

std::vector<std::string> rectification_columns(const Config& cfg) {
  std::vector<std::string> out;
  for (const char* k : {"number", "site", "category", "problem", "url", "basis", "requirement", "unit", "deadline", "status"})
    out.push_back(cfg.words(std::string("rectification.") + k));
  return out;
}

void write_rectification_csv(const Config& cfg, const std::vector<RectificationRow>& rows, std::ostream& out) {
  out << "\xEF\xBB\xBF";  // BOM: Excel and WPS then read UTF-8
  auto field = [&](const std::string& v, bool last) {
    std::string q(v.size() * 2 + 3, '\0');
    size_t n = csv_write(q.data(), q.size(), v.data(), v.size());  // quotes and doubles '"'
    out.write(q.data(), std::streamsize(n));
    out << (last ? "\r\n" : ",");
  };
  auto head = rectification_columns(cfg);
  for (size_t i = 0; i < head.size(); ++i) field(head[i], i + 1 == head.size());
  for (auto& r : rows) {
    std::string cells[] = {std::to_string(r.no), r.site, r.category, r.problem, r.url,
                           r.basis, r.requirement, r.unit, r.deadline, r.status};
    for (int i = 0; i < 10; ++i) field(cells[i], i == 9);
  }
}

void write_markdown(const ReportData& d, const std::vector<RectificationRow>& rows, std::ostream& o) {
  const Config& cfg = *d.config;
  auto cell = [](std::string s) {
    for (size_t p = 0; (p = s.find_first_of("|\n\r", p)) != std::string::npos; ++p) s[p] = s[p] == '|' ? '/' : ' ';
    return s;
  };
  RunSummary sum = summarize(d);
  std::string unaudited = not_audited_line(cfg, sum), unchecked = unchecked_line(d), cut = cut_short_line(cfg, sum);
  auto table = [&](const char* key) {
    auto& cols = cfg.column_words(std::string("columns.") + key);
    std::string head = "|", rule = "|";
    for (auto& c : cols) head += " " + cell(c) + " |", rule += "---|";
    return head + "\n" + rule + "\n";
  };
  o << "# " << cfg.report_title << "\n\n"
    << cfg.say("report.md_head", {{"date", d.audit.today}, {"sites", std::to_string(d.sites.size())}, {"n", std::to_string(rows.size())}})
    << (unaudited.empty() ? "" : "\n\n**" + unaudited + "。**")
    << (cut.empty() ? "" : "\n\n**" + cut + "。**") << (unchecked.empty() ? "" : "\n\n" + unchecked + "。")
    << "\n\n## " << cfg.words("report.md_overview") << "\n\n" << table("md_overview");
  for (auto& s : d.sites) {
    const Verdict& v = sum.verdicts[s.site.id];
    o << "| " << cell(s.site.name) << " | " << cell(s.site.homepage) << " | "
      << (v.measured ? std::to_string(sum.by_site[s.site.id].size() - size_t(v.manual_checks)) : "—") << " | " << v.score_text()
      << " | " << v.conclusion() << (v.measured ? "" : "（" + cell(s.error.empty() ? cfg.words("report.audit_unfinished") : s.error) + "）") << " |\n";
  }
  o << "\n## " << cfg.words("report.md_rectification") << "\n\n" << table("md_rectification");
  for (auto& r : rows)
    o << "| " << r.no << " | " << cell(r.site) << " | " << cell(r.problem) << " | " << cell(r.url) << " | " << cell(r.unit)
      << " | " << r.deadline << " | " << r.status << " |\n";
  if (d.has_previous) {
    auto diff = diff_findings(d.previous, d.findings);
    o << "\n## " << cfg.words("report.md_since_last") << "\n\n"
      << cfg.say("report.md_since_last_line", {{"added", std::to_string(diff.added.size())}, {"persisting", std::to_string(diff.persisting.size())},
                                                {"resolved", std::to_string(diff.resolved.size())}})
      << "\n";
    for (auto& f : diff.resolved)
      o << "- " << cfg.say("report.md_resolved", {{"title", cell(cfg.rule_text(f.rule).title)}, {"subject", cell(f.subject)}}) << "\n";
  }
}

}  // namespace govaudit
