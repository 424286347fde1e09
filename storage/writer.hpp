#pragma once
// The crawl's single writer: records batched into transactions on a thread and connection of its
// own, and the HTTP exchanges written to WARC files before the pages that cite them commit.
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <exception>
#include <filesystem>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <unordered_map>
#include <variant>
#include <vector>

#include "model/records.hpp"
#include "storage/record_sink.hpp"
#include "storage/sqlite.hpp"
#include "storage/warc.hpp"

namespace govaudit {

struct WarcOptions {
  std::filesystem::path dir;  // empty: no WARC files
  std::int64_t rotate_bytes = 1000000000;
  int gzip_level = 1;
  std::filesystem::path earlier_root;  // where an earlier crawl's WARC locations are relative to (empty: dir's parent)
};

// Batches crawl records into transactions on its own thread and its own connection, so that the
// event loop never waits on the disk. push() is thread-safe; flush() blocks until all pushed records
// are committed; the destructor flushes. A write error is kept and rethrown by flush().
class Writer : public RecordSink {
 public:
  // Exchanges (alone or beside a page) are written to WARC files under warc.dir before the
  // transaction that stores their pages commits, so a stored page's WARC location always exists.
  Writer(const std::string& db_path, std::int64_t run, WarcOptions warc = {});
  ~Writer() override;
  Writer(const Writer&) = delete;
  Writer& operator=(const Writer&) = delete;

  void push(Record r) override;
  void flush();
  // Records pushed and not yet committed, weighed by the bytes they hold (the crawl slows down
  // when this grows): a unit a record and one per 8 KB, so at most about 16 MB of bodies wait.
  size_t pending() override;
  size_t backlog() const override { return 8 * kBatch; }
  // A batch commits once it has kBatch records, else within kLinger of its first record.
  static constexpr size_t kBatch = 256;
  static constexpr std::chrono::milliseconds kLinger{100};

 private:
  void loop();
  void write(sqlite::Connection& c, std::vector<Record>& batch);
  std::string path_;
  std::int64_t run_;
  WarcOptions warc_options_;
  std::unique_ptr<WarcWriter> warc_;
  std::unordered_map<std::string, std::string> check_warc_;  // checked URL -> its record, this run
  std::mutex mu_;
  std::condition_variable cv_, idle_cv_;
  std::deque<Record> queue_;
  bool stop_ = false, busy_ = false;
  int flushing_ = 0;
  size_t queue_weight_ = 0, batch_weight_ = 0;
  std::exception_ptr error_;  // the first failure of the writing thread, rethrown by flush()
  std::thread thread_;
};


// zstd helpers for stored text.
std::string compress_text(std::string_view s);
std::string decompress_text(std::string_view z);

std::string now_iso_utc();
std::string iso_utc_hours_ago(int hours);

}  // namespace govaudit
