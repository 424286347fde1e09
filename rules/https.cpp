#include "rules/https.hpp"

#include <ctime>
#include <nlohmann/json.hpp>

namespace govaudit {

std::optional<Date> parse_cert_date(const std::string& s) {
  std::tm tm{};
  const char* p = s.c_str();
  while (*p == ' ') ++p;
  if (!strptime(p, "%b %d %H:%M:%S %Y", &tm)) return std::nullopt;
  Date d(tm.tm_year + 1900, unsigned(tm.tm_mon + 1), unsigned(tm.tm_mday));
  return d.valid() ? std::optional(d) : std::nullopt;
}

std::vector<Finding> HttpsRule::check(const SiteView& site, const RuleContext& ctx) const {
  const ProbeRecord *https = nullptr, *cert = nullptr, *redirect = nullptr;
  for (auto& p : site.probes) {
    if (p.purpose == ProbePurpose::Https) https = &p;
    if (p.purpose == ProbePurpose::HttpsCert) cert = &p;
    if (p.purpose == ProbePurpose::HttpRedirect) redirect = &p;
  }
  if (!https) return {};
  std::vector<Finding> out;
  std::string host = homepage_host(site);
  auto add = [&](const char* rule, nlohmann::json d) {
    out.push_back({site.site.id, rule, host, https->url, d.dump()});
  };
  bool tls_error = https->error.rfind("tls:", 0) == 0;
  if (!https->error.empty() && !tls_error) {
    add("https.unavailable", {{"url", https->url}, {"error", https->error}});
    return out;
  }
  if (tls_error) add("https.cert_invalid", {{"url", https->url}, {"error", https->error}});
  if (cert && !cert->text.empty()) {
    auto c = nlohmann::json::parse(cert->text, nullptr, false);
    if (c.is_object())
      if (auto exp = parse_cert_date(c.value("expire", ""))) {
        int days = exp->days_since(ctx.today);
        if (days >= 0 && days <= ctx.config->thresholds.cert_expiry_warning_days)
          add("https.cert_expiring", {{"expires", exp->iso()}, {"days_left", days}, {"subject", c.value("subject", "")}});
      }
  }
  if (tls_error) return out;
  // HTTPS works: plain HTTP should lead there.
  const PageTable& pages = site.page_table();
  std::optional<size_t> home;  // the last homepage record
  for (size_t i = 0; i < pages.size(); ++i)
    if (pages[i].kind == PageKind::Home) home = i;
  bool http_home = site.site.homepage.rfind("http://", 0) == 0;
  bool redirects = http_home ? (home && pages.final_url(*home).rfind("https://", 0) == 0)
                             : (redirect && redirect->status >= 300 && redirect->status < 400 &&
                                redirect->text.rfind("https://", 0) == 0);
  if (http_home || redirect)
    if (!redirects) add("https.no_redirect", {{"http", http_home ? site.site.homepage : redirect->url}});
  return out;
}

}  // namespace govaudit
