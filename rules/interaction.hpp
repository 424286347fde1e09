#pragma once
// 互动交流: citizen messages (留言) as the crawler read them from message boxes' lists and the
// messages' own pages.
//   interaction.unanswered    a message left within the window before the audit date (12 months),
//                             more than `unanswered_months` (3) before it, still without a reply
//   interaction.reply_stale   the newest reply of a box is older than `reply_stale_months` (2), or
//                             the box shows no reply at all
//   interaction.manual_check  a box on another host (a provincial platform) or one whose messages
//                             could not be read: for a person to open, never guessed
#include "model/measures.hpp"
#include "rules/rule.hpp"

namespace govaudit {

// The boxes of a site, merged from list rows and message pages.
std::vector<MessageBox> message_boxes(const SiteView& site, const RuleContext& ctx);

class InteractionRule : public Rule {
 public:
  std::vector<std::string> ids() const override {
    return {"interaction.unanswered", "interaction.reply_stale", "interaction.manual_check"};
  }
  std::vector<Finding> check(const SiteView& site, const RuleContext& ctx) const override;
};

}  // namespace govaudit
