#pragma once
// How a page record is a row of the pages table, for the Writer, the audit views, the prior crawl
// and the resume state alike (private to storage/).
#include <cstdint>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "model/records.hpp"
#include "storage/sqlite.hpp"

namespace govaudit::rows {

// A page's compressed text: a page revisited (304) keeps it in the row of its earlier crawl.
#define GOVAUDIT_PAGE_TEXT "COALESCE(text_z, (SELECT t.text_z FROM pages t WHERE t.id = pages.text_of))"

// The SELECT of a run's pages in the column order page_row reads. `text`: the column expression
// for the page text (text_z, NULL, or a CASE choosing pages), `text_z` for the text kept
// compressed; `where` binds the run first. `lean`: what no rule reads is left empty (the content
// type, the charset's source, digest and WARC record, and when a page was fetched unless it
// failed or is the homepage); a rule that comes to read one of them takes it out of page_select's
// list. Given `meta_names`, the page's <meta> tags of those names come as columns of their own,
// read out of the JSON by SQLite (page_row must then be given the same names). `walk` (with
// `lean`) leaves out besides what an audit's walks over a site's pages never read: the page
// table holds it (accessibility, ID numbers, redirects, the content note) or lookups read it
// (the error, when fetched, the document's date).
std::string page_select(const char* text, const std::string& where = " WHERE run_id=?", const char* text_z = "NULL",
                        bool lean = false, const std::set<std::string>* meta_names = nullptr, bool walk = false);

// A page's links as one value of page_links.links: per link its target, tag, text and how it is
// hidden, each "<byte length>:<bytes>" (a form SQL can build too: migration 0009 does).
std::string pack_links(const LinkRecord* first, size_t n);

// The links of a page_links value, one at a time.
class PackedLinks {
 public:
  explicit PackedLinks(std::string_view packed) : rest_(packed) {}
  // The next link's fields (views into the value), false after the last; throws
  // sqlite::StorageError on a malformed value.
  bool next(std::string_view& to, std::string_view& tag, std::string_view& text, std::string_view& hidden);

 private:
  std::string_view field();
  std::string_view rest_;
};

// Rows a query will give: to reserve vectors of hundreds of thousands of records once.
size_t count_rows(sqlite::Connection& db, const std::string& table, const std::string& where, std::int64_t run,
                  const std::string* site);

// One row of page_select as a record, keeping only `meta_names` of its <meta> tags when given
// (the names page_select was given).
// Throws sqlite::StorageError on a corrupt stored text.
PageRecord page_row(const sqlite::Statement& st, const std::set<std::string>* meta_names = nullptr);

// Rows of page_select come in the order of the (run_id, site_id, url) index: ORDER BY id sorted
// them, text and all, in a temporary B-tree (half the audit's reading time). Crawl order is
// restored here from the ids (column 24).
class CrawlOrder {
 public:
  // Appends the row to `into`, remembering its place in crawl order.
  void add(std::vector<PageRecord>& into, const sqlite::Statement& st, const std::set<std::string>* meta_names = nullptr);

  // Puts every vector filled through add() in crawl order, in place.
  void apply();


 private:
  struct Row {
    std::int64_t id;
    std::vector<PageRecord>* into;
    size_t at;
  };
  std::vector<Row> rows_;
};

}  // namespace govaudit::rows
