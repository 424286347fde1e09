#pragma once
// The work a parse thread does for the crawl, as free functions of values: the thread sees the
// answer it was given and nothing of the engine's state.
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "crawler/extract/extract.hpp"
#include "model/date.hpp"
#include "model/id_number.hpp"
#include "storage/warc.hpp"

namespace govaudit {

// crawl.remap: production URL prefix -> the prefix fetched instead.
using Remap = std::vector<std::pair<std::string, std::string>>;
std::string remap_to_fetched(const Remap& remap, const std::string& production_url);
std::string remap_to_production(const Remap& remap, const std::string& fetched_url);

struct ParsedPage {
  std::string charset, charset_source;
  extract::Page page;
  std::string base, digest, text_z;
  std::vector<std::optional<std::string>> link_to;  // page.links resolved against base
  std::vector<std::optional<std::string>> item_to;   // page.items resolved against base
  std::vector<std::optional<std::string>> message_to;  // page.messages resolved against base
  std::vector<id_number::Seen> id_numbers;  // resident ID numbers on the page (masked in its text)
  int id_count = 0;
};

struct ParseSettings {
  size_t max_links = 5000;
  int warc_gzip_level = 1;
  const Remap* remap = nullptr;
  Date today = Date::today_china();  // the audit date: ID numbers are born before it
  std::vector<std::shared_ptr<const std::string>> stylesheets;  // the texts of those the page links
};

// Decodes and extracts the page fetched from `url`, resolves its links and items against its base
// (as production URLs), digests and compresses its text, and packs `exchange` (when given) into
// its WARC members so that the single writer only appends them; `body` then moves into it.
ParsedPage parse_page(const std::string& url, std::string& body, const std::string& content_type,
                      Exchange* exchange, const ParseSettings& settings);

// What a reader sees of a homepage fetched over one IP family, for comparing IPv4 with IPv6: the
// visible text, then the sorted link targets (the order of boxes does not matter).
std::string probe_text(const std::string& url, const std::string& body, const std::string& content_type);

// 64-bit FNV-1a of `s` as 16 hex digits: the content digest used for duplicate detection.
std::string digest(std::string_view s);

}  // namespace govaudit
