#include "storage/writer.hpp"

#include <unistd.h>

#include <nlohmann/json.hpp>

#include "model/text_codec.hpp"
#include "model/threads.hpp"
#include "storage/page_rows.hpp"

namespace govaudit {

using nlohmann::json;

namespace {

std::string meta_json(const MetaTags& meta) {
  json o = json::object();
  for (auto& [name, content] : meta) o[std::string(name)] = content;
  return o.dump(-1, ' ', false, json::error_handler_t::replace);
}

// One batch's statements, and how each kind of record becomes rows (std::visit over a Record). A
// revisited page is its earlier row with this run's check: its text stays where it is.
struct BatchRows {
  BatchRows(sqlite::Connection& c, std::int64_t run, WarcWriter* warc, std::unordered_map<std::string, std::string>& check_warc)
    : run_(run), warc_(warc), check_warc_(check_warc),
      page(c.prepare(
      "INSERT OR REPLACE INTO pages (run_id, site_id, url, final_url, status, error_kind, error, kind, depth, content_type, "
      "charset, charset_source, bytes, elapsed_ms, fetched_at, title, meta, published, published_src, digest, duplicate_of, "
      "redirects, text_z, warc, column_name, document_date, id_numbers, content_note, a11y, etag, last_modified) "
      "VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)")),
      earlier(c.prepare("SELECT warc, revisit_of FROM pages WHERE id=?")),
      revisit(c.prepare(
      "INSERT OR REPLACE INTO pages (run_id, site_id, url, final_url, status, error_kind, error, kind, depth, content_type, "
      "charset, charset_source, bytes, elapsed_ms, fetched_at, title, meta, published, published_src, digest, duplicate_of, "
      "redirects, text_z, warc, column_name, document_date, id_numbers, content_note, a11y, etag, last_modified, revisit_of, text_of, carried) "
      "SELECT ?1, site_id, url, final_url, status, error_kind, error, kind, ?2, content_type, charset, charset_source, 0, ?3, ?4, "
      "title, meta, published, published_src, digest, CASE WHEN ?10 <> '' THEN ?10 ELSE duplicate_of END, redirects, NULL, ?5, column_name, document_date, id_numbers, "
      "content_note, a11y, CASE WHEN ?6 <> '' THEN ?6 ELSE etag END, CASE WHEN ?7 <> '' THEN ?7 ELSE last_modified END, ?8, "
      "CASE WHEN text_z IS NULL THEN text_of ELSE id END, ?11 FROM pages WHERE id=?9")),
      link(c.prepare("INSERT INTO page_links (run_id, site_id, from_url, links) VALUES (?,?,?,?)")),
      item(c.prepare("INSERT INTO items (run_id, site_id, list_url, url, title, date) VALUES (?,?,?,?,?,?)")),
      message(c.prepare(
      "INSERT INTO messages (run_id, site_id, list_url, url, title, left_date, replied_date, status, unit, reply_text, phone_numbers) "
      "VALUES (?,?,?,?,?,?,?,?,?,?,?)")),
      dns(c.prepare("INSERT OR REPLACE INTO dns (run_id, host, type, answers, error, elapsed_ms) VALUES (?,?,?,?,?,?)")),
      probe(c.prepare(
      "INSERT INTO probes (run_id, site_id, url, family, purpose, attempt, status, error, elapsed_ms, digest, text_z, query) "
      "VALUES (?,?,?,?,?,?,?,?,?,?,?,?)")),
      frontier(c.prepare(
      "INSERT INTO frontier (run_id, site_id, url, mode, depth, head, family, purpose, attempt) VALUES (?,?,?,?,?,?,?,?,?)")),
      limit(c.prepare("INSERT OR IGNORE INTO crawl_limits (run_id, site_id, what) VALUES (?,?,?)")) {}

