#pragma once
// The message a group gets after a run: its new findings (新发现 against the previous audit) at or
// above notify.min_severity, POSTed once to notify.webhook as JSON or as the text message that
// 企业微信 and 钉钉 group robots accept. A failed POST is logged and tried again; it never fails the run.
#include <string>

#include "config/config.hpp"
#include "reports/report.hpp"

namespace govaudit {

// The body that would be POSTed, or "" when nothing new reaches the severity.
std::string notification_body(const ReportData& d, const NotifySettings& n);

// Sends it when settings name a webhook and there is something to say; true when sent (or nothing
// to send), false when every attempt failed (logged).
bool notify_new_findings(const ReportData& d, const NotifySettings& n);

}  // namespace govaudit
