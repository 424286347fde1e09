#pragma once
// The measurements a site's pages call for, planned as tasks (private to crawler/): the homepage
// over IPv4 and IPv6, its links over IPv6 (second level from the homepage, third level from the
// pages it links), HTTPS with its certificate and the HTTP→HTTPS redirect, and the site search
// asked for the titles of the homepage's newest items. No I/O: the Engine queues the tasks, looks
// up the DNS delegation and fetches (tests/crawler/engine/probe_plan_test.cpp).
#include <string>
#include <vector>

#include "config/config.hpp"
#include "crawler/engine/frontier.hpp"
#include "crawler/extract/extract.hpp"

namespace govaudit::engine {

struct ProbePlan {
  int site = 0;
  std::vector<Task> tasks;           // in the order they are queued
  std::vector<ProbeRecord> records;  // measured without a fetch: a search only a person can try
  std::vector<std::string> limits;   // limits met (IPv6 third-level links measured)
  std::string delegation;            // the host whose zone's DNS delegation to look up ("": none)
};

class ProbePlanner {
 public:
  explicit ProbePlanner(const CrawlSettings& crawl) : crawl_(crawl) {}
  // Everything measured from a site's homepage, once per site; `links`: its links over IPv6 too
  // (a delta takes the earlier crawl's).
  ProbePlan homepage(SiteState& s, const Task& home, const extract::Page& page, const std::string& base, bool links);
  // A page's distinct http(s) <a href> targets over IPv6, each once per site; third-level ones up
  // to crawl.ipv6_third_level_max.
  void links(ProbePlan& plan, SiteState& s, const extract::Page& page, const std::string& base, ProbePurpose purpose);
  Task task(int site, const std::string& u, int family, ProbePurpose purpose);
  // A resumed crawl's probes keep their numbers: new ones are numbered after them.
  void numbered(int attempt) { serial_ = std::max(serial_, attempt + 1); }

 private:
  void search(ProbePlan& plan, SiteState& s, const extract::Page& page, const std::string& base);
  std::string production_url(const std::string& u) const;

  const CrawlSettings& crawl_;
  int serial_ = 0;
};

}  // namespace govaudit::engine
