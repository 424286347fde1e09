#include "crawler/engine/fetch_policy.hpp"

#include <algorithm>
#include <cctype>

#include "model/url.hpp"

namespace govaudit::fetch_policy {

bool is_challenge(int status, std::string_view body) {
  if (status != 412 && status != 202 && status != 200 && status != 403) return false;
  if (body.empty() || body.size() > 16 * 1024 || body.find("<script") == std::string_view::npos) return false;
  if (status == 412) return true;
  // A 200/202/403 counts only when the page is nothing but a script that sets a cookie and reloads
  // (the cheap tests first: every page under 16 KB comes here).
  if (body.find("document.cookie") == std::string_view::npos) return false;
  if (body.find("location.reload") == std::string_view::npos && body.find("location.href") == std::string_view::npos &&
      body.find("location.replace") == std::string_view::npos)
    return false;
  std::string visible(body);
  for (size_t a; (a = visible.find("<script")) != std::string::npos;) {
    size_t b = visible.find("</script>", a);
    visible.erase(a, b == std::string::npos ? std::string::npos : b + 9 - a);
  }
  size_t letters = 0;
  bool in_tag = false;
  for (char c : visible) {
    if (c == '<') in_tag = true;
    else if (c == '>') in_tag = false;
    else if (!in_tag && !std::isspace(static_cast<unsigned char>(c))) ++letters;
  }
  return letters < 40;
}

bool is_transient(const FetchResult& r, bool refusal_may_pass) {
  if (r.error_kind == ErrorKind::Connect && r.connection_refused && !refusal_may_pass) return false;
  if (r.error_kind == ErrorKind::Timeout || r.error_kind == ErrorKind::Network || r.error_kind == ErrorKind::Connect) return true;
  return r.error_kind == ErrorKind::None && (r.status >= 500 || r.status == 429);
}

bool refuses_head(const FetchResult& r) {
  return r.error_kind == ErrorKind::None && (r.status == 405 || r.status == 501 || r.status == 403 || r.status == 412);
}

long retry_delay_ms(int attempt, int backoff_ms, long retry_after_s) {
  if (retry_after_s > 0) return std::min<long>(retry_after_s, 120) * 1000;
  return long(backoff_ms) << std::max(0, attempt - 1);
}

bool is_redirect(const FetchResult& r) {
  return r.error_kind == ErrorKind::None && r.status >= 300 && r.status < 400 && !r.location.empty();
}

Hop next_redirect(const std::vector<Redirect>& chain, const std::string& location) {
  auto next = url::normalize(location);
  if (!next) return {"", "redirect to an unusable URL: " + location};
  if (std::any_of(chain.begin(), chain.end(), [&](const Redirect& r) { return r.url == *next; }))
    return {"", "redirect loop via " + *next};
  if (chain.size() > kMaxRedirects) return {"", "more than " + std::to_string(kMaxRedirects) + " redirects"};
  return {*next, ""};
}

}  // namespace govaudit::fetch_policy
