#include "crawler/fetch_page.hpp"

#include <boost/asio/io_context.hpp>
#include <chrono>
#include <functional>
#include <memory>

#include "crawler/net/dns.hpp"
#include "crawler/engine/fetch_policy.hpp"
#include "model/url.hpp"

namespace govaudit {

std::vector<PageFetch> fetch_pages(const Config& cfg, const NetGuard& guard, const std::vector<std::string>& urls,
                                   int timeout_ms, std::int64_t max_body) {
  boost::asio::io_context io;
  CrawlSettings cs = cfg.crawl;
  cs.total_timeout_ms = timeout_ms;
  cs.connect_timeout_ms = std::min(cs.connect_timeout_ms, timeout_ms);
  Resolver resolver(io, cfg.dns);
  Fetcher fetcher(io, cs, guard);
  std::vector<PageFetch> out(urls.size());
  auto start = std::chrono::steady_clock::now();
  // The visitors live until io.run() returns; handlers hold plain pointers to them (no cycle).
  std::vector<std::unique_ptr<std::function<void(std::string)>>> visitors;
  std::vector<std::vector<Redirect>> chains(urls.size());
  for (size_t i = 0; i < urls.size(); ++i) {
    out[i].url = out[i].final_url = urls[i];
    visitors.push_back(std::make_unique<std::function<void(std::string)>>());
    auto* visit = visitors.back().get();
    auto done = [&out, i, start](FetchResult r) {
      out[i].result = std::move(r);
      out[i].elapsed_ms = int(std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - start).count());
    };
    *visit = [&, i, visit, done](std::string u) {
      out[i].final_url = u;
      auto p = url::parts(u);
      if (!p) {
        FetchResult r;
        r.error_kind = ErrorKind::Url;
        r.error = "not an http(s) URL: " + u;
        return done(std::move(r));
      }
      resolver.resolve(p->host, [&, i, u, p = *p, visit, done](const HostAnswer& a) {
        if (a.v4.empty() && a.v6.empty()) {
          FetchResult r;
          r.error_kind = ErrorKind::Dns;
          r.error = "no address for " + p.host + (a.error4.empty() ? "" : " (" + a.error4 + ")");
          return done(std::move(r));
        }
        std::string addrs;
        for (auto& x : a.v4) addrs += (addrs.empty() ? "" : ",") + x;
        for (auto& x : a.v6) addrs += (addrs.empty() ? "" : ",") + ("[" + x + "]");
        FetchRequest req;
        req.url = u;
        req.resolve = {(p.host.find(':') != std::string::npos ? "[" + p.host + "]" : p.host) + ":" +
                       std::to_string(p.port) + ":" + addrs};
        req.max_body = max_body;
        fetcher.fetch(std::move(req), [&chains, i, u, visit, done](FetchResult r) {
          if (fetch_policy::is_redirect(r)) {
            chains[i].push_back({u, r.status});
            auto hop = fetch_policy::next_redirect(chains[i], r.location);
            if (hop.error.empty()) return (*visit)(hop.next);
            r.error_kind = ErrorKind::Loop;
            r.error = hop.error;
          }
          done(std::move(r));
        });
      });
    };
    (*visit)(urls[i]);
  }
  io.run();
  return out;
}

}  // namespace govaudit
