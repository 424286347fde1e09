#include "crawler/availability.hpp"

#include <boost/asio/io_context.hpp>
#include <chrono>
#include <functional>
#include <memory>

#include "crawler/dns.hpp"
#include "crawler/fetcher.hpp"
#include "crawler/url.hpp"
#include "storage/store.hpp"

namespace govaudit {

std::vector<AvailabilityRecord> probe_homepages(const Config& cfg, const NetGuard& guard, const std::vector<Site>& sites,
                                                int timeout_ms) {
  boost::asio::io_context io;
  CrawlSettings cs = cfg.crawl;
  cs.total_timeout_ms = timeout_ms;
  cs.connect_timeout_ms = std::min(cs.connect_timeout_ms, timeout_ms);
  Resolver resolver(io, cfg.dns);
  Fetcher fetcher(io, cs, guard);
  std::vector<AvailabilityRecord> out(sites.size());
  // The visitors live until io.run() returns; handlers hold plain pointers to them (no cycle).
  std::vector<std::unique_ptr<std::function<void(std::string, int)>>> visitors;
  for (size_t i = 0; i < sites.size(); ++i) {
    auto& rec = out[i];
    rec.site_id = sites[i].id;
    rec.homepage = sites[i].homepage;
    rec.at = now_iso_utc();
    auto start = std::make_shared<std::chrono::steady_clock::time_point>(std::chrono::steady_clock::now());
    // Visit a URL, following redirects; every hop resolves its host first.
    visitors.push_back(std::make_unique<std::function<void(std::string, int)>>());
    auto* visit = visitors.back().get();
    *visit = [&, i, start, visit](std::string u, int hops) {
      auto p = url::parts(u);
      if (!p) {
        out[i].error = "not an http(s) URL: " + u;
        return;
      }
      resolver.resolve(p->host, [&, i, u, hops, p = *p, start, visit](const HostAnswer& a) {
        auto finish = [&, i, start](int status, std::string error) {
          out[i].status = status;
          out[i].error = std::move(error);
          out[i].elapsed_ms = int(std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - *start).count());
          out[i].ok = out[i].error.empty() && status >= 200 && status < 300 && out[i].elapsed_ms <= timeout_ms;
        };
        if (a.v4.empty() && a.v6.empty()) return finish(0, "dns: no address for " + p.host);
        std::string addrs;
        for (auto& x : a.v4) addrs += (addrs.empty() ? "" : ",") + x;
        for (auto& x : a.v6) addrs += (addrs.empty() ? "" : ",") + ("[" + x + "]");
        FetchRequest req;
        req.url = u;
        req.resolve = {p.host + ":" + std::to_string(p.port) + ":" + addrs};
        req.max_body = 4 << 20;
        fetcher.fetch(std::move(req), [&, hops, finish, visit](FetchResult r) {
          if (r.error_kind.empty() && r.status >= 300 && r.status < 400 && !r.location.empty() && hops < 5)
            return (*visit)(r.location, hops + 1);
          finish(r.status, r.error_kind.empty() ? (r.status >= 400 ? "HTTP " + std::to_string(r.status) : "")
                                                : r.error_kind + ": " + r.error);
        });
      });
    };
    (*visit)(sites[i].homepage, 0);
  }
  io.run();
  return out;
}

}  // namespace govaudit
