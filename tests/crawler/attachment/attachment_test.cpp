// Reading attachments for personal data: the formats, and files that must not hurt the crawl.
#include "crawler/attachment/attachment.hpp"

#include <gtest/gtest.h>
#include <xlsxwriter.h>
#include <zip.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>

#include "model/id_number.hpp"
#include "model/strings.hpp"

namespace govaudit {
namespace {

const Date kToday(2025, 11, 20);

std::string make_id(const std::string& area, const std::string& born) {
  std::string body = area + born + "123";
  return body + id_number::check_char(body);
}

// A zip of (name, content) members, deflated, made with libzip.
std::string make_zip(const std::vector<std::pair<std::string, std::string>>& members) {
  auto path = std::filesystem::temp_directory_path() / ("ga-zip-" + std::to_string(::getpid()) + ".zip");
  std::filesystem::remove(path);
  int err = 0;
  zip_t* z = zip_open(path.c_str(), ZIP_CREATE | ZIP_TRUNCATE, &err);
  EXPECT_NE(z, nullptr);
  for (auto& [name, content] : members) {
    zip_source_t* s = zip_source_buffer(z, content.data(), content.size(), 0);
    zip_file_add(z, name.c_str(), s, ZIP_FL_ENC_UTF_8);
  }
  EXPECT_EQ(zip_close(z), 0);
  std::string bytes = read_file(path);
  std::filesystem::remove(path);
  return bytes;
}

std::string docx(const std::vector<std::string>& paragraphs) {
  std::string body;
  for (auto& p : paragraphs) body += "<w:p><w:r><w:t xml:space=\"preserve\">" + p + "</w:t></w:r></w:p>";
  return make_zip({{"[Content_Types].xml", "<Types/>"},
                   {"word/document.xml",
                    "<?xml version=\"1.0\" encoding=\"UTF-8\"?><w:document "
                    "xmlns:w=\"http://schemas.openxmlformats.org/wordprocessingml/2006/main\"><w:body>" +
                        body + "<w:tbl><w:tr><w:tc><w:p><w:r><w:t>表格</w:t></w:r></w:p></w:tc><w:tc><w:p><w:r><w:t>单元</w:t>"
                               "</w:r></w:p></w:tc></w:tr></w:tbl></w:body></w:document>"}});
}

// A real spreadsheet as Office writes one (shared strings), made with libxlsxwriter.
std::string xlsx(const std::vector<std::vector<std::string>>& rows) {
  auto path = std::filesystem::temp_directory_path() / ("ga-xlsx-" + std::to_string(::getpid()) + ".xlsx");
  lxw_workbook* wb = workbook_new(path.c_str());
  lxw_worksheet* ws = workbook_add_worksheet(wb, "名单");
  for (size_t r = 0; r < rows.size(); ++r)
    for (size_t c = 0; c < rows[r].size(); ++c) worksheet_write_string(ws, lxw_row_t(r), lxw_col_t(c), rows[r][c].c_str(), nullptr);
  workbook_add_worksheet(wb, "说明");
  EXPECT_EQ(workbook_close(wb), LXW_NO_ERROR);
  std::string bytes = read_file(path);
  std::filesystem::remove(path);
  return bytes;
}

// A PDF of `pages` pages, each showing `line` (ASCII) in Helvetica, with a correct xref table.
std::string pdf(const std::string& line, int pages = 1) {
  std::vector<std::string> objs;
  std::string kids;
  for (int i = 0; i < pages; ++i) kids += std::to_string(4 + 2 * i) + " 0 R ";
  objs.push_back("<< /Type /Catalog /Pages 2 0 R >>");
  objs.push_back("<< /Type /Pages /Kids [" + kids + "] /Count " + std::to_string(pages) + " >>");
  objs.push_back("<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>");
  for (int i = 0; i < pages; ++i) {
    std::string stream = "BT /F1 12 Tf 50 700 Td (" + line + ") Tj ET";
    objs.push_back("<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Resources << /Font << /F1 3 0 R >> >> /Contents " +
                   std::to_string(5 + 2 * i) + " 0 R >>");
    objs.push_back("<< /Length " + std::to_string(stream.size()) + " >>\nstream\n" + stream + "\nendstream");
  }
  std::string out = "%PDF-1.4\n";
  std::vector<size_t> offsets;
  for (size_t i = 0; i < objs.size(); ++i) {
    offsets.push_back(out.size());
    out += std::to_string(i + 1) + " 0 obj\n" + objs[i] + "\nendobj\n";
  }
  size_t xref = out.size();
  out += "xref\n0 " + std::to_string(objs.size() + 1) + "\n0000000000 65535 f \n";
  for (size_t o : offsets) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%010zu 00000 n \n", o);
    out += buf;
  }
  out += "trailer\n<< /Size " + std::to_string(objs.size() + 1) + " /Root 1 0 R >>\nstartxref\n" + std::to_string(xref) + "\n%%EOF\n";
  return out;
}

TEST(Attachment, FormatsByExtensionOrContentType) {
  EXPECT_EQ(attachment::format_of("XLSX", ""), "xlsx");
  EXPECT_EQ(attachment::format_of("", "application/vnd.openxmlformats-officedocument.wordprocessingml.document"), "docx");
  EXPECT_EQ(attachment::format_of("do", "application/pdf"), "pdf");
  EXPECT_EQ(attachment::format_of("xls", "application/vnd.ms-excel"), "");
}

TEST(Attachment, SpreadsheetRowsKeepTheirCells) {
  std::string a = make_id("340823", "19900101"), b = make_id("341024", "19781205");
  auto t = attachment::read(xlsx({{"序号", "姓名", "身份证号"}, {"1", "王秀英", a}, {"2", "李建国", b}}), "xlsx", {});
  ASSERT_TRUE(t.read) << t.note;
  EXPECT_EQ(t.note, "");
  EXPECT_NE(t.text.find("1\t王秀英\t" + a + "\n"), std::string::npos) << t.text;
  EXPECT_EQ(id_number::find(t.text, kToday).size(), 2u);
}

TEST(Attachment, InlineStringSpreadsheetsAsGeneratorsWriteThem) {
  std::string a = make_id("340823", "19900101");
  std::string sheet = "<worksheet xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\"><sheetData>"
                      "<row r=\"1\"><c r=\"A1\" t=\"inlineStr\"><is><t>王秀英</t></is></c><c r=\"B1\" t=\"inlineStr\"><is><t>" +
                      a + "</t></is></c><c r=\"C1\"><v>350.5</v></c></row></sheetData></worksheet>";
  auto t = attachment::read(make_zip({{"xl/workbook.xml", "<workbook/>"}, {"xl/worksheets/sheet1.xml", sheet}}), "xlsx", {});
  ASSERT_TRUE(t.read) << t.note;
  EXPECT_EQ(t.text, "王秀英\t" + a + "\t350.5\n\n");
}

TEST(Attachment, DocumentParagraphsAndTables) {
  std::string a = make_id("340823", "19900101");
  auto t = attachment::read(docx({"申请人情况", "申请人：王秀英，身份证号码：" + a + "，住址：东风村。"}), "docx", {});
  ASSERT_TRUE(t.read) << t.note;
  EXPECT_NE(t.text.find("申请人：王秀英，身份证号码：" + a + "，住址：东风村。\n"), std::string::npos) << t.text;
  EXPECT_NE(t.text.find("表格"), std::string::npos);
}

TEST(Attachment, PdfText) {
  std::string a = make_id("340823", "19900101");
  auto t = attachment::read(pdf("No. 1  Wang  " + a), "pdf", {});
  ASSERT_TRUE(t.read) << t.note;
  EXPECT_EQ(id_number::find(t.text, kToday).size(), 1u) << t.text;
}

TEST(Attachment, CsvInGbk) {
  std::string a = make_id("340823", "19900101");
  std::string gbk = "\xD0\xD5\xC3\xFB," + a + "\r\n";  // 姓名,<id>
  auto t = attachment::read(gbk, "csv", {});
  ASSERT_TRUE(t.read);
  EXPECT_EQ(t.text.rfind("姓名," + a, 0), 0u) << t.text;
}

TEST(Attachment, DamagedFilesAreNotesNotFailures) {
  auto t = attachment::read("PK\x03\x04 this is not really a zip", "xlsx", {});
  EXPECT_FALSE(t.read);
  EXPECT_EQ(t.note.rfind("not read:", 0), 0u) << t.note;
  t = attachment::read(make_zip({{"xl/worksheets/sheet1.xml", "<worksheet><sheetData><row><c t=\"s\"><v>7"}}), "xlsx", {});
  EXPECT_EQ(t.note.rfind("not read:", 0), 0u) << t.note;  // cut XML
  t = attachment::read("%PDF-1.4\n1 0 obj garbage", "pdf", {});
  EXPECT_FALSE(t.read);
  EXPECT_EQ(t.note, "not read: not a readable PDF");
  t = attachment::read(make_zip({{"other.xml", "<a/>"}}), "docx", {});
  EXPECT_EQ(t.note, "not read: no word/document.xml in the document");
}

TEST(Attachment, AZipBombIsReadUpToItsBudget) {
  // 40 MB of cells deflate to a few hundred KB; only 2 MB are inflated.
  std::string rows;
  while (rows.size() < (40u << 20)) rows += "<row><c t=\"inlineStr\"><is><t>填充内容</t></is></c></row>";
  std::string bomb = make_zip({{"xl/worksheets/sheet1.xml", "<worksheet><sheetData>" + rows + "</sheetData></worksheet>"}});
  EXPECT_LT(bomb.size(), 2u << 20);
  attachment::Limits lim;
  lim.max_unpacked = 2 << 20;
  auto t0 = std::chrono::steady_clock::now();
  auto t = attachment::read(bomb, "xlsx", lim);
  EXPECT_LT(std::chrono::steady_clock::now() - t0, std::chrono::seconds(10));
  EXPECT_TRUE(t.read);
  EXPECT_NE(t.note.find("2 MB unpacked"), std::string::npos) << t.note;
  EXPECT_LT(t.text.size(), 3u << 20);
}

TEST(AttachmentIsolated, GivesWhatTheReaderGives) {
  std::string a = make_id("340823", "19900101");
  auto t = attachment::read_isolated(docx({"身份证号码：" + a}), "docx", {});
  ASSERT_TRUE(t.read) << t.note;
  EXPECT_NE(t.text.find(a), std::string::npos);
  t = attachment::read_isolated("garbage", "pdf", {});
  EXPECT_FALSE(t.read);
  EXPECT_EQ(t.note, "not read: not a readable PDF");
}

TEST(AttachmentIsolated, AReaderThatTakesTooLongIsStopped) {
  attachment::Limits lim;
  lim.timeout_ms = 300;
  lim.max_pdf_pages = 20000;
  std::string big = pdf("page text 0123456789", 20000);
  auto t0 = std::chrono::steady_clock::now();
  auto t = attachment::read_isolated(big, "pdf", lim);
  auto took = std::chrono::steady_clock::now() - t0;
  EXPECT_LT(took, std::chrono::seconds(5));
  EXPECT_FALSE(t.read);
  EXPECT_EQ(t.note, "not read: the reader took longer than 300 ms");
}

// A reader program that is not there is a note naming it, not a crash (each thread starts its own).
TEST(AttachmentIsolated, AMissingReaderIsNamed) {
  ::setenv("GOVAUDIT_READER", "/nonexistent/govaudit-reader", 1);
  attachment::Text t;
  std::thread([&] { t = attachment::read_isolated("a,b", "csv", {}); }).join();
  ::unsetenv("GOVAUDIT_READER");
  EXPECT_FALSE(t.read);
  EXPECT_EQ(t.note, "not read: cannot start the reader: /nonexistent/govaudit-reader: No such file or directory");
}

}  // namespace
}  // namespace govaudit
