// Reviews of findings (人工复核), and findings by their database id.
#include "model/clock.hpp"
#include "storage/store.hpp"

namespace govaudit {

namespace {
Finding finding_row(const sqlite::Statement& st, int at) {
  Finding f(st.text(at), st.text(at + 1), st.text(at + 2), st.text(at + 3), st.text(at + 4));
  f.severity = severity_from(st.text(at + 5));
  return f;
}
constexpr const char* kFindingColumns = "rowid, run_id, site_id, rule, subject, url, detail, severity";

Review review_row(const sqlite::Statement& st) {
  Review r;
  r.id = st.integer(0);
  r.site_id = st.text(1);
  r.rule = st.text(2);
  r.subject = st.text(3);
  r.run = st.integer(4);
  r.status = review_status_from(st.text(5)).value_or(ReviewStatus::Confirmed);
  r.note = st.text(6);
  r.reviewer = st.text(7);
  r.at = st.text(8);
  r.account = st.text(9);
  return r;
}
constexpr const char* kReviewColumns = "id, site_id, rule, subject, run_id, status, note, reviewer, at, account";
}  // namespace

std::vector<CampaignRun> Store::audit_runs() {
  std::vector<CampaignRun> out;
  std::map<std::int64_t, std::vector<std::string>> sites;  // by crawl run
  auto st = db_.prepare("SELECT run_id, site_id FROM sites ORDER BY run_id, rowid");
  while (st.step()) sites[st.integer(0)].push_back(st.text(1));
  for (auto& r : runs()) {
    if (r.kind != RunKind::Audit) continue;
    std::int64_t crawl = r.crawl_run.value_or(0);
    out.push_back({r.id, r.today, r.started_at, r.finished_at, r.status == RunStatus::Done, crawl, sites[crawl]});
  }
  return out;
}

std::string Store::evidence_of(const StoredFinding& f) {
  auto a = run(f.run);
  return a && a->crawl_run ? page_warc(*a->crawl_run, f.finding.site_id, f.finding.url) : "";
}

std::vector<Store::StoredFinding> Store::stored_findings(std::int64_t audit_run) {
  auto st = db_.prepare(std::string("SELECT ") + kFindingColumns + " FROM findings WHERE run_id=? ORDER BY rowid");
  st.bind(1, audit_run);
  std::vector<StoredFinding> out;
  while (st.step()) out.push_back({st.integer(0), st.integer(1), finding_row(st, 2)});
  return out;
}

std::optional<Store::StoredFinding> Store::finding_by_id(std::int64_t id) {
  auto st = db_.prepare(std::string("SELECT ") + kFindingColumns + " FROM findings WHERE rowid=?");
  st.bind(1, id);
  if (!st.step()) return std::nullopt;
  return StoredFinding{st.integer(0), st.integer(1), finding_row(st, 2)};
}

std::vector<std::int64_t> Store::runs_with_finding(const std::string& site, const std::string& rule, const std::string& subject) {
  auto st = db_.prepare(
      "SELECT f.run_id FROM findings f JOIN runs r ON r.id=f.run_id WHERE f.site_id=? AND f.rule=? AND f.subject=? "
      "AND r.status='done' ORDER BY f.run_id");
  st.bind(1, site).bind(2, rule).bind(3, subject);
  std::vector<std::int64_t> out;
  while (st.step()) out.push_back(st.integer(0));
  return out;
}

std::string Store::page_warc(std::int64_t crawl_run, const std::string& site, const std::string& url) {
  auto st = db_.prepare(
      "SELECT warc FROM pages WHERE run_id=? AND site_id=? AND (url=? OR final_url=?) AND warc!='' ORDER BY url=? DESC LIMIT 1");
  st.bind(1, crawl_run).bind(2, site).bind(3, url).bind(4, url).bind(5, url);
  return st.step() ? st.text(0) : std::string();
}

std::int64_t Store::add_review(const Review& r) {
  auto st = db_.prepare("INSERT INTO reviews (site_id, rule, subject, run_id, status, note, reviewer, at, account) VALUES (?,?,?,?,?,?,?,?,?)");
  st.bind(1, r.site_id).bind(2, r.rule).bind(3, r.subject).bind(4, r.run).bind(5, std::string(name(r.status)))
      .bind(6, r.note).bind(7, r.reviewer).bind(8, r.at.empty() ? now_iso_utc() : r.at).bind(9, r.account);
  st.run();
  return db_.last_insert_id();
}

std::vector<Review> Store::reviews_of(const std::string& site, const std::string& rule, const std::string& subject) {
  auto st = db_.prepare(std::string("SELECT ") + kReviewColumns + " FROM reviews WHERE site_id=? AND rule=? AND subject=? ORDER BY id");
  st.bind(1, site).bind(2, rule).bind(3, subject);
  std::vector<Review> out;
  while (st.step()) out.push_back(review_row(st));
  return out;
}

std::map<ReviewKey, Review> Store::reviews_for(std::int64_t audit_run) {
  auto st = db_.prepare(std::string("SELECT ") + kReviewColumns + " FROM reviews WHERE run_id<=? ORDER BY id");
  st.bind(1, audit_run);
  std::map<ReviewKey, Review> out;
  while (st.step()) {
    Review r = review_row(st);
    out[{r.site_id, r.rule, r.subject}] = std::move(r);  // later rows replace earlier ones
  }
  return out;
}

}  // namespace govaudit

namespace govaudit {

void Store::add_recheck(const Recheck& r) {
  db_.prepare("INSERT INTO rechecks (site_id, rule, subject, run_id, result, note, warc, at) VALUES (?,?,?,?,?,?,?,?)")
      .bind(1, r.site_id).bind(2, r.rule).bind(3, r.subject).bind(4, r.run).bind(5, std::string(name(r.result))).bind(6, r.note)
      .bind(7, r.warc).bind(8, r.at.empty() ? now_iso_utc() : r.at).run();
}

std::map<ReviewKey, Recheck> Store::rechecks_for(std::int64_t audit_run) {
  auto st = db_.prepare("SELECT id, site_id, rule, subject, run_id, result, note, warc, at FROM rechecks WHERE run_id=? ORDER BY id");
  st.bind(1, audit_run);
  std::map<ReviewKey, Recheck> out;
  while (st.step()) {
    Recheck r{st.integer(0), st.text(1), st.text(2), st.text(3), st.integer(4),
              recheck_result_from(st.text(5)).value_or(RecheckResult::Unmeasured), st.text(6), st.text(7), st.text(8)};
    out[{r.site_id, r.rule, r.subject}] = std::move(r);
  }
  return out;
}

}  // namespace govaudit
