#pragma once
// The rectification list (整改清单): one row per finding with the problem, where it was seen, the
// rule it breaks, the requirement, the responsible unit and a deadline counted in working days
// from the audit date (config `rectification`). Written as CSV (UTF-8 with BOM, for Excel/WPS)
// and Markdown.
#include <ostream>
#include <string>
#include <vector>

#include "reports/report.hpp"

namespace govaudit {

struct RectificationRow {
  int no = 0;
  std::string site, category, problem, url, basis, requirement, unit, deadline, status;
};

std::vector<RectificationRow> rectification_rows(const ReportData& data);

// The list's column headings, in order (config/defaults/wording.toml [wording.rectification]).
std::vector<std::string> rectification_columns(const Config& cfg);
void write_rectification_csv(const Config& cfg, const std::vector<RectificationRow>& rows, std::ostream& out);
void write_markdown(const ReportData& data, const std::vector<RectificationRow>& rows, std::ostream& out);

// rectification.xlsx: a 汇总 sheet and one sheet per site, frozen header, filters, widths, wrapped
// text (libxlsxwriter). Throws std::runtime_error naming the file on failure.
void write_rectification_xlsx(const ReportData& data, const std::vector<RectificationRow>& rows, const std::string& path);

}  // namespace govaudit
