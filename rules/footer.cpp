#include "rules/footer.hpp"

#include <unicode/regex.h>
#include <unicode/unistr.h>

#include <nlohmann/json.hpp>

#include "model/url.hpp"

namespace govaudit {

struct FooterRule::Patterns {
  std::vector<std::unique_ptr<icu::RegexPattern>> text;
};

FooterRule::FooterRule(IdentifierSpec spec) : spec_(std::move(spec)), patterns_(std::make_unique<Patterns>()) {
  for (auto& p : spec_.text_patterns) {
    UParseError pe;
    UErrorCode err = U_ZERO_ERROR;
    std::unique_ptr<icu::RegexPattern> re(
        icu::RegexPattern::compile(icu::UnicodeString::fromUTF8(p), UREGEX_CASE_INSENSITIVE | UREGEX_MULTILINE, pe, err));
    if (U_FAILURE(err))
      throw ConfigError("identifiers." + spec_.key + ".text: bad pattern '" + p + "' at offset " +
                        std::to_string(pe.offset) + ": " + u_errorName(err));
    patterns_->text.push_back(std::move(re));
  }
}

FooterRule::~FooterRule() = default;

std::string FooterRule::evidence(const std::string& text, const std::vector<const LinkRecord*>& links) const {
  icu::UnicodeString u = icu::UnicodeString::fromUTF8(text);
  for (auto& re : patterns_->text) {
    UErrorCode err = U_ZERO_ERROR;
    std::unique_ptr<icu::RegexMatcher> m(re->matcher(u, err));
    if (U_SUCCESS(err) && m->find(err) && U_SUCCESS(err)) {
      std::string s;
      m->group(err).toUTF8String(s);
      return s;
    }
  }
  for (const LinkRecord* l : links) {
    auto p = url::parts(l->to_url);
    if (!p) continue;
    for (auto& h : spec_.hosts)
      if (url::host_has_labels(p->host, h)) return l->tag + " " + l->to_url;
    for (auto& part : spec_.url_contains)
      if (l->to_url.find(part) != std::string::npos) return l->tag + " " + l->to_url;
    // Anchor and alt text of links count as shown text too.
    if (!l->text.empty()) {
      icu::UnicodeString lt = icu::UnicodeString::fromUTF8(l->text);
      for (auto& re : patterns_->text) {
        UErrorCode err = U_ZERO_ERROR;
        std::unique_ptr<icu::RegexMatcher> m(re->matcher(lt, err));
        if (U_SUCCESS(err) && m->find(err) && U_SUCCESS(err)) return l->text;
      }
    }
  }
  return {};
}

std::vector<std::string> FooterRule::near_misses(const std::string& text, const std::vector<const LinkRecord*>& links) const {
  std::vector<std::string> out;
  auto hinted = [&](std::string_view s) {
    return std::any_of(spec_.hints.begin(), spec_.hints.end(), [&](auto& h) { return s.find(h) != std::string_view::npos; });
  };
  for (size_t a = 0; a < text.size() && out.size() < 4;) {
    size_t b = text.find('\n', a);
    if (b == std::string::npos) b = text.size();
    std::string_view line(text.data() + a, b - a);
    if (line.size() < 200 && hinted(line) && evidence(std::string(line), {}).empty()) out.push_back("text: " + std::string(line));
    a = b + 1;
  }
  for (const LinkRecord* l : links) {
    if (out.size() >= 4) break;
    if ((hinted(l->to_url) || hinted(l->text)) && evidence("", {l}).empty())
      out.push_back(l->tag + " " + l->to_url + (l->text.empty() ? "" : " (" + l->text + ")"));
  }
  return out;
}

std::map<std::string, std::vector<std::string>> identifiers_passed_over(const Config& config, const std::string& text,
                                                                       const std::vector<LinkRecord>& links) {
  std::vector<const LinkRecord*> ptrs;
  for (auto& l : links) ptrs.push_back(&l);
  std::map<std::string, std::vector<std::string>> out;
  for (auto& spec : config.identifiers) out[spec.key] = FooterRule(spec).near_misses(text, ptrs);
  return out;
}

std::vector<Finding> FooterRule::check(const SiteView& site, const RuleContext&) const {
  const PageRecord* home = site.homepage();
  if (!home) return {};
  std::vector<LinkRecord> own;  // the homepage's
  for (auto l : site.links)
    if (l.from_url == home->url) own.push_back(l.record());
  std::vector<const LinkRecord*> links;
  for (auto& l : own) links.push_back(&l);
  if (!evidence(home->text, links).empty()) return {};
  nlohmann::json d = {{"identifier", spec_.name}, {"homepage", home->final_url}, {"links_checked", links.size()}};
  return {Finding{site.site.id, spec_.rule, homepage_host(site), home->final_url, d.dump()}};
}

std::map<std::string, std::string> identifiers_shown(const Config& config, const std::string& text,
                                                     const std::vector<LinkRecord>& links) {
  std::vector<const LinkRecord*> ptrs;
  for (auto& l : links) ptrs.push_back(&l);
  std::map<std::string, std::string> out;
  for (auto& spec : config.identifiers) out[spec.key] = FooterRule(spec).evidence(text, ptrs);
  return out;
}

}  // namespace govaudit
