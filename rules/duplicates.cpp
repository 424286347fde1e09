#include "rules/duplicates.hpp"

#include <algorithm>
#include <functional>
#include <map>
#include <numeric>
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
  auto has = [&](std::string_view w) { return l.find(w) != std::string_view::npos; };
  if (l.size() < 160)
    for (std::string_view w : {"来源：", "来源:", "作者：", "发布机构：", "字号", "打印本页", "关闭窗口"})
      if (has(w)) return true;
  if (std::none_of(l.begin(), l.end(), digit)) return false;  // neither a count nor a date
  for (std::string_view w : {"浏览", "点击", "阅读次数", "访问量"})
    if (has(w)) return true;
  for (size_t i = 0; i + 5 <= l.size(); ++i) {
    if (!(digit(l[i]) && digit(l[i + 1]) && digit(l[i + 2]) && digit(l[i + 3]))) continue;
    char c = l[i + 4];
    if (c == '-' || c == '/' || c == '.' || l.substr(i + 4, 3) == "年") return true;
  }
  return false;
}

// A text line as a number: its hash in the high 48 bits, its length (at most 65,535) in the low 16.
std::uint64_t line_key(std::string_view l) {
  return (std::uint64_t(std::hash<std::string_view>{}(l)) << 16) | std::min<std::size_t>(l.size(), 0xffff);
}

// Calls fn with the key of each of a text's lines that is the article's own: trimmed, not empty and
// not a dating line.
template <class F>
void each_line(const std::string& text, F&& fn) {
  for (size_t b = 0; b < text.size();) {
    size_t e = text.find('\n', b);
    if (e == std::string::npos) e = text.size();
    std::string_view l(text.data() + b, e - b);
    b = e + 1;
    while (!l.empty() && (l.front() == ' ' || l.front() == '\t')) l.remove_prefix(1);
    while (!l.empty() && (l.back() == ' ' || l.back() == '\t' || l.back() == '\r')) l.remove_suffix(1);
    if (!l.empty() && !dating_line(l)) fn(line_key(l));
  }
}

// How many articles each line is on, at most: a count-min sketch of fixed size (1 MB by default), so that a
// site's millions of lines are never held. A line on `common` articles or more always estimates at
// least that; the few others that do are told apart by counting exactly.
class LineSketch {
 public:
  explicit LineSketch(unsigned bits) : bits_(std::clamp(bits, 1u, 24u)), cells_(kRows << bits_) {}
  void add(std::uint64_t line) {
    for (size_t r = 0; r < kRows; ++r) ++cells_[cell(line, r)];
  }
  std::uint32_t estimate(std::uint64_t line) const {
    std::uint32_t n = UINT32_MAX;
    for (size_t r = 0; r < kRows; ++r) n = std::min(n, cells_[cell(line, r)]);
    return n;
  }

 private:
  static constexpr size_t kRows = 4;
  size_t cell(std::uint64_t line, size_t r) const {
    static constexpr std::uint64_t mul[kRows] = {0x9e3779b97f4a7c15ull, 0xc2b2ae3d27d4eb4full, 0x165667b19e3779f9ull,
                                                 0xd6e8feb86659fd93ull};
    return (r << bits_) | size_t((line * mul[r]) >> (64 - bits_));
  }
  unsigned bits_;
  std::vector<std::uint32_t> cells_;
};

struct Article {  // 24 bytes: a large site has one per article
  std::uint32_t page = 0;   // its index in the page table
  std::uint32_t bytes = 0;  // the length of its lines that are not the template's
  std::size_t head = 0;     // a hash of its column and title
  std::size_t text = 0;     // a hash of those lines
  std::size_t key() const { return head * 1000003u ^ text; }
};

// For each article URL, the item that first names it (its list page), as indexes into the site's
// items sorted by URL: 4 bytes an item, where a map's nodes, then pairs of views, took 8 to 30 times that.
class ListedOn {
 public:
  explicit ListedOn(const ItemList& items) : items_(items) {
    at_.resize(items.size());
    std::iota(at_.begin(), at_.end(), 0u);
    std::stable_sort(at_.begin(), at_.end(), [&](auto x, auto y) { return items[x].url < items[y].url; });
    at_.erase(std::unique(at_.begin(), at_.end(), [&](auto x, auto y) { return items[x].url == items[y].url; }), at_.end());
  }
  // The list page of the first item naming `url`, or "".
  std::string_view list_of(std::string_view url) const {
    auto it = std::lower_bound(at_.begin(), at_.end(), url, [&](auto i, std::string_view u) { return items_[i].url < u; });
    return it != at_.end() && items_[*it].url == url ? items_[*it].list_url : std::string_view();
  }

 private:
  const ItemList& items_;
  std::vector<std::uint32_t> at_;
};

