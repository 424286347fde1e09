// The HTML 测评报告: one page of sections (overview, per site, content safety, interaction, services,
// IPv6, availability, manual checks, redirects, method, excluded findings), styled inline.
#include <cstdio>
#include <cstring>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <tuple>

#include "reports/report.hpp"
#include "reports/history.hpp"
#include "reports/rectification.hpp"
#include "reports/scoring.hpp"

namespace govaudit {

std::string head_row(const Config& cfg, const std::string& columns, bool extra_first) {
  std::string r = std::string("<tr>") + (extra_first ? "<th></th>" : "");
  for (auto& c : cfg.column_words("columns." + columns)) r += "<th>" + html_escape(c) + "</th>";
  return r + "</tr>";
}

std::string html_escape(std::string_view s) {
  std::string o;
  o.reserve(s.size() + 16);
  for (char c : s) {
    switch (c) {
      case '&': o += "&amp;"; break;
      case '<': o += "&lt;"; break;
      case '>': o += "&gt;"; break;
      case '"': o += "&quot;"; break;
      case '\'': o += "&#39;"; break;
      default: o += c;
    }
  }
  return o;
}

namespace {

const char* kStyle = R"css(
body{font-family:"Noto Sans CJK SC","Microsoft YaHei","PingFang SC",sans-serif;margin:0;color:#222;background:#f6f7f9}
main{max-width:1100px;margin:0 auto;padding:24px 32px;background:#fff}
h1{font-size:26px;border-bottom:3px solid #b71c1c;padding-bottom:8px}
h2{font-size:20px;margin-top:32px;border-left:5px solid #b71c1c;padding-left:8px}
h3{font-size:16px;margin-top:20px}
table{border-collapse:collapse;width:100%;margin:8px 0 16px;font-size:13px}
th,td{border:1px solid #ccc;padding:5px 7px;text-align:left;vertical-align:top;word-break:break-all}
th{background:#f0f0f0}
.pass{color:#1b5e20;font-weight:bold}.fail{color:#b71c1c;font-weight:bold}
.veto{background:#ffebee}.muted{color:#777;font-size:12px}
.kv td:first-child{width:160px;background:#fafafa}
code{font-size:12px;background:#f3f3f3;padding:1px 3px}
@media print{body{background:#fff}main{padding:0;max-width:none}h2{page-break-before:auto}table{page-break-inside:auto}tr{page-break-inside:avoid}}
@page{size:A4;margin:16mm}
)css";


void bar_chart(std::ostream& o, const std::string& label, const std::map<std::string, int>& counts) {
  if (counts.empty()) return;
  int max = 1;
  for (auto& [k, v] : counts) max = std::max(max, v);
  int h = 26 * int(counts.size()) + 10;
  o << "<svg role=\"img\" aria-label=\"" << html_escape(label) << "\" width=\"720\" height=\"" << h << "\" xmlns=\"http://www.w3.org/2000/svg\">";
  int y = 5;
  for (auto& [k, v] : counts) {
    int w = 480 * v / max;
    o << "<text x=\"0\" y=\"" << y + 15 << "\" font-size=\"13\">" << html_escape(k) << "</text>"
      << "<rect x=\"150\" y=\"" << y << "\" width=\"" << w << "\" height=\"18\" fill=\"#c62828\"/>"
      << "<text x=\"" << 156 + w << "\" y=\"" << y + 14 << "\" font-size=\"12\">" << v << "</text>";
    y += 26;
  }
  o << "</svg>";
}

}  // namespace

std::string detail_text(const std::string& detail_json, const Config& cfg) {
  auto j = nlohmann::json::parse(detail_json, nullptr, false);
  if (j.is_discarded() || !j.is_object()) return html_escape(detail_json);
  std::string out;
  for (auto& [k, v] : j.items()) {
    if (!out.empty()) out += "；";
    auto label = cfg.detail_labels.find(k);
    out += html_escape(label == cfg.detail_labels.end() ? k : label->second) + "：" + html_escape(v.is_string() ? v.get<std::string>() : v.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
  }
  return out;
}

namespace {

std::string pct(int ok, int total) {
  if (total == 0) return "—";
  char buf[48];
  std::snprintf(buf, sizeof buf, "%.1f%%（%d/%d）", 100.0 * ok / total, ok, total);
  return buf;
}

std::string fixed1(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.1f", v);
  return buf;
}

// What every section of the report reads: the findings by site, the verdict of each site, and
// the findings left for a manual check.
struct Sections : RunSummary {
  const ReportData& d;
  const Config& cfg;
  std::ostream& o;
  EarlierFindings earlier;

  Sections(const ReportData& data, std::ostream& out)
      : RunSummary(summarize(data)), d(data), cfg(*data.config), o(out),
        earlier(data.previous) {}

  // The words under report.<key>, escaped.
  std::string w(const char* key) const { return html_escape(cfg.words(std::string("report.") + key)); }
  // The same with placeholders filled by `values`, which are HTML already.
  std::string say(const char* key, std::initializer_list<std::pair<const char*, std::string>> values) const {
    return fill_words(w(key), values);
  }

  // A heading in the configured words (config/defaults/wording.toml).
  std::string heading(const char* tag, const std::string& key) const {
    return std::string("<") + tag + ">" + html_escape(cfg.words(key)) + "</" + tag + ">";
  }

  void header() {
    o << "<!DOCTYPE html><html lang=\"zh-CN\"><head><meta charset=\"utf-8\"><title>" << html_escape(cfg.report_title)
      << "</title><style>" << kStyle << "</style></head><body><main>";
    o << "<h1>" << html_escape(cfg.report_title) << "</h1>";
    auto row = [&](const char* key, const std::string& value, bool fail = false) {
      o << "<tr><td>" << w(key) << "</td><td" << (fail ? " class=\"fail\">" : ">") << value << "</td></tr>";
    };
    o << "<table class=\"kv\">";
    row("audit_date", html_escape(d.audit.today));
    row("crawl_time", say("crawl_span", {{"from", html_escape(d.crawl.started_at)}, {"to", html_escape(d.crawl.finished_at)}}));
    row("sites_audited", std::to_string(d.sites.size()));
    if (auto line = not_audited_line(cfg, *this); !line.empty()) row("not_audited", html_escape(line), true);
    if (auto line = cut_short_line(cfg, *this); !line.empty()) row("cut_short", html_escape(line), true);
    if (auto line = unchecked_line(d); !line.empty()) row("delta", html_escape(line));
    row("findings_count", say("findings_line", {{"n", std::to_string(d.findings.size() - manual.size())}, {"manual", std::to_string(manual.size())}}));
    row("tool", say("tool_line", {{"version", version()}, {"crawl", std::to_string(d.crawl.id)},
                                  {"audit", d.audit.id ? std::to_string(d.audit.id) : w("not_judged")}}));
    o << "</table>";
  }

  void overview() {
    o << heading("h2", "report.overview") << "<table>" << head_row(cfg, "overview");
    std::map<std::string, int> count_by_site;
    for (auto& s : d.sites) {
      auto& fs = by_site[s.site.id];
      const Verdict& v = verdicts[s.site.id];
      count_by_site[s.site.name] = int(fs.size()) - v.manual_checks;
      std::string vetoes;
      for (auto& x : v.vetoes) vetoes += (vetoes.empty() ? "" : "；") + x;
      o << "<tr" << (v.pass ? "" : " class=\"veto\"") << "><td>" << html_escape(s.site.name) << "</td><td>"
        << html_escape(s.site.homepage) << "</td><td>" << s.pages << "</td><td>" << count_by_site[s.site.name] << "</td><td>"
        << v.score_text() << "</td><td>" << (vetoes.empty() ? w("none") : html_escape(vetoes)) << "</td><td class=\""
        << (v.passed() ? "pass" : "fail") << "\">" << v.conclusion() << "</td></tr>";
    }
    o << "</table>" << heading("h3", "report.by_category");
    bar_chart(o, cfg.words("report.by_category"), by_category);
    o << heading("h3", "report.by_site");
    bar_chart(o, cfg.words("report.by_site"), count_by_site);
    if (d.has_previous) {
      auto diff = diff_findings(d.previous, d.findings);
      o << heading("h3", "report.since_last");
      bar_chart(o, cfg.words("report.since_last"), {{cfg.words("report.history_new"), int(diff.added.size())},
                    {cfg.words("report.history_persisting"), int(diff.persisting.size())},
                    {cfg.words("report.history_resolved"), int(diff.resolved.size())}});
      if (!diff.resolved.empty()) {
        o << "<table>" << head_row(cfg, "resolved");
        for (auto& f : diff.resolved)
          o << "<tr><td>" << html_escape(cfg.rule_text(f.rule).title) << "</td><td>" << html_escape(f.site_id) << "</td><td>"
            << html_escape(f.subject) << "</td></tr>";
        o << "</table>";
      }
    }
  }

  void per_site() {
    o << heading("h2", "report.per_site");
    for (auto& s : d.sites) {
      const Verdict& v = verdicts[s.site.id];
      o << "<h3>" << html_escape(s.site.name) << "（" << html_escape(s.site.id) << "）</h3>";
      o << "<p>"
        << say("site_verdict", {{"score", "<b>" + v.score_text() + "</b>"},
                                {"conclusion", std::string("<span class=\"") + (v.passed() ? "pass" : "fail") + "\">" + v.conclusion() + "</span>"}});
      for (auto& x : v.vetoes) o << say("site_veto", {{"veto", html_escape(x)}});
      o << "</p>";
      if (s.status == "unreachable") o << "<p class=\"fail\">" << say("home_unreachable", {{"error", html_escape(s.error)}}) << "</p>";
      if (!site_audited(s)) {  // nothing was judged: no "未发现问题" either
        o << "<p class=\"fail\">" << say("site_not_audited", {{"why", s.error.empty() ? w("audit_unfinished") : html_escape(s.error)}}) << "</p>";
        continue;
      }
      for (auto& l : s.limits) o << "<p class=\"muted\">" << say("crawl_limit", {{"limit", html_escape(l)}}) << "</p>";
      std::map<std::string, std::vector<const Finding*>> by_cat;
      for (auto* f : by_site[s.site.id])
        if (f->rule.find("manual_check") == std::string::npos) by_cat[cfg.rule_text(f->rule).category].push_back(f);
      if (by_cat.empty()) {
        o << "<p class=\"pass\">" << w("no_findings") << "</p>";
        continue;
      }
      o << "<table><colgroup><col style=\"width:8%\"><col style=\"width:15%\"><col style=\"width:17%\"><col style=\"width:22%\">"
           "<col style=\"width:32%\"><col style=\"width:6%\"></colgroup>" << head_row(cfg, "findings");
      for (auto& [cat, list] : by_cat)
        for (auto* f : list) {
          auto rt = cfg.rule_text(f->rule);
          o << "<tr><td>" << html_escape(cat) << "</td><td>" << html_escape(rt.title) << "<br><code>" << html_escape(f->rule)
            << "</code></td><td>" << html_escape(f->subject) << "</td><td>" << html_escape(f->url);
          if (auto at = s.warc.find(f->url); at != s.warc.end())
            o << "<br><span class=\"muted\">" << say("archived", {{"where", html_escape(at->second)}}) << "</span>";
          o << "</td><td>"
            << detail_text(f->detail_json, cfg) << "</td><td>" << html_escape(history_words(cfg, earlier.status(*f)));
          if (auto st = d.state(*f); st != ReviewState::None)
            o << "<br><span class=\"" << (st == ReviewState::FixFailed ? "fail" : "muted") << "\">" << label(st) << "</span>";
          o << "</td></tr>";
        }
      o << "</table>";
    }
  }

  // 内容安全: what a county office fears most, each with what was seen (never a full ID number:
  // the crawler masked them before anything was stored).
  void content_safety() {
    o << heading("h2", "report.content_safety");
    struct Row {
      int id_pages = 0, id_files = 0, ids = 0, phones = 0, hidden = 0, prohibited = 0, serious = 0, suspected = 0, outdated = 0;
    };
    std::vector<const Finding*> list;
    o << "<table>" << head_row(cfg, "content_safety");
    for (auto& s : d.sites) {
      Row r;
      for (auto* f : by_site[s.site.id]) {
        auto j = nlohmann::json::parse(f->detail_json, nullptr, false);
        if (!j.is_object()) j = nlohmann::json::object();
        if (f->rule == "privacy.id_number") {
          (j.value("attachment", false) ? r.id_files : r.id_pages) += 1;
          r.ids += j.value("id_numbers", 0);
        } else if (f->rule == "privacy.phone_number") {
          ++r.phones;
        } else if (f->rule == "security.hidden_link") {
          ++r.hidden;
          r.prohibited += j.contains("prohibited_words");
        } else if (f->rule == "wording.serious_error") ++r.serious;
        else if (f->rule == "wording.suspected_error") ++r.suspected;
        else if (f->rule == "wording.outdated_name") ++r.outdated;
        else continue;
        list.push_back(f);
      }
      auto cell = [&](int n) { return "<td" + std::string(n ? " class=\"fail\">" : ">") + std::to_string(n) + "</td>"; };
      o << "<tr><td>" << html_escape(s.site.name) << "</td>" << cell(r.id_pages) << cell(r.id_files) << cell(r.ids) << cell(r.phones)
        << cell(r.hidden) << cell(r.prohibited) << cell(r.serious) << cell(r.suspected) << cell(r.outdated) << "</tr>";
    }
    o << "</table>";
    if (list.empty()) {
      o << "<p class=\"pass\">" << w("no_content_findings") << "</p>";
      return;
    }
    o << "<p class=\"muted\">" << w("masked_note") << "</p>"
      << "<table><colgroup><col style=\"width:10%\"><col style=\"width:14%\"><col style=\"width:26%\"><col style=\"width:50%\"></colgroup>"
      << head_row(cfg, "content_findings");
    for (auto* f : list) {
      auto j = nlohmann::json::parse(f->detail_json, nullptr, false);
      if (!j.is_object()) j = nlohmann::json::object();
      std::string seen;
      auto line = [&](const std::string& s) { seen += (seen.empty() ? "" : "<br>") + s; };
      if (f->rule == "privacy.id_number") {
        line(say(j.value("attachment", false) ? "id_numbers_in_attachment" : "id_numbers_in_page", {{"n", std::to_string(j.value("id_numbers", 0))}}) +
             (j.contains("linked_from") ? say("attachment_page", {{"url", html_escape(j["linked_from"].get<std::string>())}}) : ""));
        int n = 0;
        for (auto& e : j.value("seen", nlohmann::json::array()))
          if (++n <= 3) line("<code>" + html_escape(e.value("number", "")) + "</code>：" + html_escape(e.value("context", "")));
      } else if (f->rule == "security.hidden_link") {
        line(say("hidden_by", {{"how", html_escape(j.value("hidden_by", ""))}, {"text", html_escape(j.value("text", ""))}}));
        if (j.contains("prohibited_words")) {
          std::string words;
          for (auto& x : j["prohibited_words"]) words += (words.empty() ? "" : "、") + x.get<std::string>();
          line("<b class=\"fail\">" + say("prohibited_words", {{"words", html_escape(words)}}) + "</b>");
        }
        line(say("linked_from", {{"n", std::to_string(j.value("linked_from_pages", 0))}, {"url", html_escape(f->url)}}));
      } else if (f->rule == "wording.outdated_name") {
        for (auto& e : j.value("uses", nlohmann::json::array()))
          line(say("outdated_use", {{"name", html_escape(e.value("name", ""))}, {"now", html_escape(e.value("now", ""))},
                                    {"sentence", html_escape(e.value("sentence", ""))}}));
        line(say("published", {{"date", html_escape(j.value("published", ""))}}));
      } else {
        for (auto& e : j.value("errors", nlohmann::json::array()))
          line(say("wording_error", {{"wrong", html_escape(e.value("wrong", ""))}, {"right", html_escape(e.value("right", ""))},
                                     {"sentence", html_escape(e.value("sentence", ""))}}));
      }
      o << "<tr><td>" << html_escape(f->site_id) << "</td><td>" << html_escape(cfg.rule_text(f->rule).title) << "</td><td>"
        << html_escape(f->subject) << "</td><td>" << seen << "</td></tr>";
    }
    o << "</table>";
  }

  void interaction() {
    o << heading("h2", "report.interaction") << "<p class=\"muted\">"
      << say("interaction_note", {{"window", std::to_string(cfg.interaction.window_months)},
                                  {"unanswered", std::to_string(cfg.interaction.unanswered_months)},
                                  {"stale", std::to_string(cfg.interaction.reply_stale_months)}})
      << "</p><table>" << head_row(cfg, "interaction");
    for (auto& s : d.sites) {
      if (s.boxes.empty()) {
        o << "<tr><td>" << html_escape(s.site.name) << "</td><td colspan=\"6\" class=\"muted\">" << w("no_boxes") << "</td></tr>";
        continue;
      }
      for (auto& b : s.boxes) {
        std::string late;
        for (auto& m : b.unanswered)
          late += (late.empty() ? "" : "<br>") + html_escape(m.left ? m.left->iso() : "") + " " + html_escape(m.title) +
                  "<br><span class=\"muted\">" + html_escape(m.url) + "</span>";
        o << "<tr><td>" << html_escape(s.site.name) << "</td><td>" << html_escape(b.name) << (b.excluded ? w("box_not_counted") : "")
          << (b.url.empty() ? "" : "<br><span class=\"muted\">" + html_escape(b.url) + "</span>") << "</td><td>" << b.messages
          << "</td><td>" << b.answered << "</td><td>" << (b.median_days < 0 ? "—" : fixed1(b.median_days)) << "</td><td>"
          << (b.newest_reply ? b.newest_reply->iso() : w("none")) << "</td><td" << (b.unanswered.empty() ? ">" + w("none") : " class=\"fail\">" + late)
          << "</td></tr>";
      }
    }
    o << "</table>";
  }

  void services() {
    o << heading("h2", "report.functions") << "<p class=\"muted\">" << w("functions_note") << "</p><table>" << head_row(cfg, "functions");
    for (auto& s : d.sites) {
      const auto& a = s.a11y;
      std::string search = s.search == SearchState::Works    ? "<td>" + w("search_works") + "</td>"
                           : s.search == SearchState::Broken ? "<td class=\"fail\">" + w("search_broken") + "</td>"
                           : s.search == SearchState::Manual ? "<td>" + w("search_manual") + "</td>"
                                                             : "<td class=\"muted\">" + w("search_none") + "</td>";
      o << "<tr><td>" << html_escape(s.site.name) << "</td>" << search << "<td" << (a.entry ? ">" + w("yes") : " class=\"fail\">" + w("none"))
        << "</td><td>" << a.pages
        << "</td><td>" << a.images << "</td><td>" << a.images_without_alt << "</td><td>" << a.fields << "</td><td>"
        << a.fields_unlabeled << "</td><td>" << a.pages_without_lang << "</td><td>" << a.pages_without_title << "</td></tr>";
    }
    o << "</table>";
  }

  void ipv6() {
    o << heading("h2", "report.ipv6") << "<table>" << head_row(cfg, "ipv6");
    for (auto& s : d.sites) {
      const auto& m = s.ipv6;
      std::string aaaa;
      for (auto& a : m.aaaa) aaaa += (aaaa.empty() ? "" : " ") + a;
      o << "<tr><td>" << html_escape(s.site.name) << "</td><td>" << html_escape(m.host) << "</td><td>"
        << (aaaa.empty() ? w("none") : html_escape(aaaa)) << "</td><td>" << pct(m.home_v4_ok, m.home_v4_total) << "</td><td>"
        << pct(m.home_v6_ok, m.home_v6_total) << "</td><td>" << (m.similarity < 0 ? "—" : fixed1(m.similarity * 100) + "%")
        << "</td><td>" << pct(m.link2_ok, m.link2_total) << "</td><td>" << pct(m.link3_ok, m.link3_total) << "</td><td>"
        << (m.ns_total ? html_escape(m.zone) + "：" + pct(m.ns_with_aaaa, m.ns_total) : w("not_obtained")) << "</td></tr>";
    }
    o << "</table>";
  }

  void availability() {
    o << heading("h2", "report.availability") << "<p class=\"muted\">"
      << say("availability_note", {{"days", std::to_string(cfg.scoring.availability_window_days)},
                                   {"timeout", std::to_string(cfg.scoring.availability_timeout_ms / 1000)},
                                   {"min", std::to_string(cfg.scoring.availability_min_probes)}})
      << "</p>"
      << "<table>" << head_row(cfg, "availability");
    for (auto& s : d.sites)
      o << "<tr><td>" << html_escape(s.site.name) << "</td><td>" << s.probes << "</td><td>" << s.probes_failed << "</td><td>"
        << pct(s.probes - s.probes_failed, s.probes) << "</td></tr>";
    o << "</table>";
  }

  void manual_checks() {
    o << heading("h2", "report.manual");
    if (manual.empty()) o << "<p>" << w("none_sentence") << "</p>";
    else {
      o << "<table>" << head_row(cfg, "manual");
      for (auto* f : manual)
        o << "<tr><td>" << html_escape(f->site_id) << "</td><td>" << html_escape(f->subject) << "</td><td>"
          << html_escape(cfg.rule_text(f->rule).requirement) << "<br>" << detail_text(f->detail_json, cfg) << "</td></tr>";
      o << "</table>";
    }
  }

  void redirects() {
    o << heading("h2", "report.redirects") << "<p class=\"muted\">" << w("redirects_note") << "</p><table>" << head_row(cfg, "redirects");
    for (auto& s : d.sites) {
      size_t n = 0;
      for (auto& [from, to] : s.redirects) {
        if (++n > 30) break;
        o << "<tr><td>" << html_escape(s.site.name) << "</td><td>" << html_escape(from) << "</td><td>" << html_escape(to) << "</td></tr>";
      }
    }
    o << "</table>";
  }

  // 已复核排除: findings a reviewer marked 误报, with the reason; they count nowhere else.
  void excluded() {
    if (d.excluded.empty()) return;
    o << heading("h2", "report.excluded") << "<p class=\"muted\">" << w("excluded_note") << "</p><table>" << head_row(cfg, "excluded");
    for (auto& f : d.excluded) {
      const Review* r = d.review(f);
      o << "<tr><td>" << html_escape(f.site_id) << "</td><td>" << html_escape(cfg.rule_text(f.rule).title) << "<br><code>"
        << html_escape(f.rule) << "</code></td><td>" << html_escape(f.subject) << "</td><td>" << html_escape(r ? r->note : "")
        << "</td><td>" << html_escape(r ? r->reviewer : "") << "</td><td>" << html_escape(r ? r->at : "") << "</td></tr>";
    }
    o << "</table>";
  }

  void method() {
    o << heading("h2", "report.method") << "<table>" << head_row(cfg, "method");
    for (auto& [id, rt] : cfg.rules)
      o << "<tr><td><code>" << html_escape(id) << "</code></td><td>" << html_escape(rt.title) << "</td><td>"
        << html_escape(rt.requirement) << "</td><td>" << html_escape(rt.basis) << "</td></tr>";
    const auto& t = cfg.thresholds;
    const auto& sc = cfg.scoring;
    auto n = [](int v) { return std::to_string(v); };
    o << "</table><p>"
      << say("thresholds", {{"homepage_days", n(t.homepage_update_days)}, {"meta_missing", fixed1(t.meta_missing_max_share * 100)},
                            {"interpretation_days", n(t.interpretation_working_days)}, {"ipv6_links", fixed1(t.ipv6_link_support_min * 100)},
                            {"ipv6_similarity", fixed1(t.ipv6_similarity_min * 100)}})
      << "</p><p>"
      << say("scoring", {{"stale_news", n(sc.veto_stale_news_columns)}, {"stale_notice", n(sc.veto_stale_notice_columns)},
                         {"stale", n(sc.veto_stale_columns)}, {"empty", n(sc.veto_empty_columns)},
                         {"prohibited", sc.veto_prohibited_hidden_links ? w("scoring_prohibited") : ""},
                         {"unanswered", n(cfg.interaction.unanswered_months)}, {"major", fixed1(sc.deduction.at("major"))},
                         {"minor", fixed1(sc.deduction.at("minor"))}, {"max_per_rule", fixed1(sc.max_deduction_per_rule)},
                         {"pass", fixed1(sc.pass_score)}})
      << "</p>";
  }
};

}  // namespace

void write_html(const ReportData& d, std::ostream& o) {
  Sections s(d, o);
  s.header();
  s.overview();
  s.per_site();
  s.content_safety();
  s.interaction();
  s.services();
  s.ipv6();
  s.availability();
  s.manual_checks();
  s.redirects();
  s.method();
  s.excluded();
  o << "</main></body></html>\n";
}

}  // namespace govaudit
