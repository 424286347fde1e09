#include "reports/review_table.hpp"


#include <libxml/xmlreader.h>
#include <openssl/evp.h>
#include <xlsxwriter.h>
#include <zip.h>

#include <cstring>
#include <map>
#include <memory>
#include <optional>
#include <stdexcept>

#include "model/strings.hpp"
#include "reports/input_text.hpp"

namespace govaudit {

namespace {

constexpr int kColumns = 12;
const char* kHead[kColumns] = {"编号", "网站", "规则", "问题", "对象", "地址", "严重程度", "当前状态", "复核结论", "复核意见", "复核人", "校验"};
constexpr int kDecision = 8, kNote = 9, kReviewer = 10, kCheck = 11;
constexpr std::size_t kMaxPart = 64u << 20;  // a sheet part of more is not a review table
constexpr int kMaxRows = 500000;

const std::map<std::string, ReviewStatus> kDecisions = {{"确认", ReviewStatus::Confirmed},      {"误报", ReviewStatus::FalsePositive},
                                                         {"已整改", ReviewStatus::Fixed},        {"confirmed", ReviewStatus::Confirmed},
                                                         {"false_positive", ReviewStatus::FalsePositive}, {"fixed", ReviewStatus::Fixed}};

std::string decision_text(ReviewStatus s) { return s == ReviewStatus::Confirmed ? "确认" : s == ReviewStatus::FalsePositive ? "误报" : "已整改"; }

std::string* field(ReviewRow& r, int col) {
  std::string* f[kColumns] = {&r.id, &r.site, &r.rule, &r.title, &r.subject, &r.url, &r.severity, &r.state, &r.decision, &r.note, &r.reviewer, &r.check};
  return col >= 0 && col < kColumns ? f[col] : nullptr;
}

// One member of the workbook, whole (bounded).
std::optional<std::string> member(zip_t* z, const char* name) {
  zip_stat_t st;
  if (zip_stat(z, name, 0, &st) != 0) return std::nullopt;
  if ((st.valid & ZIP_STAT_SIZE) && st.size > kMaxPart) throw std::runtime_error(std::string(name) + " is too large for a review table");
  std::unique_ptr<zip_file_t, int (*)(zip_file_t*)> f(zip_fopen(z, name, 0), zip_fclose);
  if (!f) return std::nullopt;
  std::string out;
  char buf[65536];
  for (zip_int64_t n; (n = zip_fread(f.get(), buf, sizeof buf)) > 0;) {
    out.append(buf, size_t(n));
    if (out.size() > kMaxPart) throw std::runtime_error(std::string(name) + " is too large for a review table");
  }
  return out;
}

// Walks an XML part: `on(kind, local name, reader)`, kind 1 start, 15 end, 3/4 text.
template <class F>
void walk(const std::string& doc, const char* part, F&& on) {
  std::unique_ptr<xmlTextReader, void (*)(xmlTextReaderPtr)> r(
      xmlReaderForMemory(doc.data(), int(doc.size()), nullptr, nullptr, XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING),
      xmlFreeTextReader);
  if (!r) throw std::runtime_error(std::string(part) + " cannot be read");
  int rc;
  while ((rc = xmlTextReaderRead(r.get())) == 1) {
    int type = xmlTextReaderNodeType(r.get());
    const char* name = reinterpret_cast<const char*>(xmlTextReaderConstLocalName(r.get()));
    on(type, name ? name : "", r.get());
    if (type == XML_READER_TYPE_ELEMENT && xmlTextReaderIsEmptyElement(r.get())) on(XML_READER_TYPE_END_ELEMENT, name ? name : "", r.get());
  }
  if (rc < 0) throw std::runtime_error(std::string(part) + " is not well-formed XML");
}

std::string attribute(xmlTextReaderPtr r, const char* name) {
  xmlChar* v = xmlTextReaderGetAttribute(r, reinterpret_cast<const xmlChar*>(name));
  std::string s = v ? reinterpret_cast<const char*>(v) : "";
  xmlFree(v);
  return s;
}

std::string text(xmlTextReaderPtr r) {
  const xmlChar* v = xmlTextReaderConstValue(r);
  return v ? reinterpret_cast<const char*>(v) : "";
}

// "K12" -> 10 (column index from 0); -1 when it is not a cell reference.
int column_of(const std::string& ref) {
  int col = 0, letters = 0;
  for (char c : ref) {
    if (c < 'A' || c > 'Z') break;
    col = col * 26 + (c - 'A' + 1);
    if (++letters > 3) return -1;
  }
  return letters ? col - 1 : -1;
}

}  // namespace

std::string finding_check(const Finding& f) {
  std::string key = f.site_id + '\n' + f.rule + '\n' + f.subject;
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned int n = 0;
  EVP_Digest(key.data(), key.size(), md, &n, EVP_sha256(), nullptr);
  static const char* hex = "0123456789abcdef";
  std::string out;
  for (unsigned i = 0; i < 5; ++i) out += hex[md[i] >> 4], out += hex[md[i] & 15];
  return out;
}

std::vector<ReviewRow> review_rows(Campaign& store, const Config& cfg, std::int64_t run) {
  auto reviews = store.reviews_for(run);
  std::vector<ReviewRow> rows;
  for (auto& sf : store.stored_findings(run)) {
    const Finding& f = sf.finding;
    auto it = reviews.find(key_of(f));
    const Review* r = it == reviews.end() ? nullptr : &it->second;
    ReviewRow row;
    row.id = std::to_string(sf.id);
    row.site = f.site_id;
    row.rule = f.rule;
    row.title = cfg.rule_text(f.rule).title;
    row.subject = f.subject;
    row.url = f.url;
    row.severity = std::string(name(f.severity));
    row.state = std::string(label(review_state(r, run)));
    if (r && r->run == run) row.decision = decision_text(r->status), row.note = r->note, row.reviewer = r->reviewer;
    row.check = finding_check(f);
    rows.push_back(std::move(row));
  }
  return rows;
}

void write_review_table(const std::vector<ReviewRow>& rows, const std::string& path) {
  lxw_workbook* wb = workbook_new(path.c_str());
  if (!wb) throw std::runtime_error(path + ": cannot create the workbook");
  lxw_worksheet* ws = workbook_add_worksheet(wb, "复核表");
  lxw_format* head = workbook_add_format(wb);
  format_set_bold(head);
  format_set_bg_color(head, 0xF2DCDB);
  const double widths[kColumns] = {8, 12, 22, 24, 36, 36, 8, 14, 10, 36, 10, 12};
  for (int c = 0; c < kColumns; ++c) {
    worksheet_write_string(ws, 0, lxw_col_t(c), kHead[c], head);
    worksheet_set_column(ws, lxw_col_t(c), lxw_col_t(c), widths[c], nullptr);
  }
  lxw_row_t r = 1;
  for (auto row : rows) {
    for (int c = 0; c < kColumns; ++c)
      if (!field(row, c)->empty()) worksheet_write_string(ws, r, lxw_col_t(c), field(row, c)->c_str(), nullptr);
    ++r;
  }
  if (r > 1) {  // 复核结论: a list to choose from
    const char* choices[] = {"确认", "误报", "已整改", nullptr};
    lxw_data_validation v{};
    v.validate = LXW_VALIDATION_TYPE_LIST;
    v.value_list = const_cast<char**>(choices);
    worksheet_data_validation_range(ws, 1, kDecision, r - 1, kDecision, &v);
  }
  worksheet_freeze_panes(ws, 1, 1);
  if (workbook_close(wb) != LXW_NO_ERROR) throw std::runtime_error(path + ": cannot write the workbook");
}

namespace {

// The workbook's shared strings (a cell of type "s" holds an index into them), phonetic runs left out.
std::vector<std::string> shared_strings(zip_t* z) {
  std::vector<std::string> shared;
  auto ss = member(z, "xl/sharedStrings.xml");
  if (!ss) return shared;
  std::string cur;
  int phonetic = 0;
  walk(*ss, "xl/sharedStrings.xml", [&](int type, const char* name, xmlTextReaderPtr r) {
    if (type == XML_READER_TYPE_ELEMENT && !std::strcmp(name, "si")) cur.clear();
    else if (type == XML_READER_TYPE_ELEMENT && !std::strcmp(name, "rPh")) ++phonetic;
    else if (type == XML_READER_TYPE_END_ELEMENT && !std::strcmp(name, "rPh")) --phonetic;
    else if (type == XML_READER_TYPE_END_ELEMENT && !std::strcmp(name, "si")) shared.push_back(cur);
    else if ((type == XML_READER_TYPE_TEXT || type == XML_READER_TYPE_SIGNIFICANT_WHITESPACE) && !phonetic) cur += text(r);
  });
  return shared;
}

// The first worksheet read node by node: each row a ReviewRow, each cell's text in the field of
// its column.
class SheetRows {
 public:
  SheetRows(const std::vector<std::string>& shared, const std::string& path) : shared_(shared), path_(path) {}
  void operator()(int kind, const char* name, xmlTextReaderPtr r) {
    if (kind == XML_READER_TYPE_ELEMENT) start(name, r);
    else if (kind == XML_READER_TYPE_END_ELEMENT) end(name);
    else if ((kind == XML_READER_TYPE_TEXT || kind == XML_READER_TYPE_SIGNIFICANT_WHITESPACE) && in_value_) value_ += text(r);
  }
  std::vector<ReviewRow> rows;

