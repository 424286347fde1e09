#include "cli/notify.hpp"

#include <curl/curl.h>
#include <spdlog/spdlog.h>

#include <chrono>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <thread>

#include "reports/history.hpp"

namespace govaudit {

namespace {

constexpr size_t kTextItems = 20;  // a robot's text message is short (企业微信: 2,048 bytes)

std::vector<const Finding*> new_findings(const ReportData& d, const NotifySettings& n) {
  EarlierFindings earlier(d.previous);
  std::vector<const Finding*> out;
  for (auto& f : d.findings)
    if (f.severity >= n.min_severity && earlier.status(f) == "新发现") out.push_back(&f);
  return out;
}

}  // namespace

std::string notification_body(const ReportData& d, const NotifySettings& n) {
  auto found = new_findings(d, n);
  if (found.empty()) return "";
  std::map<std::string, std::string> names;
  for (auto& s : d.sites) names[s.site.id] = s.site.name;
  const Config& cfg = *d.config;
  auto dump = [](const nlohmann::json& j) { return j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace); };
  if (n.format == "text") {
    std::string text = "govaudit 测评（" + d.audit.today + "，第 " + std::to_string(d.audit.id) + " 次测评）新发现" +
                       (n.min_severity == Severity::Veto ? "单项否决问题 " : "问题 ") + std::to_string(found.size()) + " 个：";
    for (size_t i = 0; i < found.size() && i < kTextItems; ++i) {
      const Finding& f = *found[i];
      text += "\n" + std::to_string(i + 1) + ". " + (names.count(f.site_id) ? names[f.site_id] : f.site_id) + "：" +
              cfg.rule_text(f.rule).title + "，" + f.subject;
    }
    if (found.size() > kTextItems) text += "\n……等 " + std::to_string(found.size()) + " 个，详见测评报告。";
    return dump({{"msgtype", "text"}, {"text", {{"content", text}}}});
  }
  nlohmann::json list = nlohmann::json::array();
  for (auto* f : found)
    list.push_back({{"site", f->site_id}, {"site_name", names[f->site_id]}, {"rule", f->rule}, {"title", cfg.rule_text(f->rule).title},
                    {"severity", name(f->severity)}, {"subject", f->subject}, {"url", f->url}});
  return dump({{"audit_run", d.audit.id}, {"today", d.audit.today}, {"min_severity", name(n.min_severity)},
               {"new_findings", list.size()}, {"findings", list}});
}

bool notify_new_findings(const ReportData& d, const NotifySettings& n) {
  if (n.webhook.empty()) return true;
  std::string body = notification_body(d, n);
  if (body.empty()) {
    spdlog::info("notify: nothing new at {} or above; no message", name(n.min_severity));
    return true;
  }
  std::string last_error;
  for (int attempt = 1; attempt <= n.attempts; ++attempt) {
    if (attempt > 1) std::this_thread::sleep_for(std::chrono::seconds(1 << (attempt - 2)));  // 1 s, 2 s, 4 s …
    std::unique_ptr<CURL, void (*)(CURL*)> c(curl_easy_init(), curl_easy_cleanup);
    if (!c) return false;
    std::unique_ptr<curl_slist, void (*)(curl_slist*)> headers(curl_slist_append(nullptr, "Content-Type: application/json; charset=utf-8"),
                                                               curl_slist_free_all);
    curl_easy_setopt(c.get(), CURLOPT_URL, n.webhook.c_str());
    curl_easy_setopt(c.get(), CURLOPT_HTTPHEADER, headers.get());
    curl_easy_setopt(c.get(), CURLOPT_POSTFIELDS, body.c_str());
    curl_easy_setopt(c.get(), CURLOPT_POSTFIELDSIZE_LARGE, curl_off_t(body.size()));
    curl_easy_setopt(c.get(), CURLOPT_TIMEOUT, 15L);
    curl_easy_setopt(c.get(), CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(c.get(), CURLOPT_WRITEFUNCTION, +[](char*, size_t s, size_t m, void*) { return s * m; });
    CURLcode rc = curl_easy_perform(c.get());
    long status = 0;
    curl_easy_getinfo(c.get(), CURLINFO_RESPONSE_CODE, &status);
    if (rc == CURLE_OK && status >= 200 && status < 300) {
      spdlog::info("notify: sent the run's new findings to the webhook (HTTP {})", status);
      return true;
    }
    last_error = rc != CURLE_OK ? curl_easy_strerror(rc) : "HTTP " + std::to_string(status);
    spdlog::warn("notify: attempt {} of {} failed: {}", attempt, n.attempts, last_error);
  }
  spdlog::error("notify: the webhook was not reached ({}); the run and its reports stand", last_error);
  return false;
}

}  // namespace govaudit
