#include "rules/columns.hpp"

#include <deque>
#include <nlohmann/json.hpp>
#include <set>
#include <unordered_map>
#include <unordered_set>

#include "model/url.hpp"
#include "rules/text.hpp"

namespace govaudit {
namespace {

std::string dir_of(const std::string& u) {
  auto q = u.find('?');
  std::string s = u.substr(0, q);
  return s.substr(0, s.rfind('/') + 1);
}

bool is_pager_text(const std::string& t) {
  static const std::set<std::string> words = {"下一页", "下页", "尾页", "末页", "上一页", "上页", "首页", "next", "last"};
  std::string n = text::normalize_name(t);
  if (words.count(n)) return true;
  return !n.empty() && n.size() <= 4 && std::all_of(n.begin(), n.end(), [](char c) { return c >= '0' && c <= '9'; });
}

// Indexes of a site's links and items by URL, built once per rule call; pages are looked up in
// the site's page table. Keys view the site's own strings: a copy of each URL was a tenth of a
// large site's audit memory.
struct SiteIndex {
  const PageTable& pages;
  const LinkList& links;
  std::unordered_map<std::string_view, std::vector<std::uint32_t>> out;  // links by from_url
  std::unordered_map<std::string_view, std::vector<std::uint32_t>> items;  // items by list_url
  std::unordered_set<std::string_view> on_home;  // targets linked from the homepage

