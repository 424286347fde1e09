#pragma once
// What the crawler knows of the store: a sink that takes records as they are made. The Writer is
// the one the program uses; a test can use another.
#include <cstddef>
#include <memory>
#include <variant>
#include <vector>

#include "model/records.hpp"
#include "storage/warc.hpp"

namespace govaudit {

// A page record with the HTTP exchange it was made from: the evidence goes to the WARC files
// beside the record, not inside the record the rules read.
struct EvidencedPage {
  EvidencedPage(PageRecord p, std::shared_ptr<const Exchange> e = nullptr) : page(std::move(p)), exchange(std::move(e)) {}
  PageRecord page;
  std::shared_ptr<const Exchange> exchange;  // null: none kept
};

// A page answered 304 Not Modified: the earlier crawl's row taken over (its text not stored
// again), the 304 exchange kept as a WARC revisit record pointing at the earlier response.
struct RevisitedPage {
  std::int64_t prior_row = 0;
  std::string site_id, url, fetched_at, etag, last_modified;  // validators: the 304's, when it sent any
  std::string duplicate_of;  // this crawl met the same content first under another URL
  bool carried = false;      // not asked at all (a delta run): fetched_at is the earlier check's
  int depth = 0, elapsed_ms = 0;
  std::shared_ptr<const Exchange> exchange;  // null: none kept
};

class RecordSink {
 public:
  using Record = std::variant<EvidencedPage, std::vector<LinkRecord>, std::vector<ItemRecord>, DnsRecord, ProbeRecord,
                              std::vector<FrontierRecord>, LimitRecord, std::shared_ptr<const Exchange>,
                              std::vector<MessageRecord>, RevisitedPage>;
  virtual ~RecordSink() = default;
  // Takes a record; thread-safe; never blocks on the disk.
  virtual void push(Record r) = 0;
  // Records taken and not yet stored (a sink may weigh them by size): a producer slows down when
  // this exceeds backlog().
  virtual size_t pending() = 0;
  virtual size_t backlog() const = 0;
};

}  // namespace govaudit
