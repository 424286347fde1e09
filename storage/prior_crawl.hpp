#pragma once
// An earlier complete crawl of the same sites, for asking again instead of fetching anew: the
// validators each page was served with, and what its parse recorded (links, list items, messages),
// so that a page answered 304 Not Modified is taken as it was without its body or a parse.
#include <cstdint>
#include <string>
#include <vector>

#include <memory>
#include <optional>
#include <unordered_map>

#include "model/records.hpp"

namespace govaudit {

struct PriorPage {
  std::int64_t row = 0;  // its row in the store
  std::string etag, last_modified;
  std::string digest;
  std::string fetched_at;  // when it was last checked (carried rows keep their check's time)
  std::string final_url;   // where its answer came from (another host of the site, after a redirect)
  PageKind kind = PageKind::Page;
  bool duplicate = false;  // recorded as a copy of another page: no links of its own
};

class PriorCrawl {
 public:
  virtual ~PriorCrawl() = default;
  // The page as the earlier crawl recorded it (an answer 200, read); else null.
  // Pointers stay valid for the object's life.
  virtual const PriorPage* find(const std::string& site_id, const std::string& url) const = 0;
  // The earlier crawl run of a site (0: none).
  virtual std::int64_t run_of(const std::string& site_id) const = 0;
  // An attachment's earlier check as it was read (status, type, ID numbers, note), for one answered
  // 304. Called on the crawl's io thread.
  virtual PageRecord check(const PriorPage& page) = 0;
  // What its parse recorded. Called on the crawl's io thread.
  virtual void content(const std::string& site_id, const std::string& url, std::vector<LinkRecord>& links,
                       std::vector<ItemRecord>& items, std::vector<MessageRecord>& messages) = 0;
};

// The last finished crawl in a SQLite store that holds these sites, read on a connection of its
// own: validators loaded at once (a few dozen bytes a page), content read by row when asked. Its
// pages are the lists, articles and other pages read, and the attachments fetched whole (read for
// ID numbers); an attachment only checked (HEAD) costs as much to check as to ask again.
// Null when the store holds no such crawl.
std::unique_ptr<PriorCrawl> stored_prior_crawl(const std::string& db_path, std::int64_t current_run,
                                               const std::vector<std::string>& site_ids);

}  // namespace govaudit
