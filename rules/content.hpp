#pragma once
// Content safety: what commercial monitors sell first and the national indicators veto.
//   privacy.id_number       a page or attachment shows resident ID numbers (the crawler found and
//                           masked them; the numbers themselves are never stored)
//   privacy.phone_number    a citizen message's page shows the citizen's mobile number unmasked (the
//                           crawler read it from the citizen's fields, never the reply, and masked it)
//   security.hidden_link    a link hidden from readers leads off the site to a non-government host
//   wording.serious_error   the state's name, the Party or a state body written wrong (严重)
//   wording.suspected_error a common misspelling, for a person to confirm (疑似; not scored)
//   wording.outdated_name   a page published after a reform names an abolished institution as current
#include "rules/rule.hpp"

namespace govaudit {

class PrivacyRule : public Rule {
 public:
  std::vector<std::string> ids() const override { return {"privacy.id_number", "privacy.phone_number", "privacy.manual_check"}; }
  std::vector<Finding> check(const SiteView& site, const RuleContext& ctx) const override;
};

class HiddenLinkRule : public Rule {
 public:
  std::vector<std::string> ids() const override { return {"security.hidden_link"}; }
  std::vector<Finding> check(const SiteView& site, const RuleContext& ctx) const override;
};

// True when `host` is a government host by the config's label runs (gov.cn …).
bool government_host(const std::string& host, const ContentRules& rules);

class WordingRule : public Rule {
 public:
  explicit WordingRule(const ContentRules& rules);
  std::vector<std::string> ids() const override {
    return {"wording.serious_error", "wording.suspected_error", "wording.outdated_name"};
  }
  std::vector<Finding> check(const SiteView& site, const RuleContext& ctx) const override;
  bool reads_all_texts() const override { return true; }

  struct Hit {
    size_t entry;  // index into the patterns
    size_t pos;    // byte offset in the text
  };
  // Every occurrence of a pattern in `text`, in order (one pass over the text).
  std::vector<Hit> scan(std::string_view text) const;

 private:
  struct Pattern {
    std::string text;
    int wording = -1;   // index into rules_.wording, or
    int outdated = -1;  // into rules_.outdated
  };
  ContentRules rules_;
  std::vector<Pattern> patterns_;
  std::vector<std::vector<size_t>> by_lead_;  // first UTF-8 character's hash -> patterns
};

// The sentence around byte `pos` of `text` (between 。！？；or line ends), cut to a readable length.
std::string sentence_at(std::string_view text, size_t pos, size_t len);

}  // namespace govaudit
