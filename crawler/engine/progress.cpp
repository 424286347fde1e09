// The progress line: one line redrawn on a terminal, a log line at an interval otherwise.
#include <spdlog/spdlog.h>

#include <cstdio>

#include "crawler/engine/engine.hpp"

namespace govaudit::engine {

// On a terminal one line redrawn twice a second; otherwise a log line every progress_interval_ms.
void Engine::tick_progress() {
  progress_.expires_after(std::chrono::milliseconds(tty_ ? 500 : cfg_.crawl.progress_interval_ms));
  progress_.async_wait([this](auto ec) {
    if (ec || finished_) return;
    std::string line = progress_line();
    if (tty_) std::fprintf(stderr, "\r\033[K%s", line.c_str()), std::fflush(stderr);
    else spdlog::info("{}", line);
    tick_progress();
  });
}

std::string Engine::progress_line() const {
  size_t queued = 0;
  int hosts_full = 0;  // hosts with work waiting at their own connection limit
  for (auto& [k, h] : frontier_.hosts()) {
    queued += h.queue.size();
    hosts_full += !h.queue.empty() && h.active >= frontier_.connections_of(h);
  }
  int done = 0;
  for (auto& s : sites_) done += s.outstanding <= 0;
  double secs = std::chrono::duration<double>(Clock::now() - started_).count();
  double rate = secs > 0 ? (summary_.pages + summary_.checked) / secs : 0;
  std::string eta = "--";
  if (rate > 0) {
    long left = long((double(queued) + frontier_.active()) / rate);
    eta = fmt::format("{}:{:02}:{:02}", left / 3600, left / 60 % 60, left % 60);
  }
  std::string waits;
  if (waiting_ == Wait::Connections) waits = fmt::format(" · waiting on the global limit ({} connections)", budget_.limit);
  else if (waiting_ == Wait::Parsers) waits = " · fetching paused for the parsers";
  if (hosts_full) waits += fmt::format(" · {} host{} at the per-host limit", hosts_full, hosts_full == 1 ? "" : "s");
  return fmt::format("crawl: sites {}/{} · pages {} ({:.0f}/s) · checked {} · queue {} · in flight {}/{} · errors {} · ETA {}{}",
                     done, sites_.size(), summary_.pages, secs > 0 ? summary_.pages / secs : 0.0, summary_.checked,
                     queued, frontier_.active(), budget_.limit, error_count(), eta, waits);
}

int Engine::error_count() const {
  int n = 0;
  for (auto& [k, v] : summary_.errors) n += v;
  return n;
}

}  // namespace govaudit::engine
