#include "rules/duplicates.hpp"

#include <algorithm>
#include <deque>
#include <functional>
#include <map>
#include <string_view>
#include <tuple>
#include <unordered_map>

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

// An article's text lines as numbers: a line's hash in the high 48 bits, its length (at most
// 65,535) in the low 16; a site's hundred thousand articles keep 8 bytes a line, all in one
// sequence of chunks (a vector per article cost a third more, and a vector grown by doubling up to
// twice as much).
using Lines = std::deque<std::uint64_t>;
struct Article {
  size_t page;       // in the site's page table
  std::size_t head;  // a hash of its column and title
  size_t begin, end;  // its lines in the site's Lines
};
std::uint64_t line_key(std::string_view l) {
  return (std::uint64_t(std::hash<std::string_view>{}(l)) << 16) | std::min<std::size_t>(l.size(), 0xffff);
}

// The lines on at least `common` of the articles (each article counted once), sorted. Found
// without counting every distinct line (a large site's articles hold millions): Misra-Gries with k
// counters keeps every line on more than 1/(k+1) of the M (article, line) pairs, so with k = M /
// common + 1 every line sought survives among a few dozen candidates, then counted exactly.
std::vector<std::uint64_t> lines_on_many(const std::vector<Article>& articles, const Lines& lines, size_t common) {
  std::vector<std::uint64_t> distinct;
  auto each_distinct = [&](auto&& fn) {
    for (auto& a : articles) {
      distinct.assign(lines.begin() + std::ptrdiff_t(a.begin), lines.begin() + std::ptrdiff_t(a.end));
      std::sort(distinct.begin(), distinct.end());
      distinct.erase(std::unique(distinct.begin(), distinct.end()), distinct.end());
      for (auto line : distinct) fn(line);
    }
  };
  size_t pairs = 0;
  each_distinct([&](std::uint64_t) { ++pairs; });
  size_t k = pairs / common + 1;
  std::unordered_map<std::uint64_t, size_t> counters;
  each_distinct([&](std::uint64_t line) {
    if (auto it = counters.find(line); it != counters.end()) {
      ++it->second;
    } else if (counters.size() < k) {
      counters.emplace(line, 1);
    } else {
      for (auto it = counters.begin(); it != counters.end();) it = --it->second == 0 ? counters.erase(it) : std::next(it);
    }
  });
  for (auto& c : counters) c.second = 0;
  each_distinct([&](std::uint64_t line) {
    if (auto it = counters.find(line); it != counters.end()) ++it->second;
  });
  std::vector<std::uint64_t> out;
  for (auto& [line, n] : counters)
    if (n >= common) out.push_back(line);
  std::sort(out.begin(), out.end());
  return out;
}

// The column an article belongs to: the one the page names, else its list page's directory.
std::string column_of(const PageRecord& p, const std::unordered_map<std::string_view, std::string_view>& listed_on) {
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
  std::unordered_map<std::string_view, std::string_view> listed_on;  // article -> a list page that lists it
  for (auto i : site.items) listed_on.emplace(i.url, i.list_url);
  // One page per path: the same page under another host of the site, or with a query, is not a copy.
  // Of several, the least URL, whatever order the crawl met them in.
  const PageTable& table = site.page_table();
  std::unordered_map<std::uint64_t, size_t> by_path;  // by the path's hash: an article
  std::vector<Article> articles;
  Lines lines;  // an article replaced by another of its path leaves its lines unused
  std::hash<std::string> hash;
  size_t at = 0;
  site.each_page([&](const PageRecord& p) {
    size_t i = at++;
    if (p.kind != PageKind::Article || p.error_kind != ErrorKind::None || p.status < 200 || p.status >= 300 ||
        !p.duplicate_of.empty() || p.title.empty())
      return;
    auto parts = url::parts(p.final_url.empty() ? p.url : p.final_url);
    auto [it, fresh] = by_path.try_emplace(hash(parts ? parts->path : p.url), articles.size());
    if (!fresh && std::string_view(p.url) >= table.url(articles[it->second].page)) return;
    if (fresh) articles.emplace_back();
    Article& a = articles[it->second];
    a = {i, hash(column_of(p, listed_on)) * 31 + hash(p.title), lines.size(), 0};
    std::string text = site.text_of(p);
    for (size_t b = 0; b < text.size();) {
      size_t e = text.find('\n', b);
      if (e == std::string::npos) e = text.size();
      std::string_view l(text.data() + b, e - b);
      b = e + 1;
      while (!l.empty() && (l.front() == ' ' || l.front() == '\t')) l.remove_prefix(1);
      while (!l.empty() && (l.back() == ' ' || l.back() == '\t' || l.back() == '\r')) l.remove_suffix(1);
      if (!l.empty() && !dating_line(l)) lines.push_back(line_key(l));
    }
    a.end = lines.size();
  }, true);  // with the texts: it reads them all
  by_path.clear();
  // The template's lines: on half the site's articles or more (never fewer than 3). A text published
  // twice, or cross-posted, is on a few.
  auto template_lines = lines_on_many(articles, lines, std::max<size_t>(3, articles.size() / 2));
  // Copies share column, title and text: grouped first by a hash of the three, then, where a hash
  // has several pages, by the three themselves.
  std::unordered_map<std::size_t, std::vector<std::pair<size_t, std::size_t>>> by_hash;  // page, text
  for (auto& a : articles) {
    std::size_t text = 0, bytes = 0;
    for (size_t l = a.begin; l < a.end; ++l)
      if (std::uint64_t line = lines[l]; !std::binary_search(template_lines.begin(), template_lines.end(), line)) text = text * 1000003u ^ (line >> 16), bytes += line & 0xffff;
    if (bytes < 30) continue;  // no text of its own to compare (a bare attachment link …)
    by_hash[a.head * 1000003u ^ text].push_back({a.page, text});
  }
  using Key = std::tuple<std::string, std::string, std::size_t>;  // column, title, text
  std::map<Key, std::vector<std::shared_ptr<const PageRecord>>> groups;
  for (auto& [h, pages] : by_hash)
    if (pages.size() > 1)
      for (auto& [i, text] : pages) {
        auto p = site.page_at(i);
        groups[{column_of(*p, listed_on), p->title, text}].push_back(std::move(p));
      }
  std::vector<Finding> out;
  for (auto& [key, pages] : groups) {
    if (pages.size() < 2) continue;
    std::sort(pages.begin(), pages.end(), [](auto& x, auto& y) {
      if (x->published != y->published) return x->published && (!y->published || *x->published < *y->published);
      return x->url < y->url;
    });
    const PageRecord* first = pages.front().get();
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
