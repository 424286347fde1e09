#pragma once
// Citizen messages (留言) as a message box shows them: its list (a table whose header names 留言时间
// and 状态 or 回复时间, or entries that carry a status word) and each message's own page (labelled
// fields: 留言时间, 办理状态, 答复时间, 答复单位, 答复内容), in the words of model/message_words.hpp.
#include <gumbo.h>

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "model/date.hpp"
#include "model/message_words.hpp"

namespace govaudit::extract {


struct Message {
  std::string href;  // the message's page (list rows); "" on the page itself
  std::string title, status, unit;
  std::optional<Date> left, replied;
  bool reply_text = false;  // the page shows a reply's content
  // On the message's own page: the mobile numbers its citizen's fields show unmasked (留言内容,
  // 留言人, 联系方式 …; never the department's reply). Held only until the page is masked.
  std::vector<std::string> phones;
};

// The messages of a table whose header row names a left-time column and a status or reply-time
// column; empty when the table is not a message list.
std::vector<Message> message_table(const GumboNode* table);

// A list entry (li, dd, tr) with a link, a date and a status word; nullopt otherwise.
std::optional<Message> message_entry(const GumboNode* entry);

// The one message a page shows in labelled fields ("留言时间：…" on one line, or a label cell and
// its value on the next line, as table rows read); nullopt unless it names a left time and a status
// or a reply.
std::optional<Message> message_page(std::string_view text);

}  // namespace govaudit::extract
