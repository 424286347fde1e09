#pragma once
// Outputs made from stored findings: the JSON Lines export of corpus/CONTRACT.md and the
// evaluation report (测评报告) in HTML. Every string that came from a crawled page is escaped.
#include <filesystem>
#include <functional>
#include <ostream>
#include <map>
#include <set>
#include <string>
#include <tuple>
#include <vector>

#include "config/config.hpp"
#include "model/measures.hpp"
#include "reports/scoring.hpp"
#include "storage/store.hpp"

namespace govaudit {

// A site of the run with what its audit measured (model/measures.hpp); status tells whether it was
// audited at all.
struct SiteSummary : SiteMeasures {
  Site site;
};

using FindingKey = ReviewKey;  // site, rule, subject (storage/campaign.hpp, with key_of)

struct ReportData {
  const Config* config = nullptr;
  RunInfo audit;  // the audit run the findings belong to
  RunInfo crawl;  // the crawl it judged
  std::vector<SiteSummary> sites;
  std::vector<Finding> findings;   // what the report counts: every finding not reviewed 误报
  std::vector<Finding> excluded;   // reviewed 误报 (已复核排除): out of scores, lists and --fail-on
  std::map<FindingKey, Review> reviews;  // the review in force for each reviewed finding
  std::map<FindingKey, Recheck> rechecks;  // 回头看 of the fixes claimed on this run
  bool has_previous = false;       // an earlier audit run exists
  std::vector<Finding> previous;   // its findings (less those reviewed 误报), for 新发现 / 仍存在 / 已整改

  const Review* review(const Finding& f) const {
    auto it = reviews.find(key_of(f));
    return it == reviews.end() ? nullptr : &it->second;
  }
  ReviewState state(const Finding& f) const { return review_state(review(f), audit.id); }
};

// The numbers of the report, computed once for the report files and the console alike.
struct RunSummary {
  std::map<std::string, std::vector<const Finding*>> by_site;
  std::map<std::string, int> by_category;  // findings other than manual checks, by rule category
  std::map<std::string, Verdict> verdicts;  // by site id
  std::vector<const Finding*> manual;       // findings that ask for a person's check
  std::map<std::string, int> not_audited;   // sites without a verdict (未测评), by the reason
  int failed = 0;                           // audited sites found 不合格
  std::vector<std::pair<std::string, std::string>> cut_short;  // site name, the limit that left pages unfetched
};
// Whether a site was audited: its crawl ended (done or found unreachable) and its findings are in.
inline bool site_audited(const SiteSummary& s) { return s.status == "done" || s.status == "unreachable"; }
// "未测评网站 N 个（reason K 个；…）", or "" when every site was audited.
std::string not_audited_line(const Config& cfg, const RunSummary& s);
// "采集未完成网站 N 个（…）": sites whose crawl a limit cut short (model/measures.hpp), or "".
std::string cut_short_line(const Config& cfg, const RunSummary& s);
// A delta run's "N 个问题所依据的页面本次未重新检查（最早一次检查于 D）", or "".
std::string unchecked_line(const ReportData& d);
RunSummary summarize(const ReportData& d);

// One JSON object per line: site, rule, subject, url, detail (an object), and review (status,
// note, reviewer, at) for a reviewed finding.
void write_jsonl(const std::vector<Finding>& findings, std::ostream& out, const ReportData* reviews = nullptr);

// The self-contained HTML evaluation report.
void write_html(const ReportData& data, std::ostream& out);

// A finding's measured values (its detail) as escaped HTML text, labelled in Chinese.
std::string detail_text(const std::string& detail_json, const Config& cfg);

// Escapes &, <, >, " and ' for HTML text and attribute values.
std::string html_escape(std::string_view s);

// A table's heading row in the words of [wording.columns] `columns` (report.html and the console),
// with an empty first cell when `extra_first`.
std::string head_row(const Config& cfg, const std::string& columns, bool extra_first = false);

// Report data with the configuration it was judged with (data.config points at config): what a
// store hands the console and `report` for one run.
struct LoadedReport {
  Config config;
  ReportData data;
};

// The findings of `audit_run` with the reviews in force: 误报 set aside (d.excluded), and the
// previous finished run's findings (less its 误报) for 新发现 / 仍存在 / 已整改.
void apply_reviews(ReportData& d, Campaign& store, std::int64_t audit_run);

// Reads what the report needs for `audit_run` from the store: its findings, reviews and the measures
// the audit stored. A site without stored measures is 未测评.
ReportData load_report_data(Store& store, const Config& config, std::int64_t audit_run);

// What the reports can say of a crawl run that never ended (killed, or still running): every site
// 未测评, with why, and no findings.
ReportData load_unfinished_crawl_data(Store& store, const Config& config, std::int64_t crawl_run);

inline const std::set<std::string> kReportFormats = {"html", "xlsx", "csv", "md", "jsonl"};

// Called with each report file as soon as it is in place under its final name.
using FileWritten = std::function<void(const std::filesystem::path&)>;

// Writes the chosen formats (all when empty) into `dir` (created if needed): findings.jsonl,
// rectification.csv, report.md, rectification.xlsx, report.html. Each file appears whole or not at
// all (written aside, then renamed). Returns the paths written; throws std::invalid_argument for an
// unknown format, std::runtime_error naming the file on a write error.
std::vector<std::filesystem::path> write_reports(const ReportData& data, const std::filesystem::path& dir,
                                                 const std::set<std::string>& formats = {},
                                                 const FileWritten& written = {});

}  // namespace govaudit
