#include "rules/interaction.hpp"

#include <algorithm>
#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <unordered_map>

#include "model/message_words.hpp"
#include "model/url.hpp"

namespace govaudit {

using nlohmann::json;

namespace {

// A message as both its list row and its page tell it: the page's fields win where it has them.
struct Merged {
  MessageRecord m;
  std::string list_url;
};

bool answered(const MessageRecord& m) { return m.replied || m.reply_text || answered_status(m.status); }

bool names_any(std::string_view s, const std::vector<std::string>& names) {
  return std::any_of(names.begin(), names.end(), [&](auto& n) { return s.find(n) != std::string::npos; });
}

}  // namespace

std::vector<MessageBox> message_boxes(const SiteView& site, const RuleContext& ctx) {
  const InteractionRules& ir = ctx.config->interaction;
  Date limit = ctx.today.minus_months(ir.unanswered_months), window = ctx.today.minus_months(ir.window_months);
  std::map<std::string, std::shared_ptr<const PageRecord>> pages;  // list pages by URL, read once
  auto page = [&](const std::string& u) -> const PageRecord* {
    auto [it, fresh] = pages.try_emplace(u);
    if (fresh)
      if (auto i = site.page_table().own(u)) it->second = site.page_at(*i);
    return it->second.get();
  };
  std::map<std::string, Merged> msgs;  // by the message's URL
  for (auto& r : site.messages)
    if (!r.list_url.empty()) {
      auto& x = msgs[r.url];
      if (x.list_url.empty()) x.m = r, x.list_url = r.list_url;
    }
  for (auto& r : site.messages)
    if (r.list_url.empty()) {
      auto& x = msgs[r.url];
      MessageRecord& m = x.m;
      if (m.url.empty()) m = r;
      if (r.left) m.left = r.left;
      if (r.replied) m.replied = r.replied;
      if (!r.status.empty()) m.status = r.status;
      if (!r.unit.empty()) m.unit = r.unit;
      m.reply_text = m.reply_text || r.reply_text;
      if (m.title.empty()) m.title = r.title;
    }
  // A box is the column its list pages name (the pages of one paged list), else one list page.
  std::map<std::string, MessageBox> boxes;
  std::map<std::string, std::vector<Merged*>> members;
  auto box_of = [&](const std::string& list_url) -> std::string {
    const PageRecord* p = page(list_url);
    std::string key = p && !p->column.empty() ? p->column : list_url;
    MessageBox& b = boxes[key];
    int depth = p ? p->depth : 1000;
    auto better = [&](const std::string& u) {
      const PageRecord* o = b.url.empty() ? nullptr : page(b.url);
      int od = o ? o->depth : 1000;
      return b.url.empty() || depth < od || (depth == od && u.size() < b.url.size());
    };
    if (better(list_url)) b.url = list_url;
    if (b.name.empty() && p) b.name = !p->column.empty() ? p->column : p->title;
    return key;
  };
  std::vector<Merged*> alone;  // messages read only on their own pages
  for (auto& [u, x] : msgs) {
    if (x.list_url.empty()) alone.push_back(&x);
    else members[box_of(x.list_url)].push_back(&x);
  }
  if (!alone.empty()) {
    MessageBox& b = boxes["\x01pages"];
    b.name = "留言详情页";
    members["\x01pages"] = alone;
  }
  std::vector<MessageBox> out;
  for (auto& [key, b] : boxes) {
    b.excluded = names_any(b.name, ir.excluded);
    std::vector<int> days;
    for (Merged* x : members[key]) {
      const MessageRecord& m = x->m;
      ++b.messages;
      if (answered(m)) {
        ++b.answered;
        if (m.left && m.replied && *m.replied >= *m.left) days.push_back(m.replied->days_since(*m.left));
      } else if (m.left && *m.left >= window && *m.left < limit) {
        b.unanswered.push_back(m);
      }
      if (m.replied && (!b.newest_reply || *m.replied > *b.newest_reply)) b.newest_reply = m.replied;
    }
    if (!days.empty()) {
      std::sort(days.begin(), days.end());
      size_t n = days.size();
      b.median_days = n % 2 ? days[n / 2] : (days[n / 2 - 1] + days[n / 2]) / 2.0;
    }
    if (key == "\x01pages") b.url.clear();
    out.push_back(std::move(b));
  }
  return out;
}

std::vector<Finding> InteractionRule::check(const SiteView& site, const RuleContext& ctx) const {
  const InteractionRules& ir = ctx.config->interaction;
  std::vector<Finding> out;
  auto boxes = message_boxes(site, ctx);
  Date stale = ctx.today.minus_months(ir.reply_stale_months);
  for (auto& b : boxes) {
    if (b.excluded) continue;
    for (const MessageRecord& m : b.unanswered)
      out.push_back({site.site.id, "interaction.unanswered", m.url, b.url.empty() ? m.url : b.url,
                     json{{"box", b.name}, {"left", m.left->iso()}, {"message_status", m.status}, {"title", m.title},
                          {"months_limit", ir.unanswered_months}}
                         .dump(-1, ' ', false, json::error_handler_t::replace)});
    if (!b.url.empty() && (!b.newest_reply || *b.newest_reply < stale)) {
      json d = {{"box", b.name}, {"messages", b.messages}, {"answered", b.answered}, {"months_limit", ir.reply_stale_months}};
      d["newest_reply"] = b.newest_reply ? json(b.newest_reply->iso()) : json(nullptr);
      out.push_back({site.site.id, "interaction.reply_stale", b.url, b.url, d.dump(-1, ' ', false, json::error_handler_t::replace)});
    }
  }
  // Boxes a person has to open: on another host, or named on the site but never read.
  std::set<std::string> offsite;
  std::string home_host = url::host_of(site.site.homepage);
  for (auto l : site.links) {
    if (l.tag != "a" || !names_any(l.text, ir.boxes) || names_any(l.text, ir.excluded)) continue;
    std::string to(l.to_url), host = url::host_of(to);
    if (host.empty() || std::find(site.site.hosts.begin(), site.site.hosts.end(), host) != site.site.hosts.end()) continue;
    if (offsite.insert(to).second)
      out.push_back({site.site.id, "interaction.manual_check", to, std::string(l.from_url),
                     json{{"reason", "留言板块位于其他网站（" + host + "），需人工核查留言答复情况"}, {"text", l.text}}.dump()});
  }
  if (boxes.empty())
    site.each_page([&](const PageRecord& p) {
      if ((p.kind == PageKind::List || p.kind == PageKind::Page) && p.status == 200 &&
          (names_any(p.column, ir.boxes) || names_any(p.title, ir.boxes)) && !names_any(p.title, ir.excluded)) {
        out.push_back({site.site.id, "interaction.manual_check", p.url, p.url,
                       json{{"reason", "留言列表未能读取（可能由脚本加载），需人工核查留言答复情况"}}.dump()});
        return false;
      }
      return true;
    });
  return out;
}

}  // namespace govaudit
