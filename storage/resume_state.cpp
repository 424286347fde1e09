// What a killed crawl recorded, for resuming it; and other hosts' answers from recent runs.
#include "storage/store.hpp"

#include <nlohmann/json.hpp>

#include "storage/page_rows.hpp"

namespace govaudit {

using nlohmann::json;
using namespace rows;

CrawlState Store::crawl_state(std::int64_t crawl_run) {
  CrawlState s;
  {
    auto st = db_.prepare("SELECT site_id, url, mode, depth, head, family, purpose, attempt FROM frontier WHERE run_id=? ORDER BY rowid");
    st.bind(1, crawl_run);
    while (st.step())
      s.frontier.push_back({st.text(0), st.text(1), st.text(2), int(st.integer(3)), st.integer(4) != 0,
                            int(st.integer(5)), st.text(6), int(st.integer(7))});
  }
  {
    auto st = db_.prepare(page_select("NULL"));  // without the text: a resume does not need it
    st.bind(1, crawl_run);
    CrawlOrder order;
    while (st.step()) order.add(s.pages, st);
    order.apply();
  }
  {
    auto st = db_.prepare("SELECT site_id, url, family, purpose, attempt FROM probes WHERE run_id=?");
    st.bind(1, crawl_run);
    while (st.step()) {
      ProbeRecord p;
      p.site_id = st.text(0);
      p.url = st.text(1);
      p.family = int(st.integer(2));
      p.purpose = probe_purpose_from(st.text(3));
      p.attempt = int(st.integer(4));
      s.probes.push_back(std::move(p));
    }
  }
  {
    auto st = db_.prepare("SELECT host, type FROM dns WHERE run_id=?");
    st.bind(1, crawl_run);
    while (st.step()) s.dns.push_back({st.text(0), st.text(1), {}, "", 0});
  }
  {
    auto st = db_.prepare("SELECT site_id, what FROM crawl_limits WHERE run_id=? ORDER BY rowid");
    st.bind(1, crawl_run);
    while (st.step()) s.limits.push_back({st.text(0), st.text(1)});
  }
  return s;
}

std::vector<PageRecord> Store::recent_external_checks(const std::string& since) {
  auto st = db_.prepare(
      "SELECT p.url, p.final_url, p.status, p.content_type, p.redirects, MAX(p.fetched_at) FROM pages p "
      "JOIN runs r ON r.id = p.run_id AND r.status = 'done' "
      "WHERE p.kind = 'external' AND p.error_kind = '' AND p.status BETWEEN 200 AND 399 AND p.fetched_at >= ? "
      "GROUP BY p.url");
  st.bind(1, since);
  std::vector<PageRecord> out;
  while (st.step()) {
    PageRecord p;
    p.url = st.text(0);
    p.final_url = st.text(1);
    p.status = int(st.integer(2));
    p.crawl().content_type = st.text(3);
    for (auto& r : json::parse(st.text(4))) p.redirects.push_back({r.at("url"), r.at("status")});
    p.fetched_at = st.text(5);
    p.kind = PageKind::External;
    out.push_back(std::move(p));
  }
  return out;
}

}  // namespace govaudit
