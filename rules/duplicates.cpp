#include "rules/duplicates.hpp"

#include <algorithm>
#include <functional>
#include <map>
#include <set>
#include <string_view>
#include <tuple>
#include <unordered_map>
#include <unordered_set>

#include <nlohmann/json.hpp>

#include "model/url.hpp"

namespace govaudit {
namespace {

bool digit(char c) { return c >= '0' && c <= '9'; }

// A short line that dates the page, names its source or counts its readers: it may differ between
// two copies of one article and is no part of the article's text.
bool dating_line(std::string_view l) {
  if (l.size() > 240) return false;
  for (std::string_view w : {"来源：", "来源:", "作者：", "发布机构：", "字号", "打印本页", "关闭窗口"})
    if (l.find(w) != std::string_view::npos && l.size() < 160) return true;
  for (std::string_view w : {"浏览", "点击", "阅读次数", "访问量"})
    if (l.find(w) != std::string_view::npos && std::any_of(l.begin(), l.end(), digit)) return true;
  for (size_t i = 0; i + 5 <= l.size(); ++i) {
    if (!(digit(l[i]) && digit(l[i + 1]) && digit(l[i + 2]) && digit(l[i + 3]))) continue;
    char c = l[i + 4];
    if (c == '-' || c == '/' || c == '.' || l.substr(i + 4, 3) == "年") return true;
  }
  return false;
}

struct Article {
  const PageRecord* page;
  std::string column;
  std::vector<std::pair<std::size_t, std::size_t>> lines;  // hash and length of each text line
};

// The column an article belongs to: the one the page names, else its list page's directory.
std::string column_of(const PageRecord& p, const std::unordered_map<std::string, std::string>& listed_on) {
  if (!p.column.empty()) return p.column;
  std::string u = p.url;
  if (auto it = listed_on.find(p.url); it != listed_on.end()) u = it->second;
  auto parts = url::parts(u);
  std::string path = parts ? parts->path : u;
  path = path.substr(0, path.rfind('/') + 1);
  // /xxgk/gzdt/202508/ and /xxgk/gzdt/ are one column: dated directories are the CMS's, not the column's.
  while (path.size() > 1) {
    size_t b = path.rfind('/', path.size() - 2);
    std::string_view seg(path.data() + b + 1, path.size() - b - 2);
    if (seg.empty() || !std::all_of(seg.begin(), seg.end(), digit)) break;
    path.erase(b + 1);
  }
  return path;
}

}  // namespace

std::vector<Finding> DuplicateArticleRule::check(const SiteView& site, const RuleContext&) const {
  std::unordered_map<std::string, std::string> listed_on;  // article -> a list page that lists it
  for (auto& i : site.items) listed_on.emplace(i.url, i.list_url);
  // One page per path: the same page under another host of the site, or with a query, is not a copy.
  std::map<std::string, const PageRecord*> by_path;
  for (auto& p : site.pages) {
    if (p.kind != PageKind::Article || p.error_kind != ErrorKind::None || p.status < 200 || p.status >= 300 ||
        !p.duplicate_of.empty() || p.title.empty())
      continue;
    auto parts = url::parts(p.final_url.empty() ? p.url : p.final_url);
    std::string path = parts ? parts->path : p.url;
    auto [it, fresh] = by_path.emplace(path, &p);
    if (!fresh && p.url < it->second->url) it->second = &p;  // whatever order the crawl met them in
  }
  std::vector<Article> articles;
  std::unordered_map<std::size_t, int> pages_with;  // line hash -> how many articles show it
  std::hash<std::string_view> hash;
  for (auto& [path, p] : by_path) {
    Article a{p, column_of(*p, listed_on), {}};
    std::string text = site.text_of(*p);
    std::unordered_set<std::size_t> mine;
    for (size_t b = 0; b < text.size();) {
      size_t e = text.find('\n', b);
      if (e == std::string::npos) e = text.size();
      std::string_view l(text.data() + b, e - b);
      b = e + 1;
      while (!l.empty() && (l.front() == ' ' || l.front() == '\t')) l.remove_prefix(1);
      while (!l.empty() && (l.back() == ' ' || l.back() == '\t' || l.back() == '\r')) l.remove_suffix(1);
      if (l.empty() || dating_line(l)) continue;
      std::size_t h = hash(l);
      a.lines.push_back({h, l.size()});
      if (mine.insert(h).second) ++pages_with[h];
    }
    articles.push_back(std::move(a));
  }
  // The template's lines: on half the site's articles or more (never fewer than 3). A text published
  // twice, or cross-posted, is on a few.
  int common = std::max<int>(3, int(articles.size()) / 2);
  using Key = std::tuple<std::string, std::string, std::size_t>;  // column, title, text
  std::map<Key, std::vector<const PageRecord*>> groups;
  for (auto& a : articles) {
    std::size_t text = 0, bytes = 0;
    for (auto [h, n] : a.lines)
      if (pages_with[h] < common) text = text * 1000003u ^ h, bytes += n;
    if (bytes < 30) continue;  // no text of its own to compare (a bare attachment link …)
    groups[{a.column, a.page->title, text}].push_back(a.page);
  }
  std::vector<Finding> out;
  for (auto& [key, pages] : groups) {
    if (pages.size() < 2) continue;
    std::sort(pages.begin(), pages.end(), [](const PageRecord* x, const PageRecord* y) {
      if (x->published != y->published) return x->published && (!y->published || *x->published < *y->published);
      return x->url < y->url;
    });
    const PageRecord* first = pages.front();
    for (size_t i = 1; i < pages.size(); ++i) {
      nlohmann::json d = {{"first", first->url}, {"article_title", first->title}};
      if (first->published) d["first_published"] = first->published->iso();
      if (pages[i]->published) d["published"] = pages[i]->published->iso();
      out.push_back({site.site.id, "content.duplicate_article", pages[i]->url, pages[i]->url,
                     d.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace)});
    }
  }
  return out;
}

}  // namespace govaudit
