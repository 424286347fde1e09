#pragma once
// The text of an attachment (the 名单 attached to a 公示 is where personal data leaks): OOXML
// spreadsheets and documents through libzip and libxml2's streaming reader, PDF through
// poppler-cpp, CSV and plain text through the page charset decoder. A hostile file must not take
// the crawl down, so read_isolated() reads in a child process, the reader program, under memory
// and CPU limits and a wall-clock deadline: a crash, a zip bomb or an endless PDF is a note, not a
// failure.
#include <cstdint>
#include <string>
#include <string_view>

namespace govaudit::attachment {

struct Limits {  // plain values: sent as bytes to the reader process
  std::int64_t max_unpacked = 64 << 20;  // bytes inflated from a zip, all members together
  std::int64_t max_text = 8 << 20;       // bytes of text kept
  int max_pdf_pages = 500;
  int timeout_ms = 20000;                // wall clock, child included
  std::int64_t memory = 1LL << 30;       // address space of the child (not under AddressSanitizer)
};

struct Text {
  std::string text;  // UTF-8; spreadsheet cells separated by tabs, rows and paragraphs by newlines
  std::string note;  // what was not read and why; "" when all of it was
  bool read = false; // some text could be read
};

// The format govaudit reads for a URL's extension or a Content-Type: xlsx, docx, pdf, csv, txt, or
// "" (not read).
std::string format_of(std::string_view url_extension, std::string_view content_type);

// Reads in this process (attachment_reader.cpp, the reader program's library). Never throws; a
// damaged file gives read = false and a note.
Text read(std::string_view body, std::string_view format, const Limits& limits);

// The reader program's loop (govaudit-reader): serves read() on socket `fd` until it closes. Its
// address space may grow by `limits.memory` past what it started with.
[[noreturn]] void serve_reads(int fd, const Limits& limits = {});

// The same as read() in a child process, the reader program, with the limits enforced by the
// kernel and a wall-clock deadline. The child is started once per calling thread and serves reads
// until it fails or the thread ends.
Text read_isolated(std::string_view body, std::string_view format, const Limits& limits);

}  // namespace govaudit::attachment
