// Findings of audit runs and the measures stored with them, and the homepage availability probes kept across runs.
#include "storage/store.hpp"

#include <nlohmann/json.hpp>

namespace govaudit {

using nlohmann::json;

void Store::save_findings(std::int64_t audit_run, const std::vector<Finding>& findings) {
  sqlite::Transaction tx(db_);
  auto st = db_.prepare(
      "INSERT OR REPLACE INTO findings (run_id, site_id, rule, subject, url, detail, severity) VALUES (?,?,?,?,?,?,?)");
  for (auto& f : findings) {
    st.bind(1, audit_run).bind(2, f.site_id).bind(3, f.rule).bind(4, f.subject).bind(5, f.url).bind(6, f.detail_json)
        .bind(7, name(f.severity));
    st.run();
  }
  tx.commit();
}

std::vector<Finding> Store::findings(std::int64_t audit_run) {
  auto st = db_.prepare(
      "SELECT site_id, rule, subject, url, detail, severity FROM findings WHERE run_id=? ORDER BY rowid");
  st.bind(1, audit_run);
  std::vector<Finding> out;
  while (st.step()) {
    out.emplace_back(st.text(0), st.text(1), st.text(2), st.text(3), st.text(4));
    out.back().severity = severity_from(st.text(5));
  }
  return out;
}

void Store::put_site_measures(std::int64_t audit_run, const std::map<std::string, SiteMeasures>& m) {
  sqlite::Transaction tx(db_);
  auto st = db_.prepare("INSERT OR REPLACE INTO site_measures (run_id, site_id, measures) VALUES (?,?,?)");
  for (auto& [site, measures] : m) st.bind(1, audit_run).bind(2, site).bind(3, measures_json(measures)).run();
  tx.commit();
}

std::map<std::string, SiteMeasures> Store::site_measures(std::int64_t audit_run) {
  auto st = db_.prepare("SELECT site_id, measures FROM site_measures WHERE run_id=?");
  st.bind(1, audit_run);
  std::map<std::string, SiteMeasures> out;
  while (st.step()) out.emplace(st.text(0), parse_measures(st.text(1)));
  return out;
}

void Store::add_availability(const std::vector<AvailabilityRecord>& records) {
  sqlite::Transaction tx(db_);
  auto st = db_.prepare("INSERT INTO availability (site_id, homepage, at, ok, status, error, elapsed_ms) VALUES (?,?,?,?,?,?,?)");
  for (auto& r : records) {
    st.bind(1, r.site_id).bind(2, r.homepage).bind(3, r.at).bind(4, int(r.ok)).bind(5, r.status).bind(6, r.error)
        .bind(7, r.elapsed_ms);
    st.run();
  }
  tx.commit();
}

std::pair<int, int> Store::availability(const std::string& site_id, const std::string& since, const std::string& until) {
  auto st = db_.prepare("SELECT COUNT(*), COALESCE(SUM(1 - ok), 0) FROM availability WHERE site_id=? AND at>=? AND at<?");
  st.bind(1, site_id).bind(2, since).bind(3, until);
  st.step();
  return {int(st.integer(0)), int(st.integer(1))};
}

}  // namespace govaudit
