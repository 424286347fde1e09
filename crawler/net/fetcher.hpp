#pragma once
// HTTP transfers on libcurl's multi *socket* interface, driven by the crawler's io_context.
// One request at a time per easy handle, no automatic redirects (the crawler follows and records
// each hop), names resolved beforehand by the crawler and handed over with CURLOPT_RESOLVE, and
// every connect checked by the NetGuard on the address actually used.
// Not thread-safe: construct, call and destroy on the io_context thread; callbacks run there.
#include <curl/curl.h>

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "config/config.hpp"
#include "crawler/net/transport.hpp"
#include "crawler/net/netguard.hpp"

namespace boost::asio {
class io_context;
}

namespace govaudit {

// How many connections the crawl may hold at once. The open-file limit is raised to its hard limit
// first (a default soft limit of 1,024 would cap a province run), and files the process needs
// besides sockets (WARC, SQLite, DNS, attachment readers, logs) are kept in reserve.
struct ConnectionBudget {
  int limit = 0;          // what the crawl uses
  long open_files = 0;    // RLIMIT_NOFILE after raising it
  bool automatic = false; // crawl.global_connections = 0
  bool cut = false;       // the configured number did not fit the open-file limit
};
// `cores`: what the machine has (0: asked of it). Automatic: 512 per core, at most 4,096: the full
// pipeline's ~1,700 pages/s a core at a 0.3 s round trip keep ~500 transfers busy (Little's law),
// and each open transfer holds ~40 KB (libcurl's buffers and easy handle, the answer so far), so a
// limit sized by the hosts' wishes (2,400 for 1,000 sites) held 144 MB where 1,024 hold 118.
ConnectionBudget connection_budget(int configured, unsigned cores = 0);
inline constexpr int kAutoConnectionsMax = 4096;
inline constexpr int kAutoConnectionsPerCore = 512;

// The error a curl_multi_* return code means, naming the call; none for CURLM_OK.
std::optional<std::string> multi_error(CURLMcode rc, const char* call);

class Fetcher : public Transport {
 public:
  Fetcher(boost::asio::io_context& io, const CrawlSettings& settings, const NetGuard& guard);
  ~Fetcher() override;
  Fetcher(const Fetcher&) = delete;
  Fetcher& operator=(const Fetcher&) = delete;

  // Starts a transfer; `done` runs on the io_context thread once it has finished or failed.
  void fetch(FetchRequest req, std::function<void(FetchResult)> done) override;

  // No transfer is left and none will come: drops libcurl's timer, which is moved only earlier
  // and would otherwise keep the io_context running until its last deadline (~0.1 s at a crawl's end).
  void quiesce() override;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace govaudit
