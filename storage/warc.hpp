#pragma once
// Evidence: every HTTP exchange of a crawl as a request and a response record in gzip-compressed
// WARC 1.1 files (ISO 28500:2017), one gzip member per record so that any record can be read
// from its offset alone. Files are rotated at a size limit and never appended to after a restart
// (a killed process may have left a torn last member).
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

namespace govaudit {

// One HTTP request and the answer to it, as the crawler saw them.
struct Exchange {
  std::string url;
  std::string ip;             // address connected to
  std::string date;           // ISO 8601 UTC
  std::string request_head;   // request line and headers as sent, CRLF line ends, blank line included
  std::string response_head;  // status line and headers as received
  std::string body;           // payload after transfer and content decoding
  bool truncated = false;     // the body was cut at the size limit
  std::string withheld;       // why the body is not kept (it shows personal data); "" keeps it
  std::string packed;         // the gzip members, when made ahead of the writer (warc_pack)
};

// The exchange's response and request records as gzip members, ready to append to a WARC file.
// Pure and thread-safe, so that compression runs beside the single writer.
std::string warc_pack(const Exchange& e, int gzip_level);

class WarcWriter {
 public:
  // Files are DIR/PREFIX-NNNNN.warc.gz, numbered after any already there. The earlier responses a
  // revisit refers to are under `earlier_root` (default: DIR's parent; a shared run's worker: the
  // artifact store, whose keys they are).
  WarcWriter(std::filesystem::path dir, std::string prefix, std::int64_t rotate_bytes, int gzip_level,
             std::filesystem::path earlier_root = {});
  ~WarcWriter();
  WarcWriter(const WarcWriter&) = delete;
  WarcWriter& operator=(const WarcWriter&) = delete;

  // Writes the pair and returns where the response record starts: "FILE#OFFSET" (FILE relative
  // to DIR's parent, e.g. "warc/govaudit-run3-00001.warc.gz#12345"). Throws on I/O errors.
  std::string write(const Exchange& e);
  // A 304 answer as a revisit record (profile server-not-modified) that refers to the earlier
  // response at `earlier` (a location under the earlier root); returns where it starts.
  std::string write_revisit(const Exchange& e, const std::string& earlier);
  void flush();

 private:
  void open_next();
  void append(const std::string& members);
  std::filesystem::path dir_, earlier_root_;
  std::string prefix_;
  std::int64_t rotate_bytes_;
  int level_;
  int seq_ = 0;
  std::vector<char> buffer_;  // declared before file_: the stream is closed before it goes
  std::FILE* file_ = nullptr;
  std::string name_;
  std::int64_t offset_ = 0;
};

// One response record read back from its "FILE#OFFSET" location: the HTTP head and the payload.
struct WarcRecord {
  std::string target_uri, date;
  std::string record_id;
  std::string revisit_date;  // a revisit's own date, when the record read was reached through one
  std::string http_head;  // status line and headers, CRLF line ends, blank line included
  std::string body;
  bool truncated = false;  // the record says the payload was cut, or it was larger than max_bytes
};
// A revisit record is followed to the response it refers to (body and head are that response's).
// `root` is the directory the location is relative to (the run's output directory). Throws
// std::runtime_error naming the file when the location is malformed, outside `root`, or unreadable.
WarcRecord read_warc_record(const std::filesystem::path& root, const std::string& location, std::size_t max_bytes = 32 << 20);

// The status line and headers as a WARC response stores them before the payload: curl has already
// removed chunked transfer and content encoding, so those headers are renamed (X-Crawler-…) and
// Content-Length is the payload's size.
std::string warc_http_head(const std::string& head, size_t body_size);

}  // namespace govaudit