  void operator()(EvidencedPage& rec) {
    PageRecord* p = &rec.page;
    if (rec.exchange && warc_) p->crawl().warc = warc_->write(*rec.exchange);
    if (p->kind == PageKind::External || p->kind == PageKind::Attachment) {  // one check answers every site linking the URL
      if (!p->crawl().warc.empty()) check_warc_.emplace(p->url, p->crawl().warc);
      else if (auto it = check_warc_.find(p->url); it != check_warc_.end()) p->crawl().warc = it->second;
    }
    json redirects = json::array();
    for (auto& r : p->redirects) redirects.push_back({{"url", r.url}, {"status", r.status}});
    page.bind(1, run_).bind(2, p->site_id).bind(3, p->url).bind(4, p->final_url).bind(5, p->status)
        .bind(6, name(p->error_kind)).bind(7, p->error).bind(8, name(p->kind)).bind(9, p->depth).bind(10, p->crawl().content_type)
        .bind(11, p->charset).bind(12, p->crawl().charset_source).bind(13, p->bytes).bind(14, p->elapsed_ms)
        .bind(15, p->fetched_at).bind(16, p->title).bind(17, meta_json(p->meta));
    if (p->published) page.bind(18, p->published->iso()); else page.bind_null(18);
    page.bind(19, p->published_source).bind(20, p->crawl().digest).bind(21, p->duplicate_of)
        .bind(22, redirects.dump(-1, ' ', false, json::error_handler_t::replace)).bind_blob(23, p->crawl().text_z.empty() ? compress_text(p->text) : p->crawl().text_z)
        .bind(24, p->crawl().warc).bind(25, p->column);
    if (p->document_date) page.bind(26, p->document_date->iso()); else page.bind_null(26);
    json ids = json::object();
    if (p->id_count > 0) {
      ids["count"] = p->id_count;
      for (auto& n : p->id_numbers) ids["seen"].push_back({{"number", n.number}, {"context", n.context}});
    }
    page.bind(27, ids.dump(-1, ' ', false, json::error_handler_t::replace)).bind(28, p->content_note);
    const Accessibility& a = p->a11y;
    page.bind(29, p->kind == PageKind::Attachment || p->kind == PageKind::External
                      ? std::string("{}")
                      : json{{"images", a.images}, {"images_without_alt", a.images_without_alt}, {"fields", a.fields},
                             {"fields_unlabeled", a.fields_unlabeled}, {"lang", a.lang}, {"entry", a.entry}}
                            .dump());
    page.bind(30, p->crawl().etag).bind(31, p->crawl().last_modified);
    page.run();
  }

  void operator()(RevisitedPage& rec) {
    earlier.bind(1, rec.prior_row);
    std::string payload;  // the response that carried the payload, never another revisit
    if (earlier.step()) payload = earlier.text(1).empty() ? earlier.text(0) : earlier.text(1);
    earlier.reset();
    std::string where = rec.exchange && warc_ && !payload.empty() ? warc_->write_revisit(*rec.exchange, payload) : "";
    revisit.bind(1, run_).bind(2, rec.depth).bind(3, rec.elapsed_ms).bind(4, rec.fetched_at).bind(5, where.empty() ? payload : where)
        .bind(6, rec.etag).bind(7, rec.last_modified).bind(8, where.empty() ? "" : payload).bind(9, rec.prior_row).bind(10, rec.duplicate_of).bind(11, int(rec.carried));
    revisit.run();
  }

  void operator()(std::vector<LinkRecord>& rec) {
    for (size_t i = 0, j; i < rec.size(); i = j) {  // a row per page (they come a page at a time)
      auto& l = (rec)[i];
      for (j = i + 1; j < rec.size() && rec[j].from_url == l.from_url && rec[j].site_id == l.site_id;) ++j;
      link.bind(1, run_).bind_kept(2, l.site_id).bind_kept(3, l.from_url).bind_blob(4, rows::pack_links(&l, j - i));
      link.run();
    }
  }

  void operator()(std::vector<ItemRecord>& rec) {
    for (auto& i : rec) {
      item.bind(1, run_).bind_kept(2, i.site_id).bind_kept(3, i.list_url).bind_kept(4, i.url).bind_kept(5, i.title);
      if (i.date) item.bind(6, i.date->iso()); else item.bind_null(6);
      item.run();
    }
  }

  void operator()(std::vector<MessageRecord>& rec) {
    for (auto& m : rec) {
      message.bind(1, run_).bind(2, m.site_id).bind(3, m.list_url).bind(4, m.url).bind(5, m.title);
      if (m.left) message.bind(6, m.left->iso()); else message.bind_null(6);
      if (m.replied) message.bind(7, m.replied->iso()); else message.bind_null(7);
      message.bind(8, m.status).bind(9, m.unit).bind(10, int(m.reply_text)).bind(11, m.phone_numbers);
      message.run();
    }
  }

  void operator()(DnsRecord& rec) {
    dns.bind(1, run_).bind(2, rec.host).bind(3, rec.type).bind(4, json(rec.answers).dump()).bind(5, rec.error)
        .bind(6, rec.elapsed_ms);
    dns.run();
  }

  void operator()(ProbeRecord& rec) {
    probe.bind(1, run_).bind(2, rec.site_id).bind(3, rec.url).bind(4, rec.family).bind(5, name(rec.purpose))
        .bind(6, rec.attempt).bind(7, rec.status).bind(8, rec.error).bind(9, rec.elapsed_ms).bind(10, rec.digest)
        .bind_blob(11, compress_text(rec.text)).bind(12, rec.query);
    probe.run();
  }

  void operator()(std::vector<FrontierRecord>& rec) {
    for (auto& f : rec) {
      frontier.bind(1, run_).bind_kept(2, f.site_id).bind_kept(3, f.url).bind(4, f.mode).bind(5, f.depth).bind(6, int(f.head))
          .bind(7, f.family).bind(8, f.purpose).bind(9, f.attempt);
      frontier.run();
    }
  }

