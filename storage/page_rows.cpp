#include "storage/page_rows.hpp"

#include <algorithm>
#include <charconv>
#include <map>
#include <nlohmann/json.hpp>

#include "model/text_codec.hpp"

namespace govaudit::rows {

using nlohmann::json;

namespace {

// A flat JSON object read through nlohmann's SAX interface, without building it: a view reads
// ~20,000 rows, and building each row's objects was a third of reading them. Nesting is refused.
class FlatObject : public nlohmann::json_sax<json> {
 public:
  bool null() override { return depth_ == 1; }
  bool boolean(bool) override { return depth_ == 1; }
  bool number_integer(number_integer_t) override { return depth_ == 1; }
  bool number_unsigned(number_unsigned_t) override { return depth_ == 1; }
  bool number_float(number_float_t, const string_t&) override { return depth_ == 1; }
  bool string(string_t& v) override { return depth_ == 1 && (on_string(key_, v), true); }
  bool binary(binary_t&) override { return false; }
  bool start_object(std::size_t) override { return ++depth_ == 1; }
  bool key(string_t& k) override { return key_ = std::move(k), true; }
  bool end_object() override { return --depth_, true; }
  bool start_array(std::size_t) override { return false; }
  bool end_array() override { return false; }
  bool parse_error(std::size_t, const std::string&, const nlohmann::detail::exception& e) override {
    throw sqlite::StorageError(std::string("a stored page's JSON column is malformed: ") + e.what());
  }
  void read(std::string_view text) {
    if (!json::sax_parse(text, this)) throw sqlite::StorageError("a stored page's JSON column is not a flat object");
  }

 protected:
  virtual void on_string(const std::string&, std::string&) {}

 private:
  int depth_ = 0;
  std::string key_;
};

class MetaReader : public FlatObject {
 public:
  MetaReader(MetaTags& into, const std::set<std::string>* names) : into_(into), names_(names) {}
  void on_string(const std::string& name, std::string& content) override {
    if (!names_ || names_->count(name)) kept_.emplace_back(name, std::move(content));
  }
  void finish() {  // reserved exactly: a page's tags are held for the whole audit
    size_t bytes = 0;
    for (auto& [n, c] : kept_) bytes += n.size() + c.size() + 2;
    into_.reserve(bytes);
    for (auto& [n, c] : kept_) into_.emplace(n, c);
  }

