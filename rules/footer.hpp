#pragma once
// footer.missing_*: the homepage must show the identifiers of 《政府网站发展指引》 — 网站标识码,
// ICP 备案号, 公安机关备案号, 党政机关网站开办者标识 and the 我为政府网站找错 entry. One rule
// object per identifier of config `identifiers`; recognised in visible text (including image
// alt/title text) or by a link, image or script pointing at the issuing authority's host.
#include <map>
#include <memory>

#include "rules/rule.hpp"

namespace govaudit {

class FooterRule : public Rule {
 public:
  explicit FooterRule(IdentifierSpec spec);  // throws ConfigError for a bad pattern
  ~FooterRule() override;
  std::vector<std::string> ids() const override { return {spec_.rule}; }
  std::vector<Finding> check(const SiteView& site, const RuleContext& ctx) const override;

  // The evidence that `text`/`links` show the identifier ("" when they do not).
  std::string evidence(const std::string& text, const std::vector<const LinkRecord*>& links) const;

  // Lines and links that carry one of the identifier's hints but no form of it that is read (at
  // most 4): the candidates a reader passed over, for inspect.
  std::vector<std::string> near_misses(const std::string& text, const std::vector<const LinkRecord*>& links) const;

 private:
  struct Patterns;
  IdentifierSpec spec_;
  std::unique_ptr<Patterns> patterns_;
};

// Which of config's identifiers a page shows, by key ("site_id", "icp" …): the evidence, or "" when
// it shows none. The same test as the footer rules (for `inspect` and the tests).
std::map<std::string, std::string> identifiers_shown(const Config& config, const std::string& text,
                                                     const std::vector<LinkRecord>& links);

// For each identifier, the lines and links it passed over (FooterRule::near_misses).
std::map<std::string, std::vector<std::string>> identifiers_passed_over(const Config& config, const std::string& text,
                                                                       const std::vector<LinkRecord>& links);

}  // namespace govaudit
