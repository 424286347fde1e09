#pragma once
// What the crawler makes of an answer, as pure functions of it: whether to try again, ask again
// with GET, follow a redirect or set the answer aside as an anti-bot challenge. The crawl, the
// IPv6/HTTPS probes and the one-off fetches of `inspect` and `probe` follow the same rules.
#include <string>
#include <string_view>
#include <vector>

#include "crawler/net/fetcher.hpp"
#include "model/records.hpp"

namespace govaudit::fetch_policy {

// Redirects followed from one request; one more is an error (error kind "loop").
inline constexpr size_t kMaxRedirects = 10;

// Anti-bot gateways answer a first visit with a small script that sets a cookie and reloads
// (often HTTP 412 or 202). Such an answer says nothing about the link: it is not "broken".
bool is_challenge(int status, std::string_view body);

// Worth asking again after a pause: a timeout, a dropped connection, 5xx or 429. A refused
// connection only when `refusal_may_pass` (the site's own pages: it answered before); for another
// host's link it is the answer, as curl's and wget's --retry take it.
bool is_transient(const FetchResult& r, bool refusal_may_pass = true);

// A server that refuses HEAD (405, 501, 403, 412) is asked again with GET.
bool refuses_head(const FetchResult& r);

// Milliseconds before retry number `attempt` (1-based): exponential from `backoff_ms`, or what the
// server asked for with Retry-After (at most two minutes).
long retry_delay_ms(int attempt, int backoff_ms, long retry_after_s);

// An answer that sends the client elsewhere.
bool is_redirect(const FetchResult& r);

// The next hop of a redirect chain: `chain` holds every URL of the chain so far, the one that
// just answered with a redirect to `location` last. Exactly one of `next` and `error` is set:
// an unusable target, a loop back into the chain and a chain longer than kMaxRedirects are errors.
struct Hop {
  std::string next;
  std::string error;
};
Hop next_redirect(const std::vector<Redirect>& chain, const std::string& location);

}  // namespace govaudit::fetch_policy
