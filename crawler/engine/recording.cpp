// The Engine's side of recording an answer: parse and attachment jobs posted to the pool and their
// results taken back on the loop, 304s and a delta's carried pages, then the Recorder's records
// written after the URLs they lead to are handed to discovery.
#include <algorithm>
#include <boost/asio/post.hpp>

#include "crawler/attachment/attachment.hpp"
#include "crawler/engine/engine.hpp"
#include "model/clock.hpp"
#include "model/threads.hpp"

namespace govaudit::engine {

void Engine::parse(Task t, FetchResult r, std::vector<std::shared_ptr<const std::string>> stylesheets) {
  ++parsing_;
  size_t bytes = r.body.size();
  parsing_bytes_ += bytes;
  ParseSettings settings{size_t(cfg_.crawl.max_links_per_page), cfg_.crawl.warc_gzip_level, &cfg_.crawl.remap, today_,
                         std::move(stylesheets)};
  // The job owns its task and answer: the pool thread touches nothing of the engine.
  asio::post(pool_, [this, bytes, settings, t = std::move(t), r = std::move(r)]() mutable {
    background_thread();
    auto parsed = parse_page(t.url, r.body, r.content_type, t.exchange.get(), settings);
    r.body = std::string();
    asio::post(io_, [this, bytes, t = std::move(t), r = std::move(r), parsed = std::move(parsed)]() mutable {
      on_parsed(std::move(t), std::move(r), std::move(parsed), bytes);
    });
  });
}

void Engine::on_parsed(Task t, FetchResult r, ParsedPage&& parsed, size_t bytes) {
  assert_io_thread();
  --parsing_;
  parsing_bytes_ -= bytes;
  // Probes read the page before the Recorder takes its links.
  if (!recorder_.repeats(t, parsed.digest)) {
    const extract::Page& page = parsed.page;
    if (t.mode == Mode::Home && !home_redirect_only(t, page)) schedule_probes(t, page, parsed.base);
    if (t.mode == Mode::Page && t.depth == 1 && cfg_.crawl.ipv6_third_level_max > 0 &&
        (!delta_ || !prior_->run_of(sites_[t.site].site->id)))
      probe_links(t.site, page, parsed.base, ProbePurpose::Link3);
  }
  auto evidence = std::move(t.exchange);
  write(t, recorder_.parsed(t, r, std::move(parsed), std::move(evidence)));
  step_done();
}

// A recorded page's records, after the URLs it leads to are queued (their frontier records are
// written before the page's record marks it done).
void Engine::write(const Task& t, Recorded rec) {
  for (auto& [to, mode] : rec.follow) discover(t, to, mode);
  for (auto& l : rec.limits) emit(std::move(l));
  if (!rec.links.empty()) emit(std::move(rec.links));
  if (!rec.items.empty()) emit(std::move(rec.items));
  if (!rec.messages.empty()) emit(std::move(rec.messages));
  if (rec.page) emit(std::move(*rec.page));
  finished(t);
}

// A 304 as the record of this run's check: the answer's validators and time, its exchange.
static RevisitedPage revisit(Task& t, const FetchResult& r) {
  RevisitedPage rp;
  rp.fetched_at = now_iso_utc();
  rp.etag = r.etag;
  rp.last_modified = r.last_modified;
  rp.elapsed_ms = r.elapsed_ms;
  rp.exchange = std::move(t.exchange);
  return rp;
}

// A page asked again that did not change: the earlier crawl's record of it stands, and its links
// are followed as if it had been read.
void Engine::not_modified(Task t, FetchResult r) {
  ++summary_.not_modified;
  take_prior(t, revisit(t, r));
}

// An attachment asked again that did not change: its earlier reading stands (ID numbers, note), for
// this site and every other site waiting on the same check.
void Engine::attachment_not_modified(Task t, FetchResult r) {
  ++summary_.not_modified;
  emit(recorder_.attachment_unchanged(t, revisit(t, r)));
  finished(t);
  answer_waiters(t.url);
}

// The same check of other sites, waiting on this one's answer.
void Engine::answer_waiters(const std::string& url) {
  std::vector<Task> tasks;
  auto pages = recorder_.answer_waiting(url, tasks);
  for (size_t i = 0; i < pages.size(); ++i) {
    emit(std::move(pages[i]));
    finished(tasks[i]);
  }
}

// A daily delta asks for the homepage, the columns it links, the lists and what is new; a known
// article (or other known page below the columns) only when its
// check is crawl.revisit_days old, or on its day of a revisit_days-long rotation (by its URL), so
// that about 1/revisit_days of them are asked each day.
bool Engine::carry(Task& t) {
  if (t.mode != Mode::Page || !t.chain.empty() || t.depth <= 1) return false;  // the homepage's links: the columns
  SiteState& s = sites_[t.site];
  const PriorPage* p = prior_->find(s.site->id, t.url);
  if (!p || p->kind == PageKind::List || p->duplicate) return false;
  // Reached through a redirect to a page this crawl has met itself: fetched, so that it is
  // recorded as that page (as a full crawl records it), not twice.
  if (p->final_url != t.url && s.seen.contains(p->final_url)) return false;
  auto checked = Date::parse_iso(p->fetched_at.substr(0, 10));
  int days = cfg_.crawl.revisit_days;
  if (!checked || today_.days_since(*checked) >= days) return false;
  std::uint32_t h = 2166136261u;  // FNV-1a: the same day for the same URL on every machine
  for (unsigned char c : t.url) h = (h ^ c) * 16777619u;
  auto turn = h % std::uint32_t(days);
  if (turn == std::uint32_t(today_.days_since(Date(2000, 1, 1)) % days)) return false;
  ++summary_.carried;
  if (p->final_url != t.url) s.seen.insert(p->final_url);
  t.prior = p;
  RevisitedPage rp;
  rp.fetched_at = p->fetched_at;
  rp.carried = true;
  take_prior(t, std::move(rp));
  return true;
}

void Engine::take_prior(Task& t, RevisitedPage rp) {
  Recorded rec = recorder_.unchanged(t, std::move(rp));
  // Its links sampled over IPv6 as when it was read; a delta measures IPv6 on what it reads.
  if (t.depth == 1 && cfg_.crawl.ipv6_third_level_max > 0 && !delta_ && !rec.links.empty()) {
    extract::Page page;
    for (auto& l : rec.links)
      if ((l.tag == "a" || l.tag == "area") && l.to_url != t.url) page.links.push_back({l.to_url, l.tag, ""});
    probe_links(t.site, page, t.url, ProbePurpose::Link3);
  }
  write(t, std::move(rec));
}

void Engine::record_failure(const Task& t, ErrorKind kind, const std::string& why) {
  FetchResult r;
  r.error_kind = kind;
  r.error = why;
  record(t, r);
}

// The format an attachment is read in (crawl.read_attachments), by its URL or its Content-Type.
std::string Engine::readable_format(const Task& t, const std::string& content_type) const {
  if (t.mode != Mode::Check || !is_attachment(t.first_url())) return "";
  std::string f = attachment::format_of(url::extension(t.url), content_type);
  if (f.empty()) f = attachment::format_of(url::extension(t.first_url()), "");
  auto& read = cfg_.crawl.read_attachments;
  return std::find(read.begin(), read.end(), f) != read.end() ? f : "";
}

// Reads an attachment on the pool, in a child process; its ID numbers are masked before they come
// back to the loop, and the file itself is not kept as evidence when it shows any.
void Engine::read_attachment(Task t, FetchResult r, std::string format) {
  ++parsing_;
  size_t bytes = r.body.size();
  parsing_bytes_ += bytes;
  attachment::Limits lim;
  lim.timeout_ms = cfg_.crawl.attachment_timeout_ms;
  asio::post(pool_, [this, bytes, lim, today = today_, t = std::move(t), r = std::move(r), format = std::move(format)]() mutable {
    background_thread();
    auto text = attachment::read_isolated(r.body, format, lim);
    Reading reading;
    reading.note = std::move(text.note);
    reading.id_numbers = id_number::seen_in(text.text, today);
    reading.id_count = int(id_number::find(text.text, today).size());
    if (reading.id_count > 0 && t.exchange) t.exchange->withheld = "the file shows resident ID numbers";
    r.body = std::string();
    asio::post(io_, [this, bytes, t = std::move(t), r = std::move(r), reading = std::move(reading)]() mutable {
      assert_io_thread();
      --parsing_;
      parsing_bytes_ -= bytes;
      record(t, r, std::move(reading));
      step_done();
    });
  });
}

// Records a page that was not parsed (error, attachment, other host's link, non-HTML).
void Engine::record(const Task& t, const FetchResult& r, Reading reading) {
  if (t.style) stylesheet_arrived(t.first_url(), r);
  emit(recorder_.unparsed(t, r, std::move(reading)));
  finished(t);
  if (t.mode == Mode::Check) answer_waiters(t.first_url());
}

}  // namespace govaudit::engine