// The column an article belongs to: the one the page names, else its list page's directory.
std::string column_of(const PageRecord& p, const ListedOn& listed_on) {
  if (!p.column.empty()) return p.column;
  auto list = listed_on.list_of(p.url);
  std::string u = list.empty() ? p.url : std::string(list);
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
  const ListedOn listed_on(site.items);
  // One page per path: the same page under another host of the site, or with a query, is not a copy.
  // Of several, the least URL, whatever order the crawl met them in. The table decides which.
  const PageTable& table = site.page_table();
  std::vector<Article> articles;  // in page order
  {
    std::unordered_map<std::size_t, size_t> by_path;  // by the path's hash: a page
    std::hash<std::string_view> hash;
    for (size_t i = 0; i < table.size(); ++i) {
      const PageBrief& b = table[i];
      if (b.kind != PageKind::Article || !b.ok() || b.duplicate || !b.titled) continue;
      std::string_view u = table.final_url(i).empty() ? table.url(i) : table.final_url(i);
      auto parts = url::parts(std::string(u));
      auto [it, fresh] = by_path.try_emplace(hash(parts ? std::string_view(parts->path) : u), i);
      if (!fresh && table.url(i) < table.url(it->second)) it->second = i;
    }
    articles.reserve(by_path.size());
    for (auto& [path, i] : by_path) articles.push_back({std::uint32_t(i)});
    std::sort(articles.begin(), articles.end(), [](auto& x, auto& y) { return x.page < y.page; });
  }
  // The template's lines: on half the site's articles or more (never fewer than 3). A text published
  // twice, or cross-posted, is on a few. Two walks: one to estimate each line's count, one to count
  // the likely template lines exactly while hashing the rest; a third only where a line estimated
  // to be the template's is not.
  const size_t common = std::max<size_t>(3, articles.size() / 2);
  LineSketch sketch(sketch_bits_);
  std::vector<std::uint64_t> distinct;
  auto each_article = [&](auto&& fn) {
    size_t at = 0;
    auto next = articles.begin();
    site.each_page([&](const PageRecord& p) {
      if (next != articles.end() && next->page == at) fn(p, *next++);
      ++at;
    }, true);  // with the texts: it reads them all
  };
  std::vector<std::uint64_t> lines;  // of one article, in order
  auto read_lines = [&](const PageRecord& p) {
    lines.clear();
    each_line(site.text_of(p), [&](std::uint64_t line) { lines.push_back(line); });
    distinct = lines;
    std::sort(distinct.begin(), distinct.end());
    distinct.erase(std::unique(distinct.begin(), distinct.end()), distinct.end());
  };
  each_article([&](const PageRecord& p, Article&) {
    read_lines(p);
    for (auto line : distinct) sketch.add(line);
  });
  auto hash_text = [&](Article& a, auto&& is_template) {
    a.text = a.bytes = 0;
    for (auto line : lines)
      if (!is_template(line)) a.text = a.text * 1000003u ^ (line >> 16), a.bytes += std::uint32_t(line & 0xffff);
  };
  auto likely = [&](std::uint64_t line) { return sketch.estimate(line) >= common; };
  std::unordered_map<std::uint64_t, size_t> candidates;  // a likely template line -> articles it is on
  each_article([&](const PageRecord& p, Article& a) {
    read_lines(p);
    for (auto line : distinct)
      if (likely(line)) ++candidates[line];
    a.head = std::hash<std::string>{}(column_of(p, listed_on)) * 31 + std::hash<std::string>{}(p.title);
    hash_text(a, likely);
  });
  if (std::erase_if(candidates, [&](auto& c) { return c.second < common; }) > 0)
    each_article([&](const PageRecord& p, Article& a) {
      read_lines(p);
      hash_text(a, [&](std::uint64_t line) { return candidates.count(line) > 0; });
    });
  // Copies share column, title and text: grouped first by a hash of the three (the articles sorted
  // by it), then, where a hash has several pages, by the three themselves.
  std::erase_if(articles, [](auto& a) { return a.bytes < 30; });  // no text of its own to compare (a bare attachment link …)
  std::sort(articles.begin(), articles.end(), [](auto& x, auto& y) { return x.key() < y.key(); });
  using Key = std::tuple<std::string, std::string, std::size_t>;  // column, title, text
  std::map<Key, std::vector<std::shared_ptr<const PageRecord>>> groups;
  for (size_t b = 0, e; b < articles.size(); b = e) {
    for (e = b + 1; e < articles.size() && articles[e].key() == articles[b].key(); ++e) {}
    if (e - b > 1)
      for (size_t k = b; k < e; ++k) {
        auto p = site.page_at(articles[k].page);
        groups[{column_of(*p, listed_on), p->title, articles[k].text}].push_back(std::move(p));
      }
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
