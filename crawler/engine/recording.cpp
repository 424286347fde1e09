// What is recorded of an answer: a page that was not parsed (an error, an attachment, another
// host's link), a check answered once for every site that links it, and a parsed page with its
// links and list items — the links it leads to handed to discovery.
#include <spdlog/spdlog.h>

#include <algorithm>
#include <boost/asio/post.hpp>

#include "crawler/attachment/attachment.hpp"
#include "crawler/engine/engine.hpp"
#include "model/clock.hpp"
#include "crawler/extract/page_record.hpp"
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
  SiteState& s = sites_[t.site];
  ++summary_.pages;
  ++s.pages_done;
  extract::Page& page = parsed.page;
  PageRecord p = base_record(t, r);
  auto evidence = std::move(t.exchange);
  fill_record(p, page, t.mode == Mode::Home);
  p.charset = std::move(parsed.charset);
  p.charset_source = std::move(parsed.charset_source);
  p.id_numbers = std::move(parsed.id_numbers);
  p.id_count = parsed.id_count;
  p.text_z = std::move(parsed.text_z);
  p.digest = std::move(parsed.digest);
  bool duplicate = false;
  if (auto [it, inserted] = s.digests.emplace(p.digest, p.url); !inserted && t.mode != Mode::Home) {
    p.duplicate_of = it->second;
    duplicate = true;
  }
  const std::string& base = parsed.base;
  std::vector<LinkRecord> links;
  std::vector<ItemRecord> items;
  std::vector<MessageRecord> messages;
  if (!duplicate) {
    if (page.links_truncated) limit(s, "links per page (" + std::to_string(cfg_.crawl.max_links_per_page) + ") on " + t.url);
    if (page.depth_capped) limit(s, "element nesting (" + std::to_string(extract::Limits{}.max_depth) + ") on " + t.url);
    if (page.elements_capped) limit(s, "elements per page (" + std::to_string(extract::Limits{}.max_elements) + ") on " + t.url);
    // A homepage that is only a script or meta-refresh stub hands "home" on to its target.
    bool has_redirect = std::any_of(page.links.begin(), page.links.end(), [](auto& l) { return l.tag == "redirect"; });
    bool home_redirect_only = t.mode == Mode::Home && has_redirect && page.links.size() <= 3;
    if (t.mode == Mode::Home && !home_redirect_only) schedule_probes(t, page, base);
    if (t.mode == Mode::Page && t.depth == 1 && cfg_.crawl.ipv6_third_level_max > 0 && (!delta_ || !prior_->run_of(s.site->id)))
      probe_links(t.site, page, base, ProbePurpose::Link3);
    links.reserve(page.links.size());  // the page's links are moved into them
    for (size_t i = 0; i < page.links.size(); ++i) {
      auto& l = page.links[i];
      auto& to = parsed.link_to[i];
      if (!to) continue;
      Mode m = l.tag == "redirect" && home_redirect_only ? Mode::Home : Mode::Page;
      if (l.tag != "img" && l.tag != "script") discover(t, *to, m);
      links.push_back({s.site->id, p.url, std::move(*to), std::move(l.tag), std::move(l.text), std::move(l.hidden)});
    }
    // A TRS pager names every page of the list on every page: N² rows for an N-page list. One
    // row per page is kept, from the page that named it first (a page crawled before it). Two
    // pages of a list (two different current pages) name every page between them, so the
    // list's further pages are not enumerated again (N² URLs made and looked up, for nothing).
    if (page.pager)
      if (auto first = url::resolve(t.url, page.pager->prefix + "." + page.pager->ext)) {
        auto& currents = s.pagers[*first + "#" + std::to_string(page.pager->total)];
        if (currents.size() < 2 && currents.insert(page.pager->current).second)
          for (auto& rel : extract::pager_pages(*page.pager, size_t(cfg_.crawl.max_pages_per_site)))
            if (auto to = url::resolve(t.url, rel)) {
              discover(t, *to, Mode::Page);
              if (s.pager_linked.insert(*to).second) links.push_back({s.site->id, p.url, std::move(*to), "pager", "", ""});
            }
      }
    for (size_t i = 0; i < page.items.size(); ++i)
      if (auto& to = parsed.item_to[i])
        items.push_back({s.site->id, p.url, std::move(*to), std::move(page.items[i].title), page.items[i].date});
    for (size_t i = 0; i < page.messages.size(); ++i)
      if (auto& to = parsed.message_to[i]) {
        auto& m = page.messages[i];
        messages.push_back({s.site->id, p.url, std::move(*to), std::move(m.title), m.left, m.replied, std::move(m.status),
                            std::move(m.unit), m.reply_text});
      }
    if (auto& m = page.message)
      messages.push_back({s.site->id, "", p.url, m->title.empty() ? p.title : m->title, m->left, m->replied, m->status, m->unit,
                          m->reply_text, int(m->phones.size())});
  }
  // Links, items and messages first: the page record is what marks the task done on a resume.
  if (!links.empty()) emit(std::move(links));
  if (!items.empty()) emit(std::move(items));
  if (!messages.empty()) emit(std::move(messages));
  emit(EvidencedPage{std::move(p), std::move(evidence)});
  finished(t);
  step_done();
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
  ++summary_.checked;
  RevisitedPage rp = revisit(t, r);
  PageRecord earlier = prior_->check(*t.prior);
  earlier.fetched_at = rp.fetched_at;
  checks_[t.url] = check_of(earlier);
  rp.prior_row = t.prior->row;
  rp.site_id = sites_[t.site].site->id;
  rp.url = t.url;
  rp.depth = t.depth;
  emit(std::move(rp));
  finished(t);
  answer_waiters(t.url);
}

