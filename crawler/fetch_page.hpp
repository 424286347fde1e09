#pragma once
// Fetching a few pages outside a crawl (availability probes, `govaudit inspect`): GET with the
// crawler's own settings, DNS and SSRF guard, following redirects by the crawl's own rule
// (fetch_policy::next_redirect).
#include <string>
#include <vector>

#include "config/config.hpp"
#include "crawler/net/fetcher.hpp"
#include "crawler/net/netguard.hpp"

namespace govaudit {

struct PageFetch {
  std::string url;        // as asked
  std::string final_url;  // after redirects
  FetchResult result;     // of the last hop; error_kind "dns" when a name did not resolve
  int elapsed_ms = 0;     // whole visit, all hops
};

// Fetches every URL concurrently on one event loop and returns when all are done; `timeout_ms`
// bounds each hop, `max_body` each body (bytes).
std::vector<PageFetch> fetch_pages(const Config& cfg, const NetGuard& guard, const std::vector<std::string>& urls,
                                   int timeout_ms, std::int64_t max_body);

}  // namespace govaudit
