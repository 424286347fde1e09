#include "rules/interpretation.hpp"

#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <unordered_map>

#include "rules/columns.hpp"
#include "rules/text.hpp"

namespace govaudit {
namespace {

const std::string kOpen = "《", kClose = "》";

void strip(std::string& s, const std::string& prefix_marker, const std::string& suffix) {
  if (auto p = s.find(prefix_marker); p != std::string::npos) s = s.substr(p + prefix_marker.size());
  if (s.size() >= suffix.size() && s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0)
    s.resize(s.size() - suffix.size());
}

struct Doc {
  ItemRef item;
  std::optional<size_t> page;  // in the site's page table
  std::optional<Date> date;
};

}  // namespace

bool looks_like_interpretation(const std::string& title) {
  for (const char* w : {"解读", "图解", "一图读懂", "答记者问", "政策问答"})
    if (title.find(w) != std::string::npos) return true;
  return false;
}

std::vector<std::string> policy_keys(const std::string& title) {
  std::vector<std::string> keys;
  auto add = [&](std::string k) {
    k = text::normalize_name(k);
    if (k.size() >= 12 && std::find(keys.begin(), keys.end(), k) == keys.end()) keys.push_back(k);  // >= 4 CJK chars
  };
  // The innermost 《…》 (a title may nest 〈〉 or 《》 inside the outer pair).
  size_t close = title.find(kClose);
  if (close != std::string::npos) {
    size_t open = title.rfind(kOpen, close);
    if (open != std::string::npos) {
      std::string inner = title.substr(open + kOpen.size(), close - open - kOpen.size());
      add(inner);
      std::string s = inner;
      strip(s, "关于印发", "的通知");
      add(s);
    }
  } else {
    add(title);
    std::string s = title;
    strip(s, "关于印发", "的通知");
    add(s);
  }
  return keys;
}

namespace {

// Pairs each policy document of a site with its interpretation: by links between their pages
// first, then by the policy named in both titles.
class Pairing {
 public:
  Pairing(const SiteView& site, const RuleContext& ctx) : site_(site), ctx_(ctx), pages_(site.page_table()) {
    gather(*column_index(site, ctx));
    if (docs.empty()) return;
    link();
  }

  std::vector<Finding> judge() const {
    std::vector<Finding> out;
    for (size_t di = 0; di < docs.size(); ++di) judge(di, out);
    return out;
  }

  std::vector<Doc> docs, interps;

 private:
  // A page's own URL wins over another record's redirect target.
  std::optional<size_t> page_of(std::string_view u) const { return pages_.find(u); }
  // The date a reader sees on the page itself, else the list's.
  std::optional<Date> date_of(const ItemRef& i, std::optional<size_t> p) const {
    if (p && pages_[*p].published && pages_[*p].published_on_page) return pages_[*p].published;
    return item_date(site_, i);
  }

  void gather(const ColumnIndex& index) {
    std::set<std::string_view> doc_urls, interp_urls;
    // Policy documents and interpretations, each once by URL.
    for (auto& [name, m] : index.all()) {
      if (!m.spec->policy_documents && !m.spec->interpretations) continue;
      for (auto k : m.items) {
        ItemRef i = site_.items[k];
        auto& list = m.spec->policy_documents ? docs : interps;
        auto& seen = m.spec->policy_documents ? doc_urls : interp_urls;
        if (!seen.insert(i.url).second) continue;
        auto p = page_of(i.url);
        list.push_back({i, p, date_of(i, p)});
      }
    }
    if (docs.empty()) return;
    // Interpretations published outside the 政策解读 column (e.g. beside the document) count too.
    for (auto i : site_.items)
      if (!doc_urls.count(i.url) && looks_like_interpretation(std::string(i.title)) && interp_urls.insert(i.url).second) {
        auto p = page_of(i.url);
        interps.push_back({i, p, date_of(i, p)});
      }
  }

