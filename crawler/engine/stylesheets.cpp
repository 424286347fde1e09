// The stylesheets a site's pages link on its own hosts: each fetched once per crawl, the first page
// that links one waiting (unparsed) until it is in, so that a link hidden by a rule there is seen
// as one hidden by a <style> block is. Injected spam often arrives that way.
#include <spdlog/spdlog.h>

#include <algorithm>

#include "crawler/engine/engine.hpp"
#include "crawler/extract/styles.hpp"

namespace govaudit::engine {

namespace {
constexpr int kStylesheetsPerSite = 16;  // each at most the 256 KB a checked answer is read to
}

bool Engine::wait_for_stylesheets(Task& t, FetchResult& r, std::vector<std::shared_ptr<const std::string>>& ready) {
  SiteState& s = sites_[t.site];
  std::vector<std::string> sheets, missing;
  for (auto& href : extract::linked_stylesheets(r.body)) {
    auto to = url::resolve(t.url, href);
    auto p = to ? url::parts(*to) : std::nullopt;
    if (!p || !Frontier::in_site_hosts(s, p->host) || std::find(sheets.begin(), sheets.end(), *to) != sheets.end()) continue;
    sheets.push_back(*to);
    if (!styles_.count(*to)) missing.push_back(*to);
  }
  for (auto it = missing.begin(); it != missing.end();) {  // over the bound: read without it
    if (style_waiters_.count(*it) || s.stylesheets < kStylesheetsPerSite) {
      ++it;
      continue;
    }
    limit(s, "stylesheets per site (" + std::to_string(kStylesheetsPerSite) + ")");
    styles_[*it] = nullptr;
    it = missing.erase(it);
  }
  if (missing.empty()) {
    for (auto& u : sheets)
      if (auto& css = styles_[u]) ready.push_back(css);
    return false;
  }
  auto parked = parked_.insert(parked_.end(), Parked{std::move(t), std::move(r), std::move(sheets), int(missing.size())});
  for (auto& u : missing) {
    auto [w, first] = style_waiters_.try_emplace(u);
    w->second.push_back(parked);
    if (!first) continue;  // already asked for
    ++s.stylesheets;
    Task fetch = make_task(parked->t.site, u, parked->t.depth + 1, Mode::Check, false);
    fetch.style = fetch.asking = true;  // its body is wanted: never answered from another check
    add(std::move(fetch), true);
  }
  return true;
}

void Engine::stylesheet_arrived(const std::string& url, const FetchResult& r) {
  bool answered = r.error_kind == ErrorKind::None && r.status >= 200 && r.status < 300;
  styles_[url] = answered ? std::make_shared<const std::string>(r.body) : nullptr;
  if (!answered) spdlog::debug("stylesheet {} did not answer ({}): pages that link it are read without it", url, r.status);
  auto w = style_waiters_.find(url);
  if (w == style_waiters_.end()) return;
  auto pages = std::move(w->second);
  style_waiters_.erase(w);
  for (auto it : pages) {
    if (--it->missing > 0) continue;
    std::vector<std::shared_ptr<const std::string>> ready;
    for (auto& u : it->sheets)
      if (auto& css = styles_[u]) ready.push_back(css);
    Task t = std::move(it->t);
    FetchResult answer = std::move(it->r);
    parked_.erase(it);
    parse(std::move(t), std::move(answer), std::move(ready));
  }
}

}  // namespace govaudit::engine
