#include "crawler/availability.hpp"

#include "crawler/fetch_page.hpp"
#include "model/clock.hpp"

namespace govaudit {

std::vector<AvailabilityRecord> probe_homepages(const Config& cfg, const NetGuard& guard, const std::vector<Site>& sites,
                                                int timeout_ms) {
  std::vector<std::string> urls;
  for (auto& s : sites) urls.push_back(s.homepage);
  std::string at = now_iso_utc();
  auto fetched = fetch_pages(cfg, guard, urls, timeout_ms, 4 << 20);
  std::vector<AvailabilityRecord> out;
  for (size_t i = 0; i < sites.size(); ++i) {
    const FetchResult& r = fetched[i].result;
    AvailabilityRecord rec;
    rec.site_id = sites[i].id;
    rec.homepage = sites[i].homepage;
    rec.at = at;
    rec.status = r.status;
    rec.elapsed_ms = fetched[i].elapsed_ms;
    rec.error = r.error_kind == ErrorKind::None ? (r.status >= 400 ? "HTTP " + std::to_string(r.status) : "") : std::string(name(r.error_kind)) + ": " + r.error;
    rec.ok = rec.error.empty() && r.status >= 200 && r.status < 300 && rec.elapsed_ms <= timeout_ms;
    out.push_back(std::move(rec));
  }
  return out;
}

}  // namespace govaudit
