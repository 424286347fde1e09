#pragma once
// What the crawl engine asks of the network to move bytes: one transfer at a time per call, the
// answer handed back on the engine's io_context thread, never inside fetch() itself. The crawl
// uses the Fetcher (libcurl); the engine's tests use a fake that answers from a table.
#include <functional>

#include "crawler/net/fetch_types.hpp"

namespace govaudit {

class Transport {
 public:
  virtual ~Transport() = default;
  // Starts a transfer; `done` runs on the io_context thread once it has finished or failed.
  virtual void fetch(FetchRequest req, std::function<void(FetchResult)> done) = 0;
  // No transfer is left and none will come: let go of timers that would keep the loop running.
  virtual void quiesce() {}
};

}  // namespace govaudit