 private:
  MetaTags& into_;
  const std::set<std::string>* names_;
  std::vector<std::pair<std::string, std::string>> kept_;
};


// Names SQLite's JSON paths hold as they are ($."name"), in an SQL literal; others are read from
// the whole object.
bool plain_names(const std::set<std::string>* names) {
  return names && std::none_of(names->begin(), names->end(), [](auto& n) { return n.find_first_of("\"\\'") != n.npos; });
}

}  // namespace

// The JSON columns a view reads for every page (the accessibility counts, the <meta> tags the
// rules read) are taken apart by SQLite's JSON functions: through nlohmann's SAX parser they were
// three quarters of reading a row.
std::string page_select(const char* text, const std::string& where, const char* text_z, bool lean,
                        const std::set<std::string>* meta_names, bool walk) {
  auto col = [lean](const char* name) { return std::string(lean ? "''" : name); };
  auto walked = [walk](const char* name, const char* none) { return std::string(walk ? none : name); };
  std::string sql = "SELECT site_id, url, final_url, status, error_kind, " + walked("error", "''") + ", kind, depth, " +
                    col("content_type") + ", charset, " + col("charset_source") + ", bytes, elapsed_ms, " +
                    (walk ? "''" : lean ? "CASE WHEN error_kind <> '' OR status >= 400 OR kind = 'home' THEN fetched_at ELSE '' END" : "fetched_at") +
                    ", title, " + (plain_names(meta_names) ? "NULL" : "meta") + ", published, published_src, " + col("digest") +
                    ", duplicate_of, " + walked("redirects", "'[]'") + ", " + text + ", " + col("warc") + ", " + text_z +
                    ", id, column_name, " + walked("document_date", "NULL") + ", " + walked("id_numbers", "'{}'") + ", " +
                    walked("content_note", "''") + ", " +
                    (walk ? "0, 0, 0, 0, 0, 0"
                          : "json_extract(a11y, '$.images'), json_extract(a11y, '$.images_without_alt'), json_extract(a11y, '$.fields'), "
                            "json_extract(a11y, '$.fields_unlabeled'), json_extract(a11y, '$.lang'), json_extract(a11y, '$.entry')");
  if (plain_names(meta_names))
    for (auto& n : *meta_names) sql += ", json_extract(meta, '$.\"" + n + "\"')";
  return sql + " FROM pages" + where;
}

std::string pack_links(const LinkRecord* first, size_t n) {
  size_t size = 0;
  for (size_t i = 0; i < n; ++i) size += first[i].to_url.size() + first[i].tag.size() + first[i].text.size() + first[i].hidden.size() + 16;
  std::string out;
  out.reserve(size);
  auto field = [&](const std::string& s) { ((out += std::to_string(s.size())) += ':') += s; };
  for (size_t i = 0; i < n; ++i) {
    field(first[i].to_url);
    field(first[i].tag);
    field(first[i].text);
    field(first[i].hidden);
  }
  return out;
}

std::string_view PackedLinks::field() {
  size_t colon = rest_.find(':');
  size_t n = 0;
  auto [end, ec] = std::from_chars(rest_.data(), rest_.data() + (colon == std::string_view::npos ? 0 : colon), n);
  if (colon == std::string_view::npos || colon == 0 || ec != std::errc() || end != rest_.data() + colon || n > rest_.size() - colon - 1)
    throw sqlite::StorageError("a stored page's links are malformed");
  std::string_view f = rest_.substr(colon + 1, n);
  rest_.remove_prefix(colon + 1 + n);
  return f;
}

bool PackedLinks::next(std::string_view& to, std::string_view& tag, std::string_view& text, std::string_view& hidden) {
  if (rest_.empty()) return false;
  to = field();
  tag = field();
  text = field();
  hidden = field();
  return true;
}

size_t count_rows(sqlite::Connection& db, const std::string& table, const std::string& where, std::int64_t run,
                  const std::string* site) {
  auto st = db.prepare("SELECT count(*) FROM " + table + where);
  st.bind(1, run);
  if (site) st.bind(2, *site);
  return st.step() ? size_t(st.integer(0)) : 0;
}

PageRecord page_row(const sqlite::Statement& st, const std::set<std::string>* meta_names) {
  PageRecord p;
  p.site_id = st.text(0);
  p.url = st.text(1);
  p.final_url = st.text(2);
  p.status = int(st.integer(3));
  p.error_kind = error_kind_from(st.text(4));
  p.error = st.text(5);
  p.kind = page_kind_from(st.text(6));
  p.depth = int(st.integer(7));
  p.stored_row = st.integer(24);
  // The crawl's own fields only where the select gave them: an audit view leaves them out.
  auto crawl_field = [&](int c, std::string PageCrawlFields::*f) {
    if (!st.is_null(c) && !st.text_view(c).empty()) p.crawl().*f = st.text(c);
  };
  crawl_field(8, &PageCrawlFields::content_type);
  p.charset = st.text(9);
  crawl_field(10, &PageCrawlFields::charset_source);
  p.bytes = st.integer(11);
  p.elapsed_ms = int(st.integer(12));
  p.fetched_at = st.text(13);
  p.title = st.text(14);
  if (plain_names(meta_names)) {  // the names' contents as columns (page_select), NULL where absent
    size_t bytes = 0;  // reserved exactly: a page's tags are held for the whole audit
    int c = 35;
    for (auto& n : *meta_names) bytes += st.is_null(c) ? 0 : n.size() + st.text_view(c).size() + 2, ++c;
    p.meta.reserve(bytes);
    c = 35;
    for (auto& n : *meta_names)
      if (!st.is_null(c++)) p.meta.emplace(n, st.text_view(c - 1));
  } else if (std::string_view meta_text = st.text_view(15);
             !meta_names || std::any_of(meta_names->begin(), meta_names->end(), [&](auto& n) { return meta_text.find(n) != meta_text.npos; })) {
    MetaReader meta(p.meta, meta_names);  // parsed only when it can hold a name read
    meta.read(meta_text);
    meta.finish();
  }
  if (!st.is_null(16)) p.published = Date::parse_iso(st.text(16));
  p.published_source = st.text(17);
  crawl_field(18, &PageCrawlFields::digest);
  p.duplicate_of = st.text(19);
  if (st.text_view(20) != "[]")
    for (auto& r : json::parse(st.text_view(20))) p.redirects.push_back({r.at("url"), r.at("status")});
  if (!st.is_null(21)) p.text = decompress_text(st.blob(21));
  crawl_field(22, &PageCrawlFields::warc);
  if (!st.is_null(23)) p.crawl().text_z = st.blob(23);
  p.column = st.text(25);
  if (!st.is_null(26)) p.document_date = Date::parse_iso(st.text(26));
  if (auto ids = st.text_view(27) == "{}" ? json::object() : json::parse(st.text_view(27)); ids.contains("count")) {
    p.id_count = ids.at("count");
    for (auto& n : ids.at("seen")) p.id_numbers.push_back({n.at("number"), n.at("context")});
  }
  p.content_note = st.text(28);
  p.a11y.images = int(st.integer(29));
  p.a11y.images_without_alt = int(st.integer(30));
  p.a11y.fields = int(st.integer(31));
  p.a11y.fields_unlabeled = int(st.integer(32));
  p.a11y.lang = st.integer(33) != 0;
  p.a11y.entry = st.integer(34) != 0;
  return p;
}

void CrawlOrder::add(std::vector<PageRecord>& into, const sqlite::Statement& st, const std::set<std::string>* meta_names) {
  rows_.push_back({st.integer(24), &into, into.size()});
  into.push_back(page_row(st, meta_names));
}

void CrawlOrder::apply() {
  std::map<std::vector<PageRecord>*, std::vector<std::pair<std::int64_t, size_t>>> by_vector;
  for (auto& r : rows_) by_vector[r.into].emplace_back(r.id, r.at);
  for (auto& [v, order] : by_vector) {  // in place, cycle by cycle: no second copy of the pages
    std::sort(order.begin(), order.end());
    auto& pages = *v;
    std::vector<bool> placed(pages.size());
    for (size_t i = 0; i < order.size(); ++i) {
      if (placed[i] || order[i].second == i) continue;
      PageRecord held = std::move(pages[i]);
      size_t j = i;
      while (order[j].second != i) {
        pages[j] = std::move(pages[order[j].second]);
        placed[j] = true;
        j = order[j].second;
      }
      pages[j] = std::move(held);
      placed[j] = true;
    }
  }
}

}  // namespace govaudit::rows
