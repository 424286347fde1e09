#include <nlohmann/json.hpp>

#include "reports/report.hpp"

namespace govaudit {

void write_jsonl(const std::vector<Finding>& findings, std::ostream& out, const ReportData* reviews) {
  for (auto& f : findings) {
    nlohmann::json detail = nlohmann::json::parse(f.detail_json, nullptr, false);
    if (detail.is_discarded()) detail = f.detail_json;
    // When a check ran is the evidence's (its WARC record, the report), not the finding's: two runs
    // over the same content give the same lines.
    if (detail.is_object()) detail.erase("checked_at"), detail.erase("tried_at");
    nlohmann::json j = {{"site", f.site_id}, {"rule", f.rule}, {"subject", f.subject}, {"url", f.url}, {"detail", detail}};
    if (const Review* r = reviews ? reviews->review(f) : nullptr)
      j["review"] = {{"status", name(r->status)}, {"state", name(reviews->state(f))}, {"note", r->note},
                     {"reviewer", r->reviewer}, {"at", r->at}};
    out << j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) << '\n';
  }
}

}  // namespace govaudit
