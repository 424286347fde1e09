// What becomes of a finished transfer: the fetch policy as a list of steps (a probe's answer, a 304,
// a check's size cap, retries, HEAD refused, redirects, challenges, pages parsed, attachments
// read), each taking the answer or passing it on; fetch_policy.hpp holds their pure decisions.
#include <boost/asio/steady_timer.hpp>

#include "crawler/engine/engine.hpp"
#include "crawler/engine/fetch_policy.hpp"

namespace govaudit::engine {

// The evidence of an answer that is not parsed keeps a copy of its body; parse_page moves a
// parsed page's body into it instead.
static void keep_body(Task& t, const FetchResult& r) {
  if (t.exchange) t.exchange->body = r.body;
}

// The fetch policy, in order: each step may take the answer (true: it is dealt with) or pass it
// on; one none takes is recorded as it is.
void Engine::complete(Task t, FetchResult r) {
  using Step = bool (Engine::*)(Task&, FetchResult&);
  static constexpr Step kPolicy[] = {&Engine::take_probe,     &Engine::take_not_modified, &Engine::check_answered_at_cap,
                                     &Engine::retry_transient, &Engine::ask_again_with_get, &Engine::follow_redirect,
                                     &Engine::mark_challenge,  &Engine::parse_html,         &Engine::read_file};
  summary_.bytes += r.bytes;
  for (Step step : kPolicy)
    if ((this->*step)(t, r)) return;
  keep_body(t, r);
  record(t, r);
}

bool Engine::take_probe(Task& t, FetchResult& r) {
  if (t.mode != Mode::Probe) return false;
  keep_body(t, r);
  probe_complete(std::move(t), std::move(r));
  return true;
}

// A page or attachment asked with the earlier crawl's validators that did not change.
bool Engine::take_not_modified(Task& t, FetchResult& r) {
  if (!t.prior || r.status != 304 || r.error_kind != ErrorKind::None) return false;
  if (t.mode == Mode::Check) attachment_not_modified(std::move(t), std::move(r));
  else not_modified(std::move(t), std::move(r));
  return true;
}

// A GET check stopped at its size cap still answered: not an error.
bool Engine::check_answered_at_cap(Task& t, FetchResult& r) {
  if (t.mode == Mode::Check && !t.head && r.error_kind == ErrorKind::Size) r.error_kind = ErrorKind::None, r.error.clear();
  return false;
}

bool Engine::retry_transient(Task& t, FetchResult& r) {
  if (!fetch_policy::is_transient(r, t.mode != Mode::Check) || t.attempt >= cfg_.crawl.retries) return false;
  keep_body(t, r);
  spend(t);
  ++t.attempt;
  long delay = fetch_policy::retry_delay_ms(t.attempt, cfg_.crawl.retry_backoff_ms, r.retry_after_s);
  auto timer = std::make_shared<asio::steady_timer>(io_, std::chrono::milliseconds(delay));
  ++timers_;
  timer->async_wait([this, timer, t = std::move(t)](auto) mutable { on_retry_due(std::move(t)); });
  return true;
}

// Servers that refuse HEAD are asked with GET.
bool Engine::ask_again_with_get(Task& t, FetchResult& r) {
  if (t.mode != Mode::Check || !t.head || !fetch_policy::refuses_head(r)) return false;
  t.head = false;
  keep_body(t, r);
  spend(t);
  enqueue(std::move(t), true);
  return true;
}

bool Engine::follow_redirect(Task& t, FetchResult& r) {
  if (!fetch_policy::is_redirect(r)) return false;
  keep_body(t, r);
  follow(std::move(t), std::move(r));
  return true;
}

bool Engine::mark_challenge(Task&, FetchResult& r) {
  if (r.error_kind == ErrorKind::None && fetch_policy::is_challenge(r.status, r.body)) {
    r.error_kind = ErrorKind::Challenge;
    r.error = "anti-bot challenge (HTTP " + std::to_string(r.status) + ", script-only answer): needs a manual check";
  }
  return false;
}

bool Engine::parse_html(Task& t, FetchResult& r) {
  bool html = r.content_type.find("html") != std::string::npos || (r.content_type.empty() && r.body.find("<html") != std::string::npos);
  if (t.mode == Mode::Check || r.error_kind != ErrorKind::None || r.status < 200 || r.status >= 300 || !html || t.head) return false;
  std::vector<std::shared_ptr<const std::string>> sheets;
  if (!wait_for_stylesheets(t, r, sheets)) parse(std::move(t), std::move(r), std::move(sheets));  // else parsed once they are in
  return true;
}

// An attachment in a format govaudit reads (crawl.read_attachments), read in a reader process.
bool Engine::read_file(Task& t, FetchResult& r) {
  if (t.mode != Mode::Check || t.head || r.error_kind != ErrorKind::None || r.status < 200 || r.status >= 300) return false;
  std::string format = readable_format(t, r.content_type);
  if (format.empty()) return false;
  keep_body(t, r);
  if (r.cut) {
    Reading note;
    note.note = "not read: larger than " + std::to_string(cfg_.crawl.attachment_max_bytes >> 20) + " MB (crawl.attachment_max_bytes)";
    record(t, r, std::move(note));
  } else {
    read_attachment(std::move(t), std::move(r), std::move(format));
  }
  return true;
}

}  // namespace govaudit::engine
