#include "crawler/crawler.hpp"

#include "crawler/engine/engine.hpp"

namespace govaudit {

Crawler::Crawler(const Config& config, const NetGuard& guard, RecordSink& sink)
    : config_(config), guard_(guard), sink_(sink) {}

CrawlSummary Crawler::run(const std::vector<Site>& sites) {
  engine::Engine e(config_, guard_, sink_);
  e.reuse(reuse_);
  e.revalidate(prior_, delta_);
  e.evidence(evidence_);
  e.audit_date(today_);
  return e.go(sites, resume_);
}

}  // namespace govaudit