  explicit SiteIndex(const SiteView& s) : pages(s.page_table()), links(s.links) {
    for (std::uint32_t k = 0; k < links.size(); ++k) out[links[k].from_url].push_back(k);
    for (std::uint32_t i = 0; i < s.items.size(); ++i) items[s.items[i].list_url].push_back(i);
    if (auto h = s.homepage())
      for (auto k : out[h->url]) on_home.insert(links[k].to_url);
  }
  // A page's own URL wins over another record's redirect target.
  std::optional<size_t> get(std::string_view u) const { return pages.find(u); }
};

}  // namespace

std::optional<Date> item_date(const SiteView& site, const ItemRef& item) {
  if (item.date) return item.date;
  // The first page (in crawl order) at that URL or redirected there that has a date.
  const PageTable& t = site.page_table();
  std::optional<size_t> first;
  auto own = t.all_own(item.url), redirected = t.all_final(item.url);
  for (auto* list : {&own, &redirected})
    for (size_t i : *list)
      if (t[i].published && (!first || i < *first)) first = i;
  return first ? t[*first].published : std::nullopt;
}

namespace {

bool any_page(const SiteView& site, const std::function<bool(const PageRecord&)>& pred) {
  bool found = false;
  site.each_page([&](const PageRecord& p) { return !(found = pred(p)); });
  return found;
}

bool in_site(const SiteView& site, const std::string& u) {
  auto p = url::parts(u);
  return p && std::find(site.site.hosts.begin(), site.site.hosts.end(), p->host) != site.site.hosts.end();
}

// Candidate pages per catalog column, in the order the crawl met them: links and list pages
// named like the column (or a synonym).
std::map<const ColumnSpec*, std::vector<std::string>> column_candidates(const SiteView& site, const SiteIndex& idx,
                                                                        const Config& cfg) {
  std::map<std::string, const ColumnSpec*> names;
  for (auto& c : cfg.catalog) {
    names.emplace(text::normalize_name(c.name), &c);
    for (auto& s : c.synonyms) names.emplace(text::normalize_name(s), &c);
  }
  // Candidate pages per column, in the order the crawl met them.
  std::map<const ColumnSpec*, std::vector<std::string>> candidates;
  auto add = [&](const ColumnSpec* c, const std::string& u) {
    auto& v = candidates[c];
    if (std::find(v.begin(), v.end(), u) == v.end()) v.push_back(u);
  };
  for (auto l : site.links) {
    if (l.tag != "a" && l.tag != "area") continue;
    auto it = names.find(text::normalize_name(l.text));
    if (it != names.end() && in_site(site, std::string(l.to_url))) add(it->second, std::string(l.to_url));
  }
  for (size_t i = 0; i < idx.pages.size(); ++i)
    if (idx.pages[i].kind == PageKind::List)
      if (auto it = names.find(text::normalize_name(site.page_at(i)->title)); it != names.end()) add(it->second, std::string(idx.pages.url(i)));

  // A link named like a column may lead elsewhere (a "依申请公开" entry pointing at the directory
  // page). Keep a candidate only when its page lists items, is an article, names the column in
  // its title or its column (ColumnName, breadcrumb), or could not be read at all.
  for (auto& [c, urls] : candidates) {
    std::vector<std::string> names_of{text::normalize_name(c->name)};
    for (auto& syn : c->synonyms) names_of.push_back(text::normalize_name(syn));
    auto names_column = [&](const std::string& s) {
      std::string n = text::normalize_name(s);
      return std::any_of(names_of.begin(), names_of.end(), [&](auto& x) { return n.find(x) != std::string::npos; });
    };
    std::erase_if(urls, [&](const std::string& u) {
      auto i = idx.get(u);
      if (!i || idx.pages[*i].status < 200 || idx.pages[*i].status >= 300) return false;
      bool listed = idx.items.count(idx.pages.url(*i)) || idx.items.count(idx.pages.final_url(*i));
      if (listed || idx.pages[*i].kind == PageKind::Article) return false;
      auto p = site.page_at(*i);
      return !names_column(p->title) && !(!p->column.empty() && names_column(p->column));
    });
  }
  std::erase_if(candidates, [](auto& kv) { return kv.second.empty(); });

  return candidates;
}

// A column's pages (its list, the list's further pages, sub-column lists of a parent column) and
// the items they list, from the column's candidate pages.
ColumnMatch read_column(const SiteView& site, SiteIndex& idx, const ColumnSpec* c, const std::vector<std::string>& urls,
                        const std::unordered_set<std::string>& column_pages, const Date& today) {
  ColumnMatch m;
  m.spec = c;
  m.url = urls.front();
  std::set<std::string> seen;
  std::deque<std::string> queue(urls.begin(), urls.end());
  std::set<std::string_view> item_urls;
  while (!queue.empty()) {
    std::string u = queue.front();
    queue.pop_front();
    if (!seen.insert(u).second) continue;
    auto i = idx.get(u);
    if (!i) continue;
    const PageBrief& p = idx.pages[*i];
    std::string_view page_url = idx.pages.url(*i), final_url = idx.pages.final_url(*i);
    if (p.ok()) m.fetched = true;
    m.pages.emplace_back(page_url);
    bool own_items = false;
    for (std::string_view lu : {page_url, final_url})
      if (auto it = idx.items.find(lu); it != idx.items.end())
        for (auto item : it->second)
          if (item_urls.insert(site.items[item].url).second) m.items.push_back(item), own_items = true;
    // Further pages of the same list.
    for (auto k : idx.out[page_url]) {
      LinkRef l = idx.links[k];
      bool pager = l.tag == "pager" || (is_pager_text(std::string(l.text)) && dir_of(std::string(l.to_url)) == dir_of(std::string(final_url)));
      if (pager && !idx.on_home.count(l.to_url)) queue.emplace_back(l.to_url);
    }
    // A parent column whose own page lists sub-columns: their lists count as the column's.
    if (!own_items && std::find(urls.begin(), urls.end(), u) != urls.end())
      for (auto k : idx.out[page_url]) {
        LinkRef l = idx.links[k];
        std::string to(l.to_url);
        if (l.tag != "a" || idx.on_home.count(to) || column_pages.count(to)) continue;
        auto sub = idx.get(to);
        if (sub && idx.pages[*sub].kind == PageKind::List && in_site(site, to)) queue.push_back(to);
      }
  }
  if (m.items.empty()) {
    // A column published as a single page (公开指南 often is): the page itself is its content.
    auto i = idx.get(m.url);
    if (i && idx.pages[*i].kind == PageKind::Article) {
      m.single_page = true;
      if (auto d = idx.pages[*i].published; d && *d <= today) m.newest = d;
    }
  }
  for (auto i : m.items)
    if (auto d = item_date(site, site.items[i]); d && *d <= today && (!m.newest || *d > *m.newest)) m.newest = d;
  return m;
}

}  // namespace

ColumnIndex::ColumnIndex(const SiteView& site, const Config& cfg, const Date& today) {
  SiteIndex idx(site);
  auto candidates = column_candidates(site, idx, cfg);
  std::unordered_set<std::string> column_pages;
  for (auto& [c, urls] : candidates) column_pages.insert(urls.begin(), urls.end());
  for (auto& [c, urls] : candidates) found_.emplace(c->name, read_column(site, idx, c, urls, column_pages, today));
}

std::shared_ptr<const ColumnIndex> column_index(const SiteView& site, const RuleContext& ctx) {
  if (!ctx.cache || ctx.cache->site != &site) return std::make_shared<const ColumnIndex>(site, *ctx.config, ctx.today);
  std::lock_guard lk(ctx.cache->mu);
  if (!ctx.cache->columns) ctx.cache->columns = std::make_shared<const ColumnIndex>(site, *ctx.config, ctx.today);
  return ctx.cache->columns;
}

const ColumnMatch* ColumnIndex::find(const std::string& name) const {
  auto it = found_.find(name);
  return it == found_.end() ? nullptr : &it->second;
}

std::vector<Finding> ColumnsRule::check(const SiteView& site, const RuleContext& ctx) const {
  auto index = column_index(site, ctx);
  std::vector<Finding> out;
  for (auto& c : ctx.config->catalog) {
    if (c.checked_by != "columns") continue;
    const ColumnMatch* m = index->find(c.name);
    if (!m) {
      if (!c.required) continue;
      out.push_back({site.site.id, "columns.missing", c.name, site.site.homepage,
                     nlohmann::json{{"synonyms_tried", c.synonyms}}.dump()});
      continue;
    }
    if (!m->fetched) continue;  // the list could not be read: not judged (the link rules report it)
    if (m->items.empty() && !m->single_page) {
      out.push_back({site.site.id, "columns.empty", c.name, m->url,
                     nlohmann::json{{"list_url", m->url}, {"pages", m->pages.size()}}.dump()});
      continue;
    }
    if (!c.update_limit_days || !m->newest) continue;
    int age = ctx.today.days_since(*m->newest);
    if (age > *c.update_limit_days)
      out.push_back({site.site.id, "columns.stale", c.name, m->url,
                     nlohmann::json{{"newest", m->newest->iso()}, {"age_days", age}, {"limit_days", *c.update_limit_days},
                                    {"list_url", m->url}, {"items", m->items.size()}}.dump()});
  }
  return out;
}

std::vector<Finding> HomepageStaleRule::check(const SiteView& site, const RuleContext& ctx) const {
  const PageRecord* home = site.homepage();
  if (!home) return {};
  std::optional<Date> newest;
  int dated = 0, future = 0;
  for (auto i : site.items) {
    if (i.list_url != home->url && i.list_url != home->final_url) continue;
    if (!i.date) continue;
    ++dated;
    if (*i.date > ctx.today) {
      ++future;  // a date in the future is suspicious, not fresh
      continue;
    }
    if (!newest || *i.date > *newest) newest = i.date;
  }
  if (!newest) return {};  // no dated item at all: nothing to measure
  int age = ctx.today.days_since(*newest);
  if (age <= ctx.config->thresholds.homepage_update_days) return {};
  return {{site.site.id, "homepage.stale", homepage_host(site), home->final_url,
           nlohmann::json{{"newest", newest->iso()}, {"age_days", age}, {"limit_days", ctx.config->thresholds.homepage_update_days},
                          {"dated_items", dated}, {"future_items", future}}.dump()}};
}

int AnnualReportRule::due_year(const Date& today, const std::string& level, const Thresholds& t) {
  // 条例 art. 50: departments publish by 31 January, governments by 31 March.
  bool department = level.find("department") != std::string::npos || level.find("部门") != std::string::npos;
  auto [m, d] = department ? t.annual_report_due_department : t.annual_report_due_government;
  Date due(today.year(), unsigned(m), unsigned(d));
  return today > due ? today.year() - 1 : today.year() - 2;
}

int WebsiteFormRule::due_year(const Date& today, const Thresholds& t) {
  auto [m, d] = t.website_form_due;
  return today > Date(today.year(), unsigned(m), unsigned(d)) ? today.year() - 1 : today.year() - 2;
}

std::vector<Finding> WebsiteFormRule::check(const SiteView& site, const RuleContext& ctx) const {
  int year = due_year(ctx.today, ctx.config->thresholds);
  auto is_form = [&](std::string_view title) {
    if (!text::may_name_report(title)) return false;
    std::string n = text::normalize_name(title);
    if (n.find("网站") == std::string::npos || n.find("报表") == std::string::npos) return false;
    if (n.find("年度报表") == std::string::npos && n.find("年报表") == std::string::npos) return false;
    auto y = text::year_in(title);
    return y ? *y == year : title.find(std::to_string(year) + "年度") != std::string::npos;
  };
  for (auto i : site.items)
    if (is_form(i.title)) return {};
  for (auto l : site.links)
    if (is_form(l.text)) return {};
  if (any_page(site, [&](const PageRecord& p) {
        return p.status == 200 && (is_form(p.title) || is_form(p.meta.count("ArticleTitle") ? p.meta.at("ArticleTitle") : ""));
      }))
    return {};
  auto [m, d] = ctx.config->thresholds.website_form_due;
  return {{site.site.id, "annual_report.website_form_missing", std::to_string(year), site.site.homepage,
           nlohmann::json{{"year", year}, {"due", Date(year + 1, unsigned(m), unsigned(d)).iso()}, {"audit_date", ctx.today.iso()}}
               .dump()}};
}

std::vector<Finding> AnnualReportRule::check(const SiteView& site, const RuleContext& ctx) const {
  int year = due_year(ctx.today, site.site.level, ctx.config->thresholds);
  auto is_report = [&](std::string_view title) {
    if (!text::may_name_report(title)) return false;
    std::string n = text::normalize_name(title);
    bool kind = n.find("年度报告") != std::string::npos || n.find("年报") != std::string::npos;
    bool topic = n.find("信息公开") != std::string::npos || n.find("政务公开") != std::string::npos;
    if (!kind || !topic) return false;
    auto y = text::year_in(title);
    if (!y) {  // "2024年度" is also written
      std::string yd = std::to_string(year) + "年度";
      return title.find(yd) != std::string::npos;
    }
    return *y == year;
  };
  for (auto i : site.items)
    if (is_report(i.title)) return {};
  if (any_page(site, [&](const PageRecord& p) {
        return p.status == 200 && (is_report(p.title) || is_report(p.meta.count("ArticleTitle") ? p.meta.at("ArticleTitle") : ""));
      }))
    return {};
  for (auto l : site.links)
    if (is_report(l.text)) return {};
  std::string where = site.site.homepage;
  for (auto& c : ctx.config->catalog)
    if (c.checked_by == "annual_report") {
      auto index = column_index(site, ctx);
      if (auto m = index->find(c.name)) where = m->url;
    }
  return {{site.site.id, "annual_report.missing", std::to_string(year), where,
           nlohmann::json{{"year", year}, {"audit_date", ctx.today.iso()}}.dump()}};
}

}  // namespace govaudit
