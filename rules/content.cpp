#include "rules/content.hpp"

#include <algorithm>
#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <unordered_map>

#include "model/strings.hpp"
#include "model/url.hpp"

namespace govaudit {

using nlohmann::json;

namespace {

std::string dump(const json& j) { return j.dump(-1, ' ', false, json::error_handler_t::replace); }

size_t utf8_len(unsigned char c) { return c < 0x80 ? 1 : c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : c >= 0xC0 ? 2 : 1; }

size_t lead_hash(std::string_view s, size_t pos, size_t buckets) {
  size_t n = std::min(utf8_len(static_cast<unsigned char>(s[pos])), s.size() - pos);
  size_t h = 0;
  for (size_t i = 0; i < n; ++i) h = h * 131 + static_cast<unsigned char>(s[pos + i]);
  return h % buckets;
}
constexpr size_t kBuckets = 4096;

// Pages whose text a reader sees as the site's own content (not other hosts' answers).
bool own_page(const PageRecord& p) {
  return (p.kind == PageKind::Home || p.kind == PageKind::Article || p.kind == PageKind::List || p.kind == PageKind::Page) &&
         p.error_kind == ErrorKind::None && p.status >= 200 && p.status < 300 && p.duplicate_of.empty();
}

// The page that links `url` first, for the finding's evidence page.
std::unordered_map<std::string, std::string> first_linking(const SiteView& site) {
  std::unordered_map<std::string, std::string> out;
  for (auto l : site.links) out.emplace(l.to_url, l.from_url);
  return out;
}

}  // namespace

bool government_host(const std::string& host, const ContentRules& rules) {
  for (auto& g : rules.government_hosts)
    if (url::host_has_labels(host, g)) return true;
  return false;
}

std::string sentence_at(std::string_view text, size_t pos, size_t len) {
  static const std::string_view stops[] = {"。", "！", "？", "；", "\n"};
  size_t b = 0, e = text.size();
  for (auto s : stops) {
    if (size_t p = text.rfind(s, pos); p != std::string_view::npos) b = std::max(b, p + s.size());
    if (size_t p = text.find(s, pos + len); p != std::string_view::npos) e = std::min(e, p + (s == "\n" ? 0 : s.size()));
  }
  constexpr size_t kSide = 150;
  if (pos - b > kSide) b = pos - kSide;
  if (e > pos + len + kSide) e = pos + len + kSide;
  while (b > 0 && (static_cast<unsigned char>(text[b]) & 0xC0) == 0x80) --b;
  while (e < text.size() && (static_cast<unsigned char>(text[e]) & 0xC0) == 0x80) ++e;
  std::string out(text.substr(b, e - b));
  for (char& c : out)
    if (c == '\t' || c == '\r') c = ' ';
  // U+3000 indents and spaces at the ends say nothing.
  while (out.rfind("\xE3\x80\x80", 0) == 0) out.erase(0, 3);
  while (!out.empty() && out.front() == ' ') out.erase(0, 1);
  return out;
}

// ---- privacy.id_number, privacy.phone_number

std::vector<Finding> PrivacyRule::check(const SiteView& site, const RuleContext&) const {
  std::vector<Finding> out;
  std::unordered_map<std::string, std::string> linking;  // made when first needed
  auto linked_from = [&](const std::string& u) -> const std::string* {
    if (linking.empty()) linking = first_linking(site);
    auto it = linking.find(u);
    return it == linking.end() ? nullptr : &it->second;
  };
  const PageTable& pages = site.page_table();
  for (size_t i = 0; i < pages.size(); ++i) {
    bool attachment = pages[i].kind == PageKind::Attachment;
    if (!attachment && pages[i].duplicate) continue;
    if (!pages[i].shows_ids && !(attachment && pages[i].unread)) continue;
    auto record = site.page_at(i);
    const PageRecord& p = *record;
    if (!p.id_numbers.empty()) {
      json seen = json::array();
      for (auto& s : p.id_numbers) seen.push_back({{"number", s.number}, {"context", s.context}});
      json d = {{"id_numbers", p.id_count}, {"seen", seen}, {"attachment", attachment}};
      std::string at = p.url;
      if (attachment)
        if (auto l = linked_from(p.url)) at = *l, d["linked_from"] = *l;
      out.push_back({site.site.id, "privacy.id_number", p.url, at, dump(d)});
    } else {
      // An attachment that could not be read may still leak: a person opens it.
      json d = {{"reason", p.content_note}};
      std::string at = p.url;
      if (auto l = linked_from(p.url)) at = *l, d["linked_from"] = *l;
      out.push_back({site.site.id, "privacy.manual_check", p.url, at, dump(d)});
    }
  }
  std::set<std::string> leaking;  // one finding per message page
  for (auto& m : site.messages)
    if (m.list_url.empty() && m.phone_numbers > 0 && leaking.insert(m.url).second)
      out.push_back({site.site.id, "privacy.phone_number", m.url, m.url, dump(json{{"phone_numbers", m.phone_numbers}})});
  return out;
}

// ---- security.hidden_link

std::vector<Finding> HiddenLinkRule::check(const SiteView& site, const RuleContext& ctx) const {
  const ContentRules& rules = ctx.config->content;
  struct Use {
    std::set<std::string_view> from;  // every page carrying it
    std::vector<std::string> pages;   // the first few, for the report
    std::string how, text;
    std::set<std::string> words;
  };
  std::map<std::string, Use> hidden;  // by target, ordered for stable output
  for (auto l : site.links) {
    if (l.hidden.empty() || (l.tag != "a" && l.tag != "area")) continue;
    std::string to(l.to_url), host = url::host_of(to);
    if (host.empty() || government_host(host, rules)) continue;
    if (std::any_of(rules.benign_hidden_hosts.begin(), rules.benign_hidden_hosts.end(),
                    [&](auto& b) { return url::host_has_labels(host, b); }) ||
        std::any_of(rules.benign_hidden_urls.begin(), rules.benign_hidden_urls.end(),
                    [&](auto& b) { return l.to_url.find(b) != std::string::npos; }))
      continue;
    if (std::find(site.site.hosts.begin(), site.site.hosts.end(), host) != site.site.hosts.end()) continue;
    std::string where = ascii_lower(std::string(l.text) + " " + to);
    bool prohibited = std::any_of(rules.spam_words.begin(), rules.spam_words.end(),
                                  [&](auto& w) { return where.find(ascii_lower(w)) != std::string::npos; });
    bool in_menu = l.hidden.size() >= kHiddenInMenu.size() && l.hidden.compare(l.hidden.size() - kHiddenInMenu.size(), std::string::npos, kHiddenInMenu) == 0;
    if (in_menu && !prohibited) continue;  // the site's own drop-down, tab or mobile bar
    Use& u = hidden[to];
    if (!u.from.insert(l.from_url).second) continue;
    if (u.pages.size() < 5) u.pages.emplace_back(l.from_url);
    if (u.how.empty()) u.how = l.hidden, u.text = l.text;
    for (auto& w : rules.spam_words)
      if (where.find(ascii_lower(w)) != std::string::npos) u.words.insert(w);
  }
  std::vector<Finding> out;
  for (auto& [to, u] : hidden) {
    json d = {{"hidden_by", u.how}, {"text", u.text}, {"linked_from_pages", u.from.size()}, {"found_on", u.pages}};
    if (!u.words.empty()) d["prohibited_words"] = u.words;
    out.push_back({site.site.id, "security.hidden_link", to, u.pages.front(), dump(d)});
  }
  return out;
}

// ---- wording.*

WordingRule::WordingRule(const ContentRules& rules) : rules_(rules), by_lead_(kBuckets) {
  for (size_t i = 0; i < rules_.wording.size(); ++i) patterns_.push_back({rules_.wording[i].wrong, int(i), -1});
  for (size_t i = 0; i < rules_.outdated.size(); ++i) patterns_.push_back({rules_.outdated[i].name, -1, int(i)});
  for (size_t i = 0; i < patterns_.size(); ++i)
    if (!patterns_[i].text.empty()) by_lead_[lead_hash(patterns_[i].text, 0, kBuckets)].push_back(i);
}

std::vector<WordingRule::Hit> WordingRule::scan(std::string_view text) const {
  std::vector<Hit> out;
  for (size_t pos = 0; pos < text.size(); pos += utf8_len(static_cast<unsigned char>(text[pos]))) {
    if (static_cast<unsigned char>(text[pos]) < 0x80) continue;  // every pattern starts with a Chinese character
    for (size_t i : by_lead_[lead_hash(text, pos, kBuckets)])
      if (text.compare(pos, patterns_[i].text.size(), patterns_[i].text) == 0) out.push_back({i, pos});
  }
  return out;
}

std::vector<Finding> WordingRule::check(const SiteView& site, const RuleContext&) const {
  std::vector<Finding> out;
  auto ends_with = [](std::string_view s, size_t end, const std::string& w) {
    return end >= w.size() && s.compare(end - w.size(), w.size(), w) == 0;
  };
  // Link texts by page, made when first needed: a link naming an old document is a reference.
  std::unordered_map<std::string_view, std::vector<std::string_view>> link_texts;
  bool indexed = false;
  auto in_link = [&](const std::string& page, std::string_view text, size_t pos) {
    if (!indexed) {
      for (auto l : site.links)
        if (l.tag == "a" && !l.text.empty()) link_texts[l.from_url].push_back(l.text);
      indexed = true;
    }
    size_t b = text.rfind('\n', pos), e = text.find('\n', pos);
    std::string_view line = text.substr(b == std::string_view::npos ? 0 : b + 1, (e == std::string_view::npos ? text.size() : e) - (b == std::string_view::npos ? 0 : b + 1));
    auto it = link_texts.find(page);
    if (it == link_texts.end()) return false;
    return std::any_of(it->second.begin(), it->second.end(), [&](std::string_view t) {
      return t.find(line) != std::string_view::npos || (line.find(t) != std::string_view::npos && t.size() * 2 >= line.size());
    });
  };
  site.each_page([&](const PageRecord& p) {
    if (!own_page(p)) return;
    std::string text = site.text_of(p);
    auto hits = scan(text);
    if (hits.empty()) return;
    json serious = json::array(), suspected = json::array(), outdated = json::array();
    std::set<size_t> reported;
    for (auto& h : hits) {
      const Pattern& pat = patterns_[h.entry];
      if (pat.wording >= 0) {
        const WordingEntry& w = rules_.wording[size_t(pat.wording)];
        if (!reported.insert(h.entry).second) continue;
        json e = {{"wrong", w.wrong}, {"right", w.right}, {"sentence", sentence_at(text, h.pos, w.wrong.size())}};
        (w.serious ? serious : suspected).push_back(e);
      } else {
        const OutdatedName& o = rules_.outdated[size_t(pat.outdated)];
        auto since = Date::parse_iso(o.since);
        if (p.kind != PageKind::Article || !p.published || (since && *p.published < *since)) continue;
        // Inside 《》 the name is part of a cited document's title.
        std::string_view t = text;
        size_t open = t.rfind("《", h.pos), close = t.rfind("》", h.pos), line = t.rfind('\n', h.pos);
        bool cited = open != std::string_view::npos && (close == std::string_view::npos || close < open) &&
                     (line == std::string_view::npos || line < open);
        if (cited || in_link(p.url, text, h.pos)) continue;
        bool history = std::any_of(rules_.outdated_not_after.begin(), rules_.outdated_not_after.end(),
                                   [&](auto& w) { return ends_with(text, h.pos, w); });
        size_t end = h.pos + o.name.size();
        bool other_word = std::any_of(rules_.outdated_not_before.begin(), rules_.outdated_not_before.end(),
                                      [&](auto& w) { return text.compare(end, w.size(), w) == 0; });
        if (history || other_word || !reported.insert(h.entry).second) continue;
        outdated.push_back({{"name", o.name}, {"now", o.now}, {"sentence", sentence_at(text, h.pos, o.name.size())}});
      }
    }
    auto names = [](const json& list, const char* key) {
      json a = json::array();
      for (auto& e : list) a.push_back(e[key]);
      return a;
    };
    if (!serious.empty())
      out.push_back({site.site.id, "wording.serious_error", p.url, p.url,
                     dump({{"wrong", names(serious, "wrong")}, {"right", names(serious, "right")}, {"errors", serious}})});
    if (!suspected.empty())
      out.push_back({site.site.id, "wording.suspected_error", p.url, p.url,
                     dump({{"wrong", names(suspected, "wrong")}, {"right", names(suspected, "right")}, {"errors", suspected}})});
    if (!outdated.empty())
      out.push_back({site.site.id, "wording.outdated_name", p.url, p.url,
                     dump({{"published", p.published->iso()}, {"names", names(outdated, "name")}, {"now", names(outdated, "now")},
                           {"uses", outdated}})});
  }, true);  // with the texts: it reads them all
  return out;
}

}  // namespace govaudit
