#pragma once
// A parsed page as the store keeps it and the rules read it. One mapping for the crawler, `inspect`
// and the tests, so that what a test or `inspect` shows is what an audit judges.
#include <string>
#include <vector>

#include "crawler/extract/extract.hpp"
#include "model/records.hpp"

namespace govaudit {

// Home, List, Article or Page.
PageKind page_kind(const extract::Page& page, bool home);

// Moves what extraction read into `p`: title, meta, publication date and its source, document
// date, column and kind. The text stays in `page` (the crawler compresses it off the event loop).
void fill_record(PageRecord& p, extract::Page& page, bool home);

// The URL the page's relative links resolve against: its <base href>, else `url`.
std::string page_base(const extract::Page& page, const std::string& url);

// The page's links resolved against page_base(), as link records from `url`.
std::vector<LinkRecord> link_records(const extract::Page& page, const std::string& site_id, const std::string& url);

}  // namespace govaudit
