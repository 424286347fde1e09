#pragma once
// Citizen messages (留言) as a message box shows them: its list (a table whose header names 留言时间
// and 状态 or 回复时间, or entries that carry a status word) and each message's own page (labelled
// fields: 留言时间, 办理状态, 答复时间, 答复单位, 答复内容). Labels and status words are data
// (MessageWords) so that a province's own wording can be added.
#include <gumbo.h>

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "model/date.hpp"

namespace govaudit::extract {

struct MessageWords {
  std::vector<std::string> title{"留言标题", "信件标题", "来信标题", "咨询标题", "标题", "主题", "事项"};
  std::vector<std::string> left{"留言时间", "来信时间", "提问时间", "咨询时间", "写信时间", "投诉时间", "提交时间",
                                "留言日期", "来信日期", "咨询日期", "发信时间", "受理时间"};
  std::vector<std::string> status{"办理状态", "处理状态", "回复状态", "答复状态", "状态"};
  std::vector<std::string> replied{"回复时间", "答复时间", "办结时间", "回复日期", "答复日期", "反馈时间"};
  std::vector<std::string> unit{"答复单位", "回复单位", "办理单位", "承办单位", "受理单位", "答复部门", "回复部门"};
  std::vector<std::string> reply_text{"答复内容", "回复内容", "办理结果", "答复意见", "回复意见"};
  std::vector<std::string> open{"未回复", "待回复", "未答复", "办理中", "处理中", "未办结", "待处理", "已受理", "受理中"};
  std::vector<std::string> answered{"已回复", "已答复", "已办结", "已处理", "已反馈", "办结"};
};
const MessageWords& message_words();

struct Message {
  std::string href;  // the message's page (list rows); "" on the page itself
  std::string title, status, unit;
  std::optional<Date> left, replied;
  bool reply_text = false;  // the page shows a reply's content
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
