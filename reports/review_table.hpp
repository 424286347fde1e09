#pragma once
// The evaluators' table (复核表): a run's findings with their review state as an XLSX sheet, filled
// in Excel or WPS (复核结论 确认 / 误报 / 已整改, 复核意见, 复核人) and read back. Rows are matched to
// findings by id and checked by a fingerprint of the finding, so a changed or unknown id is reported,
// never applied to another finding. An import is all or nothing, over either store.
#include <cstdint>
#include <string>
#include <vector>

#include "config/config.hpp"
#include "storage/campaign.hpp"

namespace govaudit {

struct ReviewRow {
  int line = 0;  // the sheet's row number, for messages
  std::string id, site, rule, title, subject, url, severity, state, decision, note, reviewer, check;
};

// A short fingerprint of the finding's key, in the sheet's last column.
std::string finding_check(const Finding& f);

// The run's findings with their review state; the decision columns hold the reviews made on this run.
std::vector<ReviewRow> review_rows(Campaign& store, const Config& cfg, std::int64_t run);
// Writes rows as the 复核表 (a list to choose 复核结论 from). Throws std::runtime_error naming the file.
void write_review_table(const std::vector<ReviewRow>& rows, const std::string& path);
// Reads the first sheet of a 复核表; throws std::runtime_error saying why a file is not one.
std::vector<ReviewRow> read_review_table(const std::string& path);

struct ImportResult {
  int applied = 0;    // reviews recorded
  int unchanged = 0;  // the decision already in force
  int blank = 0;      // rows without a decision
  std::vector<std::string> errors;  // nothing is recorded when there is one
};
// Records the decisions of `rows` for audit run `run` as reviews made by `account`, unless a row is
// wrong (unknown or changed id, unknown decision, 误报 without a reason): then nothing.
ImportResult import_review_table(Campaign& store, std::int64_t run, const std::vector<ReviewRow>& rows, const std::string& account);

}  // namespace govaudit
