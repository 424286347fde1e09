#pragma once
// What govaudit reads out of one HTML page (already decoded to UTF-8): title, <meta> tags, links
// with their anchor text, visible text, dated list items, CMS pagers and redirects, and the
// publication date. Pure CPU work with no I/O: it runs on the parse pool.
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "crawler/extract/messages.hpp"
#include "model/date.hpp"
#include "model/records.hpp"

namespace govaudit::extract {

struct Link {
  std::string href;  // as written (unresolved)
  std::string tag;   // a, area, iframe, frame, img, script, redirect, pager
  std::string text;  // anchor text plus alt/title text of images inside; title attribute if empty
  std::string hidden = {};  // a, area: how CSS hides it from readers (see styles.hpp); "" when visible
};

struct Item {
  std::string href;
  std::string title;
  std::optional<Date> date;
};

// A TRS WCM pager: createPageHTML(total, current, prefix, ext) → prefix.ext, prefix_1.ext …
struct Pager {
  int total = 0;       // number of pages announced
  int current = 0;     // 0-based
  std::string prefix;  // "index"
  std::string ext;     // "html"
};

// A site search form: where it sends its words, and how.
struct SearchForm {
  std::string action;  // as written; "" = the page itself
  bool post = false;
  bool script_only = false;  // no action to send to: a script runs the search
  std::string field;         // the text field's name
  std::vector<std::pair<std::string, std::string>> hidden;  // hidden fields sent along
};

// One candidate a reader weighed for a reading (the date, the column): what it says, where it
// stands, and why it was not taken ("" for the one taken). inspect shows them, so that a disputed
// reading can be argued.
struct Candidate {
  std::string value;     // "2024-05-30", "区县热点"
  std::string from;      // "label 发布日期", "meta PubDate", "breadcrumb", "text: 开始时间：…"
  std::string rejected;  // why not: "the page shows a date", "a date of another kind (开始)" …
};

struct Page {
  std::string title;
  std::map<std::string, std::string> meta;  // name (or http-equiv/property) -> content; first wins
  std::string base_href;
  std::vector<Link> links;
  std::vector<Item> items;
  std::string text;  // visible text, block elements separated by newlines
  std::optional<Pager> pager;
  std::optional<Date> published;
  std::string published_source;       // label, header, meta, url, "" (see reading::read_dates)
  std::optional<Date> meta_published;  // what the meta tags say, also when the page shows another date
  std::optional<Date> document_date;   // 成文日期 / 发文日期 / 生成日期 / 印发日期, when shown
  std::string headline;                // the first <h1> (else <h2>, <h3>): the title as the page shows it
  std::vector<std::string> crumbs;     // TRS breadcrumb links (class CurrChnlCls), in order
  std::vector<Link> related;           // links in a 关联稿件 / 相关解读 / 相关文件 / 相关链接 block
  std::vector<Message> messages;       // a message box's list: its messages as the list shows them
  std::optional<Message> message;      // the one message this page shows in labelled fields
  Accessibility a11y;
  std::vector<SearchForm> search_forms;
  std::string column;                  // see reading::read_column
  std::vector<Candidate> date_reading;    // published: the one taken first, then the others
  std::vector<Candidate> column_reading;  // column: likewise
  bool is_list = false;
  bool is_article = false;
  bool links_truncated = false;
  bool depth_capped = false;     // elements nested deeper than Limits::max_depth were flattened
  bool elements_capped = false;  // the page was read up to its Limits::max_elements-th element
  bool has_datastore = false;  // Hanweb <datastore> list data
  bool related_by_script = false;  // a script fetches related documents (相关解读 …) at view time
};

struct Limits {
  size_t max_links = 5000;
  size_t max_depth = 512;        // element nesting kept as is; deeper start tags are dropped
  size_t max_elements = 20000;   // elements read (the first 4/5 and the last 1/5); the middle is not
};

// Parses `html`; `url` is the page's own URL (for URL-pattern dates). `stylesheets` are the texts
// of the stylesheets the page links (in their order), applied before its <style> blocks when
// judging which links are hidden. Never throws on bad markup.
Page parse(std::string_view html, const std::string& url, const Limits& limits = {},
           const std::vector<std::string_view>& stylesheets = {});

// URLs of the further pages a TRS pager announces, relative to the list page ("index_1.html" …).
std::vector<std::string> pager_pages(const Pager& p, size_t max_pages);

// Collapses runs of whitespace (ASCII and U+3000) to single spaces and trims.
std::string squash(std::string_view s);

}  // namespace govaudit::extract
