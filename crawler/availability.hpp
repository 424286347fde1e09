#pragma once
// One round of homepage availability probes, as the national indicators measure availability:
// a visit fails when the homepage has not opened (2xx after at most 10 redirects, the crawl's own rule) within the
// time limit. Meant to run from cron or a systemd timer (`govaudit probe`); a week of rounds
// gives each site's availability.
#include <vector>

#include "config/config.hpp"
#include "config/sites.hpp"
#include "crawler/net/netguard.hpp"
#include "model/records.hpp"

namespace govaudit {

// Probes every site's homepage once, concurrently; `timeout_ms` bounds each visit.
std::vector<AvailabilityRecord> probe_homepages(const Config& cfg, const NetGuard& guard, const std::vector<Site>& sites,
                                                int timeout_ms);

}  // namespace govaudit
