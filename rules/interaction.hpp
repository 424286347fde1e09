#pragma once
// 互动交流: citizen messages (留言) as the crawler read them from message boxes' lists and the
// messages' own pages.
//   interaction.unanswered    a message left within the window before the audit date (12 months),
//                             more than `unanswered_months` (3) before it, still without a reply
//   interaction.reply_stale   the newest reply of a box is older than `reply_stale_months` (2), or
//                             the box shows no reply at all
//   interaction.manual_check  a box on another host (a provincial platform) or one whose messages
//                             could not be read: for a person to open, never guessed
#include "rules/rule.hpp"

namespace govaudit {

// One message box as the report shows it.
struct MessageBox {
  std::string name, url;  // name as its page gives it; its (first) list page
  int messages = 0, answered = 0;
  std::optional<Date> newest_reply;
  double median_days = -1;  // left → replied, over answered messages with both dates; -1 when none
  std::vector<MessageRecord> unanswered;  // open past the limit (the rule's findings)
  bool excluded = false;                         // a box the indicators do not judge (网上信访)
};

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