  void operator()(LimitRecord& rec) {
    limit.bind(1, run_).bind(2, rec.site_id).bind(3, rec.what);
    limit.run();
  }

  void operator()(std::shared_ptr<const Exchange>& rec) {
    if (rec && warc_) warc_->write(*rec);
  }

  std::int64_t run_;
  WarcWriter* warc_;
  std::unordered_map<std::string, std::string>& check_warc_;
  sqlite::Statement page;
  sqlite::Statement earlier;
  sqlite::Statement revisit;
  sqlite::Statement link;
  sqlite::Statement item;
  sqlite::Statement message;
  sqlite::Statement dns;
  sqlite::Statement probe;
  sqlite::Statement frontier;
  sqlite::Statement limit;
};

// What a record weighs in the backlog: one unit, and one more for every 8 KB of text and body it
// holds, so that 304s and link rows are let through by the thousand and large pages are not.
size_t weight(const RecordSink::Record& r) {
  size_t bytes = 0;
  if (auto* p = std::get_if<EvidencedPage>(&r)) {
    bytes = p->page.text.size() + p->page.crawl().text_z.size() + (p->exchange ? p->exchange->body.size() : 0);
  } else if (auto* e = std::get_if<std::shared_ptr<const Exchange>>(&r)) {
    bytes = *e ? (*e)->body.size() : 0;
  }
  return 1 + bytes / 8192;
}

}  // namespace

Writer::Writer(const std::string& db_path, std::int64_t run, WarcOptions warc)
    : path_(db_path), run_(run), warc_options_(std::move(warc)) {
  thread_ = std::thread([this] { loop(); });
}

Writer::~Writer() {
  {
    std::lock_guard lk(mu_);
    stop_ = true;
  }
  cv_.notify_all();
  thread_.join();
}

void Writer::push(Record r) {
  bool full;
  size_t w = weight(r);
  {
    std::lock_guard lk(mu_);
    queue_weight_ += w;
    queue_.push_back(std::move(r));
    full = queue_.size() == kBatch;
  }
  if (full) cv_.notify_one();  // otherwise the writer looks on its own within kLinger
}

size_t Writer::pending() {
  std::lock_guard lk(mu_);
  return queue_weight_ + (busy_ ? batch_weight_ : 0);
}

void Writer::flush() {
  std::unique_lock lk(mu_);
  ++flushing_;
  cv_.notify_one();
  idle_cv_.wait(lk, [&] { return (queue_.empty() && !busy_) || error_; });
  --flushing_;
  if (error_) std::rethrow_exception(error_);  // as it was thrown: a full disk stays one
}

void Writer::loop() {
  background_thread();
  std::optional<sqlite::Connection> conn;
  try {
    conn.emplace(path_, false);
    conn->exec("PRAGMA cache_size=-2048");
    if (!warc_options_.dir.empty())
      warc_ = std::make_unique<WarcWriter>(warc_options_.dir, "govaudit-run" + std::to_string(run_),
                                           warc_options_.rotate_bytes, warc_options_.gzip_level, warc_options_.earlier_root);
  } catch (const std::exception&) {
    std::lock_guard lk(mu_);
    error_ = std::current_exception();
    idle_cv_.notify_all();
    return;
  }
  for (;;) {
    std::vector<Record> batch;
    {
      std::unique_lock lk(mu_);
      // Commit a full batch, or what came within kLinger: each commit rewrites the B-tree pages it
      // touched, so one per record cost more than the inserts; a kill loses at most kLinger of work.
      cv_.wait_for(lk, kLinger, [&] { return stop_ || flushing_ || queue_.size() >= kBatch; });
      if (queue_.empty()) {
        idle_cv_.notify_all();
        if (stop_) return;
        continue;
      }
      batch_weight_ = 0;
      while (!queue_.empty() && batch.size() < 4 * kBatch) {
        batch_weight_ += weight(queue_.front());
        batch.push_back(std::move(queue_.front()));
        queue_.pop_front();
      }
      queue_weight_ -= batch_weight_;
      busy_ = true;
    }
    try {
      write(*conn, batch);
    } catch (const std::exception&) {
      std::lock_guard lk(mu_);
      if (!error_) error_ = std::current_exception();
    }
    {
      std::lock_guard lk(mu_);
      busy_ = false;
    }
    idle_cv_.notify_all();
  }
}

void Writer::write(sqlite::Connection& c, std::vector<Record>& batch) {
  sqlite::Transaction tx(c);
  BatchRows rows(c, run_, warc_.get(), check_warc_);
  for (auto& rec : batch) std::visit(rows, rec);
  if (warc_) warc_->flush();  // the evidence is in the file before the pages citing it commit
  tx.commit();
}

}  // namespace govaudit
