#pragma once
// HTTPS, an extension beyond corpus/CONTRACT.md with its own rule ids: the site serves HTTPS
// (https.unavailable), its certificate is valid for the name and trusted (https.cert_invalid)
// and not expiring soon (https.cert_expiring), and plain HTTP sends visitors to HTTPS where
// HTTPS works (https.no_redirect).
#include <optional>

#include "rules/rule.hpp"

namespace govaudit {

class HttpsRule : public Rule {
 public:
  std::vector<std::string> ids() const override {
    return {"https.unavailable", "https.cert_invalid", "https.cert_expiring", "https.no_redirect"};
  }
  std::vector<Finding> check(const SiteView& site, const RuleContext& ctx) const override;
};

// Parses curl's certificate date ("Nov 23 09:24:29 2027 GMT").
std::optional<Date> parse_cert_date(const std::string& s);

}  // namespace govaudit