 private:
  void start(const char* name, xmlTextReaderPtr r) {
    if (!std::strcmp(name, "row")) {
      if (int(rows.size()) > kMaxRows) throw std::runtime_error(path_ + ": too many rows for a review table");
      row_ = ReviewRow{};
      row_.line = std::atoi(attribute(r, "r").c_str());
    } else if (!std::strcmp(name, "c")) {
      type_ = attribute(r, "t");
      col_ = column_of(attribute(r, "r"));
      value_.clear();
    } else if (!std::strcmp(name, "v") || !std::strcmp(name, "t")) {
      in_value_ = true;
    }
  }
  void end(const char* name) {
    if (!std::strcmp(name, "v") || !std::strcmp(name, "t")) {
      in_value_ = false;
    } else if (!std::strcmp(name, "c")) {
      if (type_ == "s") {
        size_t i = size_t(std::strtoul(value_.c_str(), nullptr, 10));
        value_ = i < shared_.size() ? shared_[i] : "";
      }
      if (auto* f = field(row_, col_)) *f = trim(value_);
    } else if (!std::strcmp(name, "row")) {
      rows.push_back(row_);
    }
  }
  const std::vector<std::string>& shared_;
  const std::string& path_;
  ReviewRow row_;
  std::string type_, value_;
  int col_ = -1;
  bool in_value_ = false;
};

}  // namespace

std::vector<ReviewRow> read_review_table(const std::string& path) {
  int err = 0;
  std::unique_ptr<zip_t, void (*)(zip_t*)> z(zip_open(path.c_str(), ZIP_RDONLY, &err), zip_discard);
  if (!z) throw std::runtime_error(path + ": not an XLSX file (cannot open it as a zip archive)");
  auto shared = shared_strings(z.get());
  auto sheet = member(z.get(), "xl/worksheets/sheet1.xml");
  if (!sheet) throw std::runtime_error(path + ": no first worksheet (xl/worksheets/sheet1.xml)");
  SheetRows reader(shared, path);
  walk(*sheet, "xl/worksheets/sheet1.xml", std::ref(reader));
  auto& rows = reader.rows;
  if (rows.empty() || rows.front().id != kHead[0] || rows.front().check != kHead[kCheck])
    throw std::runtime_error(path + ": not a 复核表 (its first row must be the headings 编号 … 校验 that `govaudit reviews export` writes)");
  rows.erase(rows.begin());
  std::erase_if(rows, [](const ReviewRow& r) { return r.id.empty() && r.decision.empty() && r.check.empty(); });  // blank lines
  return std::move(rows);
}

ImportResult import_review_table(Campaign& store, std::int64_t run, const std::vector<ReviewRow>& rows, const std::string& account) {
  ImportResult out;
  auto reviews = store.reviews_for(run);
  std::vector<Review> todo;
  for (auto& row : rows) {
    std::string at = "row " + std::to_string(row.line) + ": ";
    if (row.decision.empty()) {
      ++out.blank;
      continue;
    }
    auto d = kDecisions.find(row.decision);
    if (d == kDecisions.end()) {
      out.errors.push_back(at + "复核结论 '" + row.decision + "' is not 确认, 误报 or 已整改");
      continue;
    }
    std::optional<StoredFinding> sf;
    if (!row.id.empty() && row.id.size() < 19 && row.id.find_first_not_of("0123456789") == std::string::npos) sf = store.finding_by_id(std::stoll(row.id));
    if (!sf || sf->run != run) {
      out.errors.push_back(at + "no finding #" + row.id + " in run " + std::to_string(run));
      continue;
    }
    if (finding_check(sf->finding) != row.check) {
      out.errors.push_back(at + "finding #" + row.id + " is not the one this row was exported for (校验 " + row.check + " ≠ " +
                           finding_check(sf->finding) + "): was the id changed?");
      continue;
    }
    if (d->second == ReviewStatus::FalsePositive && row.note.empty()) {
      out.errors.push_back(at + "误报 needs its reason in 复核意见");
      continue;
    }
    if (row.note.size() > 4000 || row.reviewer.size() > 200) {
      out.errors.push_back(at + "复核意见 or 复核人 too long");
      continue;
    }
    if (auto bad = input_problem(row.note, true); bad || (bad = input_problem(row.reviewer, false))) {
      out.errors.push_back(at + "复核意见 or 复核人: " + *bad);
      continue;
    }
    auto cur = reviews.find(key_of(sf->finding));
    if (cur != reviews.end() && cur->second.run == run && cur->second.status == d->second && cur->second.note == row.note &&
        cur->second.reviewer == row.reviewer) {
      ++out.unchanged;
      continue;
    }
    Review r;
    r.site_id = sf->finding.site_id;
    r.rule = sf->finding.rule;
    r.subject = sf->finding.subject;
    r.run = run;
    r.status = d->second;
    r.note = row.note;
    r.reviewer = row.reviewer.empty() ? account : row.reviewer;
    r.account = account;
    todo.push_back(std::move(r));
  }
  if (!out.errors.empty()) return out;  // all or nothing
  for (auto& r : todo) store.add_review(r);
  out.applied = int(todo.size());
  return out;
}

}  // namespace govaudit
