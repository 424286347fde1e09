#include "crawler/engine/recorder.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>

#include "crawler/extract/page_record.hpp"
#include "model/clock.hpp"

namespace govaudit::engine {

CheckResult check_of(const PageRecord& p) {
  return CheckResult{p.status,     p.final_url,  p.error_kind, p.error,   p.crawl().content_type, p.redirects,
                     p.fetched_at, p.crawl().warc, p.id_numbers, p.id_count, p.content_note};
}

bool home_redirect_only(const Task& t, const extract::Page& page) {
  return t.mode == Mode::Home && page.links.size() <= 3 &&
         std::any_of(page.links.begin(), page.links.end(), [](auto& l) { return l.tag == "redirect"; });
}

bool Recorder::repeats(const Task& t, const std::string& digest) const {
  return t.mode != Mode::Home && sites_[t.site].digests.contains(digest);
}

void Recorder::limit(SiteState& s, const std::string& what, Recorded& out) {
  if (s.limits.insert(what).second) out.limits.push_back({s.site->id, what});
}

PageRecord Recorder::base(const Task& t, const FetchResult& r) const {
  PageRecord p;
  p.site_id = sites_[t.site].site->id;
  p.url = t.first_url();
  p.final_url = t.url;
  p.status = r.status;
  p.error_kind = r.error_kind;
  p.error = r.error;
  p.depth = t.depth;
  p.crawl().content_type = r.content_type;
  p.bytes = r.bytes;
  p.elapsed_ms = r.elapsed_ms;
  p.fetched_at = now_iso_utc();
  p.redirects = t.chain;
  p.crawl().etag = r.etag;
  p.crawl().last_modified = r.last_modified;
  if (p.error_kind == ErrorKind::None && p.status >= 400) {
    p.error_kind = ErrorKind::Http;
    p.error = "HTTP " + std::to_string(p.status);
  }
  return p;
}

Recorded Recorder::parsed(const Task& t, const FetchResult& r, ParsedPage&& parsed, std::shared_ptr<const Exchange> evidence) {
  SiteState& s = sites_[t.site];
  ++summary_.pages;
  ++s.pages_done;
  Recorded out;
  extract::Page& page = parsed.page;
  PageRecord p = base(t, r);
  fill_record(p, page, t.mode == Mode::Home);
  p.charset = std::move(parsed.charset);
  p.crawl().charset_source = std::move(parsed.charset_source);
  p.id_numbers = std::move(parsed.id_numbers);
  p.id_count = parsed.id_count;
  p.crawl().text_z = std::move(parsed.text_z);
  p.crawl().digest = std::move(parsed.digest);
  if (auto first = s.digests.first(p.crawl().digest, p.url); t.mode != Mode::Home) p.duplicate_of = std::move(first);
  if (p.duplicate_of.empty()) {
    if (page.links_truncated) limit(s, "links per page (" + std::to_string(crawl_.max_links_per_page) + ") on " + t.url, out);
    if (page.depth_capped) limit(s, "element nesting (" + std::to_string(extract::Limits{}.max_depth) + ") on " + t.url, out);
    if (page.elements_capped) limit(s, "elements per page (" + std::to_string(extract::Limits{}.max_elements) + ") on " + t.url, out);
    bool stub = home_redirect_only(t, page);
    out.links.reserve(page.links.size());  // the page's links are moved into them
    for (size_t i = 0; i < page.links.size(); ++i) {
      auto& l = page.links[i];
      auto& to = parsed.link_to[i];
      if (!to) continue;
      if (l.tag != "img" && l.tag != "script") out.follow.emplace_back(*to, l.tag == "redirect" && stub ? Mode::Home : Mode::Page);
      out.links.push_back({s.site->id, p.url, std::move(*to), std::move(l.tag), std::move(l.text), std::move(l.hidden)});
    }
    if (page.pager) pager(t, s, *page.pager, p.url, out);
    for (size_t i = 0; i < page.items.size(); ++i)
      if (auto& to = parsed.item_to[i])
        out.items.push_back({s.site->id, p.url, std::move(*to), std::move(page.items[i].title), page.items[i].date});
    for (size_t i = 0; i < page.messages.size(); ++i)
      if (auto& to = parsed.message_to[i]) {
        auto& m = page.messages[i];
        out.messages.push_back({s.site->id, p.url, std::move(*to), std::move(m.title), m.left, m.replied, std::move(m.status),
                                std::move(m.unit), m.reply_text});
      }
    if (auto& m = page.message)
      out.messages.push_back({s.site->id, "", p.url, m->title.empty() ? p.title : m->title, m->left, m->replied, m->status,
                              m->unit, m->reply_text, int(m->phones.size())});
  }
  out.page = EvidencedPage{std::move(p), std::move(evidence)};
  return out;
}

// A TRS pager names every page of the list on every page: N² rows for an N-page list. One row per
// page is kept, from the page that named it first (a page crawled before it). Two pages of a list
// (two different current pages) name every page between them, so the list's further pages are not
// enumerated again (N² URLs made and looked up, for nothing).
void Recorder::pager(const Task& t, SiteState& s, const extract::Pager& pager, const std::string& from, Recorded& out) {
  auto first = url::resolve(t.url, pager.prefix + "." + pager.ext);
  if (!first) return;
  auto& currents = s.pagers[*first + "#" + std::to_string(pager.total)];
  if (currents.size() >= 2 || !currents.insert(pager.current).second) return;
  for (auto& rel : extract::pager_pages(pager, size_t(crawl_.max_pages_per_site)))
    if (auto to = url::resolve(t.url, rel)) {
      out.follow.emplace_back(*to, Mode::Page);
      if (s.pager_linked.insert(*to)) out.links.push_back({s.site->id, from, std::move(*to), "pager", "", ""});
    }
}

Recorded Recorder::unchanged(const Task& t, RevisitedPage rp) {
  SiteState& s = sites_[t.site];
  ++summary_.pages;
  ++s.pages_done;
  Recorded out;
  rp.prior_row = t.prior->row;
  rp.site_id = s.site->id;
  rp.url = t.url;
  rp.depth = t.depth;
  rp.duplicate_of = s.digests.first(t.prior->digest, t.url);
  if (rp.duplicate_of.empty()) {
    prior_->content(rp.site_id, t.url, out.links, out.items, out.messages);
    for (auto& l : out.links) {
      if (l.tag == "pager") s.pager_linked.insert(l.to_url);
      if (l.tag != "img" && l.tag != "script") out.follow.emplace_back(l.to_url, Mode::Page);
    }
  }
  out.page = std::move(rp);
  return out;
}

RevisitedPage Recorder::attachment_unchanged(const Task& t, RevisitedPage rp) {
  ++summary_.checked;
  PageRecord earlier = prior_->check(*t.prior);
  earlier.fetched_at = rp.fetched_at;
  checks_[t.url] = check_of(earlier);
  rp.prior_row = t.prior->row;
  rp.site_id = sites_[t.site].site->id;
  rp.url = t.url;
  rp.depth = t.depth;
  return rp;
}

EvidencedPage Recorder::unparsed(const Task& t, const FetchResult& r, Reading reading) {
  SiteState& s = sites_[t.site];
  PageRecord p = base(t, r);
  p.id_numbers = std::move(reading.id_numbers);
  p.id_count = reading.id_count;
  p.content_note = std::move(reading.note);
  p.kind = t.mode == Mode::Home    ? PageKind::Home
           : t.mode == Mode::Check ? (frontier_.is_attachment(t.url) ? PageKind::Attachment : PageKind::External)
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
  return EvidencedPage{std::move(p), t.exchange};
}

EvidencedPage Recorder::answered(const Task& t, const CheckResult& c) const {
  PageRecord p;
  p.site_id = sites_[t.site].site->id;
  p.url = t.url;
  p.final_url = c.final_url;
  p.status = c.status;
  p.error_kind = c.error_kind;
  p.error = c.error;
  p.crawl().content_type = c.content_type;
  p.redirects = c.chain;
  p.depth = t.depth;
  p.fetched_at = c.fetched_at.empty() ? now_iso_utc() : c.fetched_at;  // when the answer was seen
  p.crawl().warc = c.warc;  // empty: the Writer cites this run's record of the same URL
  p.kind = frontier_.is_attachment(t.url) ? PageKind::Attachment : PageKind::External;
  p.id_numbers = c.id_numbers;
  p.id_count = c.id_count;
  p.content_note = c.content_note;
  return EvidencedPage{std::move(p), nullptr};
}

const CheckResult* Recorder::answer(const std::string& url) const {
  auto it = checks_.find(url);
  return it == checks_.end() ? nullptr : &it->second;
}

bool Recorder::wait_for(Task& t) {
  auto w = waiters_.find(t.url);
  if (w == waiters_.end()) return false;
  w->second.push_back(std::move(t));
  return true;
}

std::vector<EvidencedPage> Recorder::answer_waiting(const std::string& url, std::vector<Task>& tasks) {
  std::vector<EvidencedPage> out;
  auto w = waiters_.find(url);
  if (w == waiters_.end()) return out;
  tasks = std::move(w->second);
  waiters_.erase(w);
  const CheckResult& c = checks_[url];
  for (auto& other : tasks) out.push_back(answered(other, c));
  return out;
}

}  // namespace govaudit::engine
