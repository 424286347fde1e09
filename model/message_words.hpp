#pragma once
// The words of citizen message boxes (留言): the labels of their fields and the status words, shared
// by the crawler that reads them and the rule that judges them.
#include <string>
#include <string_view>
#include <vector>

namespace govaudit {

struct MessageWords {
  std::vector<std::string> title{"留言标题", "信件标题", "来信标题", "咨询标题", "标题", "主题", "事项"};
  std::vector<std::string> left{"留言时间", "来信时间", "提问时间", "咨询时间", "写信时间", "投诉时间", "提交时间",
                                "留言日期", "来信日期", "咨询日期", "发信时间"};
  std::vector<std::string> status{"办理状态", "处理状态", "回复状态", "答复状态", "状态"};
  std::vector<std::string> replied{"回复时间", "答复时间", "办结时间", "回复日期", "答复日期", "反馈时间"};
  std::vector<std::string> unit{"答复单位", "回复单位", "办理单位", "承办单位", "受理单位", "答复部门", "回复部门"};
  std::vector<std::string> reply_text{"答复内容", "回复内容", "办理结果", "答复意见", "回复意见"};
  // The citizen's own fields on a message's page: its text, and who left it and how to reach them.
  std::vector<std::string> content{"留言内容", "来信内容", "咨询内容", "信件内容", "投诉内容", "诉求内容", "反映内容",
                                   "问题描述", "问题内容", "具体内容"};
  std::vector<std::string> citizen{"留言人", "来信人", "写信人", "咨询人", "投诉人", "提问人", "联系方式", "联系电话",
                                   "手机号码", "手机号", "电话号码"};
  std::vector<std::string> open{"未回复", "待回复", "未答复", "办理中", "处理中", "未办结", "待处理", "已受理", "受理中"};
  std::vector<std::string> answered{"已回复", "已答复", "已办结", "已处理", "已反馈", "办结"};
};
const MessageWords& message_words();

// True when a status as written says the message was answered (已回复, 已办结 …) and not that it is
// still open (未回复, 办理中 …).
bool answered_status(std::string_view status);

}  // namespace govaudit
