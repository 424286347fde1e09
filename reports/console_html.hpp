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
// A whole page: the header names the account when there is one.
std::string frame(const std::string& title, const std::string& body, const Principal* who = nullptr);
HttpResponse not_found_page();
std::string state_tag(ReviewState s);
std::string select(const std::string& field, const std::string& caption, const std::vector<std::pair<std::string, std::string>>& options,
                   const std::string& chosen);
nlohmann::json review_json(const Review* r, ReviewState st);
std::string review_label(ReviewStatus s);  // 确认, 误报, 已整改

}  // namespace govaudit::console
