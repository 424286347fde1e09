#include <xlsxwriter.h>

#include <map>
#include <memory>
#include <set>

#include "reports/rectification.hpp"
#include "reports/report.hpp"
#include "reports/scoring.hpp"

namespace govaudit {
namespace {

struct Close {
  void operator()(lxw_workbook* w) const { workbook_close(w); }
};

// Excel sheet names: at most 31 characters, none of []:*?/\, unique.
std::string sheet_name(std::string name, std::set<std::string>& used) {
  for (auto& c : name)
    if (std::string("[]:*?/\\").find(c) != std::string::npos) c = '_';
  // Cut at a character boundary: 10 CJK characters stay well inside Excel's 31.
  size_t chars = 0, cut = 0;
  for (size_t i = 0; i < name.size() && chars < 20; ++chars) {
    unsigned char c = name[i];
    i += c < 0x80 ? 1 : (c >> 5) == 6 ? 2 : (c >> 4) == 14 ? 3 : 4;
    cut = std::min(i, name.size());
  }
  name.resize(cut);
  std::string n = name;
  for (int k = 2; used.count(n); ++k) n = name + "_" + std::to_string(k);
  used.insert(n);
  return n;
}

}  // namespace

void write_rectification_xlsx(const ReportData& d, const std::vector<RectificationRow>& rows, const std::string& path) {
  std::unique_ptr<lxw_workbook, Close> wb(workbook_new(path.c_str()));
  if (!wb) throw std::runtime_error(path + ": cannot create the workbook");
  lxw_format* head = workbook_add_format(wb.get());
  format_set_bold(head);
  format_set_bg_color(head, 0xF2DCDB);
  format_set_border(head, LXW_BORDER_THIN);
  format_set_text_wrap(head);
  lxw_format* wrap = workbook_add_format(wb.get());
  format_set_text_wrap(wrap);
  format_set_align(wrap, LXW_ALIGN_VERTICAL_TOP);
  format_set_border(wrap, LXW_BORDER_THIN);
  std::set<std::string> used;

  // 汇总: one line per site.
  lxw_worksheet* sum = workbook_add_worksheet(wb.get(), sheet_name("汇总", used).c_str());
  const char* sum_head[] = {"网站", "首页", "问题数", "新发现", "仍存在", "最早整改时限", "结论"};
  const double sum_width[] = {22, 40, 10, 10, 10, 16, 10};
  for (int c = 0; c < 7; ++c) {
    worksheet_write_string(sum, 0, lxw_col_t(c), sum_head[c], head);
    worksheet_set_column(sum, lxw_col_t(c), lxw_col_t(c), sum_width[c], nullptr);
  }
  RunSummary summary = summarize(d);
  lxw_row_t r = 1;
  for (auto& s : d.sites) {
    int n = 0, fresh = 0;
    std::string earliest;
    for (auto& row : rows)
      if (row.site == s.site.name) {
        ++n;
        fresh += row.status.rfind("新发现", 0) == 0;
        if (earliest.empty() || row.deadline < earliest) earliest = row.deadline;
      }
    const Verdict& v = summary.verdicts[s.site.id];
    worksheet_write_string(sum, r, 0, s.site.name.c_str(), wrap);
    worksheet_write_string(sum, r, 1, s.site.homepage.c_str(), wrap);
    worksheet_write_number(sum, r, 2, n, wrap);
    worksheet_write_number(sum, r, 3, fresh, wrap);
    worksheet_write_number(sum, r, 4, n - fresh, wrap);
    worksheet_write_string(sum, r, 5, earliest.c_str(), wrap);
    worksheet_write_string(sum, r, 6, v.conclusion(), wrap);
    ++r;
  }
  worksheet_freeze_panes(sum, 1, 0);
  worksheet_autofilter(sum, 0, 0, r > 1 ? r - 1 : 0, 6);

  // One sheet per site with its rows.
  auto cols = rectification_columns(*d.config);
  const double widths[] = {6, 18, 12, 40, 40, 36, 40, 18, 12, 10};
  for (auto& s : d.sites) {
    lxw_worksheet* ws = workbook_add_worksheet(wb.get(), sheet_name(s.site.name, used).c_str());
    for (int c = 0; c < 10; ++c) {
      worksheet_write_string(ws, 0, lxw_col_t(c), cols[size_t(c)].c_str(), head);
      worksheet_set_column(ws, lxw_col_t(c), lxw_col_t(c), widths[c], nullptr);
    }
    lxw_row_t row = 1;
    for (auto& x : rows) {
      if (x.site != s.site.name) continue;
      std::string cells[] = {x.site, x.category, x.problem, x.url, x.basis, x.requirement, x.unit, x.deadline, x.status};
      worksheet_write_number(ws, row, 0, x.no, wrap);
      for (int c = 0; c < 9; ++c) worksheet_write_string(ws, row, lxw_col_t(c + 1), cells[c].c_str(), wrap);
      ++row;
    }
    worksheet_freeze_panes(ws, 1, 0);
    worksheet_autofilter(ws, 0, 0, row > 1 ? row - 1 : 0, 9);
  }
  lxw_error e = workbook_close(wb.release());
  if (e != LXW_NO_ERROR) throw std::runtime_error(path + ": " + lxw_strerror(e));
}

}  // namespace govaudit
