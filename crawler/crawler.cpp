#include "crawler/crawler.hpp"

#include "crawler/engine.hpp"

namespace govaudit {

Crawler::Crawler(const Config& config, const NetGuard& guard, Writer& writer)
    : config_(config), guard_(guard), writer_(writer) {}

CrawlSummary Crawler::run(const std::vector<Site>& sites) {
  engine::Engine e(config_, guard_, writer_);
  e.reuse(reuse_);
  e.evidence(evidence_);
  return e.go(sites, resume_);
}

}  // namespace govaudit