  void link() {
    // Links of the documents' and interpretations' own pages only: a site has hundreds of thousands.
    std::unordered_map<std::string_view, std::vector<std::string_view>> links_from;  // page -> targets
    for (auto* list : {&docs, &interps})
      for (auto& d : *list)
        if (d.page) links_from[pages_.url(*d.page)];
    for (auto l : site_.links)
      if (auto it = links_from.find(l.from_url); it != links_from.end()) it->second.push_back(l.to_url);
    // Each document or interpretation by the URLs a link may name it by (listed URL, final URL).
    auto by_url = [&](const std::vector<Doc>& list) {
      std::unordered_map<std::string, std::vector<size_t>> m;
      for (size_t i = 0; i < list.size(); ++i) {
        m[std::string(list[i].item.url)].push_back(i);
        if (list[i].page && pages_.final_url(*list[i].page) != list[i].item.url)
          m[std::string(pages_.final_url(*list[i].page))].push_back(i);
      }
      return m;
    };
    auto docs_by_url = by_url(docs), interps_by_url = by_url(interps);
    // linked_[d] = interpretations that document d links to (first) and that link back to it (second).
    linked_.resize(docs.size());
    for (size_t d = 0; d < docs.size(); ++d)
      if (docs[d].page)
        for (auto to : links_from[pages_.url(*docs[d].page)])
          if (auto it = interps_by_url.find(std::string(to)); it != interps_by_url.end())
            for (size_t i : it->second) linked_[d][i].first = true;
    for (size_t i = 0; i < interps.size(); ++i)
      if (interps[i].page)
        for (auto to : links_from[pages_.url(*interps[i].page)])
          if (auto it = docs_by_url.find(std::string(to)); it != docs_by_url.end())
            for (size_t d : it->second) linked_[d][i].second = true;
    for (auto& in : interps)
      for (auto& k : policy_keys(std::string(in.item.title))) by_key_[k].push_back(&in);
  }

  void judge(size_t di, std::vector<Finding>& out) const {
    const int limit = ctx_.config->thresholds.interpretation_working_days;
    const Doc& d = docs[di];
    const Doc* pair = nullptr;
    bool fwd = false, back = false;
    for (auto& [i, fb] : linked_[di]) {  // in the interpretations' order
      auto [f, b] = fb;
      // Prefer an interpretation linked both ways, then one the document names.
      if (!pair || (f && b) || (f && !fwd)) pair = &interps[i], fwd = f, back = b;
    }
    std::string how = pair ? "link" : "";
    if (!pair)
      for (auto& k : policy_keys(std::string(d.item.title)))
        if (auto it = by_key_.find(k); it != by_key_.end()) {
          pair = it->second.front();
          how = "title";
          break;
        }
    nlohmann::json detail = {{"document", d.item.title}, {"document_date", d.date ? d.date->iso() : ""}};
    if (!pair) {
      std::string text = d.page ? site_.text_of(*site_.page_at(*d.page)) : "";
      bool scripted = text.find("文字解读") != std::string::npos || text.find("图片解读") != std::string::npos ||
                      text.find("相关解读") != std::string::npos;
      if (scripted) {
        detail["reason"] = "the page shows an interpretation box filled by script; the relation cannot be read from the HTML";
        out.push_back({site_.site.id, "interpretation.manual_check", std::string(d.item.url), std::string(d.item.url), detail.dump()});
      } else {
        out.push_back({site_.site.id, "interpretation.missing", std::string(d.item.url), std::string(d.item.url), detail.dump()});
      }
      return;
    }
    detail["interpretation"] = pair->item.url;
    detail["interpretation_title"] = pair->item.title;
    detail["interpretation_date"] = pair->date ? pair->date->iso() : "";
    detail["paired_by"] = how;
    if (d.date && pair->date) {
      int wd = ctx_.calendar->working_days_between(*d.date, *pair->date);
      detail["working_days"] = wd;
      detail["limit_working_days"] = limit;
      bool covered = ctx_.calendar->covers(*d.date) && ctx_.calendar->covers(*pair->date);
      if (!covered) detail["calendar_warning"] = "date outside the calendar's years; counted Monday–Friday";
      if (wd > limit) out.push_back({site_.site.id, "interpretation.late", std::string(d.item.url), std::string(d.item.url), detail.dump()});
    }
    if (!(fwd && back)) {
      nlohmann::json u = detail;
      u["document_links_interpretation"] = fwd;
      u["interpretation_links_document"] = back;
      out.push_back({site_.site.id, "interpretation.unlinked", std::string(d.item.url), std::string(d.item.url), u.dump()});
    }
  }

  const SiteView& site_;
  const RuleContext& ctx_;
  const PageTable& pages_;
  // linked_[d] = interpretations that document d links to (first) and that link back to it (second).
  std::vector<std::map<size_t, std::pair<bool, bool>>> linked_;
  std::unordered_map<std::string, std::vector<const Doc*>> by_key_;  // policy key -> interpretations
};

}  // namespace

std::vector<Finding> InterpretationRule::check(const SiteView& site, const RuleContext& ctx) const {
  return Pairing(site, ctx).judge();
}

}  // namespace govaudit