// The same check of other sites, waiting on this one's answer.
void Engine::answer_waiters(const std::string& url) {
  auto w = check_waiters_.find(url);
  if (w == check_waiters_.end()) return;
  auto waiting = std::move(w->second);
  check_waiters_.erase(w);
  for (auto& other : waiting) record_check(other, checks_[url]);
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
  if (p->final_url != t.url && s.seen.count(p->final_url)) return false;
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
  SiteState& s = sites_[t.site];
  ++summary_.pages;
  ++s.pages_done;
  const PriorPage& prior = *t.prior;
  rp.prior_row = prior.row;
  rp.site_id = s.site->id;
  rp.url = t.url;
  rp.depth = t.depth;
  if (auto [it, inserted] = s.digests.emplace(prior.digest, t.url); !inserted) rp.duplicate_of = it->second;
  std::vector<LinkRecord> links;
  std::vector<ItemRecord> items;
  std::vector<MessageRecord> messages;
  if (rp.duplicate_of.empty()) {
    prior_->content(rp.site_id, t.url, links, items, messages);
    for (auto& l : links) {
      if (l.tag == "pager") s.pager_linked.insert(l.to_url);
      if (l.tag != "img" && l.tag != "script") discover(t, l.to_url, Mode::Page);
    }
    // Its links sampled over IPv6 as when it was read; a delta measures IPv6 on what it reads.
    if (t.depth == 1 && cfg_.crawl.ipv6_third_level_max > 0 && !delta_) {
      extract::Page page;
      for (auto& l : links)
        if ((l.tag == "a" || l.tag == "area") && l.to_url != t.url) page.links.push_back({l.to_url, l.tag, ""});
      probe_links(t.site, page, t.url, ProbePurpose::Link3);
    }
  }
  if (!links.empty()) emit(std::move(links));
  if (!items.empty()) emit(std::move(items));
  if (!messages.empty()) emit(std::move(messages));
  emit(std::move(rp));
  finished(t);
}

PageRecord Engine::base_record(const Task& t, const FetchResult& r) {
  PageRecord p;
  p.site_id = sites_[t.site].site->id;
  p.url = t.first_url();
  p.final_url = t.url;
  p.status = r.status;
  p.error_kind = r.error_kind;
  p.error = r.error;
  p.depth = t.depth;
  p.content_type = r.content_type;
  p.bytes = r.bytes;
  p.elapsed_ms = r.elapsed_ms;
  p.fetched_at = now_iso_utc();
  p.redirects = t.chain;
  p.etag = r.etag;
  p.last_modified = r.last_modified;
  if (p.error_kind == ErrorKind::None && p.status >= 400) {
    p.error_kind = ErrorKind::Http;
    p.error = "HTTP " + std::to_string(p.status);
  }
  return p;
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
  SiteState& s = sites_[t.site];
  PageRecord p = base_record(t, r);
  p.id_numbers = std::move(reading.id_numbers);
  p.id_count = reading.id_count;
  p.content_note = std::move(reading.note);
  p.kind = t.mode == Mode::Home    ? PageKind::Home
           : t.mode == Mode::Check ? (is_attachment(t.url) ? PageKind::Attachment : PageKind::External)
                                   : PageKind::Page;
  if (p.error_kind != ErrorKind::None) ++summary_.errors[std::string(name(p.error_kind))];
  if (t.mode == Mode::Check) {
    ++summary_.checked;
    checks_[p.url] = check_of(p);
  }
  if (t.mode == Mode::Home && p.error_kind == ErrorKind::Challenge) {
    spdlog::warn("{}: homepage {} answered with an anti-bot challenge: listed for manual check", s.site->id, t.url);
  } else if (t.mode == Mode::Home && (p.error_kind != ErrorKind::None || p.status >= 400 || p.status == 0)) {
    s.unreachable = true;
    s.error = p.error.empty() ? "HTTP " + std::to_string(p.status) : p.error;
    spdlog::warn("{}: homepage {} unreachable: {}", s.site->id, t.url, s.error);
  }
  std::string url = p.url;
  emit(EvidencedPage{std::move(p), t.exchange});
  finished(t);
  if (t.mode == Mode::Check) answer_waiters(url);
}

void Engine::record_check(const Task& t, const CheckResult& c) {
  PageRecord p;
  p.site_id = sites_[t.site].site->id;
  p.url = t.url;
  p.final_url = c.final_url;
  p.status = c.status;
  p.error_kind = c.error_kind;
  p.error = c.error;
  p.content_type = c.content_type;
  p.redirects = c.chain;
  p.depth = t.depth;
  p.fetched_at = c.fetched_at.empty() ? now_iso_utc() : c.fetched_at;  // when the answer was seen
  p.warc = c.warc;  // empty: the Writer cites this run's record of the same URL
  p.kind = is_attachment(t.url) ? PageKind::Attachment : PageKind::External;
  p.id_numbers = c.id_numbers;
  p.id_count = c.id_count;
  p.content_note = c.content_note;
  emit(EvidencedPage{std::move(p), nullptr});
  finished(t);
}

}  // namespace govaudit::engine
