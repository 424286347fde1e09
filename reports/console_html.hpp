#pragma once
// What the console's two halves share (console.cpp: access and the API; console_pages.cpp: pages):
// responses with the console's own headers, the page frame, and small widgets.
#include <nlohmann/json.hpp>
#include <string>
#include <utility>
#include <vector>

#include "model/review.hpp"
#include "reports/console.hpp"

namespace govaudit::console {

HttpResponse html(std::string body, int status = 200);
HttpResponse json_response(const nlohmann::json& j, int status = 200);
HttpResponse redirect(const std::string& to);
// The words are config's ([wording.console], [wording.columns] console_*).
// A whole page: the header names the account when there is one.
std::string frame(const Config& cfg, const std::string& title, const std::string& body, const Principal* who = nullptr);
HttpResponse not_found_page(const Config& cfg);
// A page that only says `words` (a [wording.console] key), with a link back when `back` is given.
HttpResponse message_page(const Config& cfg, int status, const std::string& title, const std::string& words,
                          const Principal* who = nullptr, const std::string& back = "");
std::string state_tag(ReviewState s);
std::string select(const Config& cfg, const std::string& field, const std::string& caption,
                   const std::vector<std::pair<std::string, std::string>>& options, const std::string& chosen);
nlohmann::json review_json(const Review* r, ReviewState st);
std::string review_label(const Config& cfg, ReviewStatus s);  // 确认, 误报, 已整改

}  // namespace govaudit::console
