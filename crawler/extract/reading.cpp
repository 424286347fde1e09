#include "crawler/extract/reading.hpp"

#include <algorithm>
#include <array>
#include <cstring>

#include "crawler/extract/dates.hpp"
#include "model/strings.hpp"

namespace govaudit::reading {
namespace {

// A labelled date and where its label stands in the text.
struct Labelled {
  Date date;
  size_t pos = 0;
};

constexpr std::array kSpecific = {"发布时间", "发布日期", "发稿时间", "发表时间", "公开日期", "发布于", "更新时间", "上传时间"};
constexpr std::array kGeneric = {"时间", "日期", "发布"};
constexpr std::array kDocument = {"成文日期", "发文日期", "生成日期", "印发日期", "成文时间", "发文时间", "印发时间"};
// Words on a dated line that make its date something other than the publication date.
constexpr std::array kNotPublication = {"成文", "发文日期", "生成日期", "印发", "截止", "有效期", "施行", "实施", "废止", "开始", "结束"};

bool ascii_word(unsigned char c) { return (c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z'); }

// A generic label stands alone when what precedes it is the start of the text, a space or
// punctuation — not another word (成文日期, 会议时间, 办理时间).
bool standalone(std::string_view t, size_t p) {
  if (p == 0) return true;
  unsigned char c = t[p - 1];
  if (c < 0x80) return !ascii_word(c);
  if (p < 3) return false;
  std::string_view prev = t.substr(p - 3, 3);
  for (const char* punct : {"】", "）", "｜", "，", "。", "；", "、", "丨", "：", "》", "」"})
    if (prev == punct) return true;
  return false;
}

// The date that starts right after a label: an optional colon (ASCII or full-width), brackets and
// spaces or a line break (a label and its value often sit in two elements) come between.
std::optional<Date> date_after(std::string_view t, size_t end) {
  size_t q = end, lines = 0;
  while (q < t.size() && q < end + 16) {
    if (t[q] == ' ' || t[q] == ':' || t[q] == ']' || t[q] == ')' || t[q] == '[') {
      ++q;
    } else if (t[q] == '\n') {
      if (++lines > 1) break;
      ++q;
    } else if (t.compare(q, 3, "：") == 0 || t.compare(q, 3, "】") == 0 || t.compare(q, 3, "）") == 0 ||
               t.compare(q, 3, "【") == 0) {
      q += 3;
    } else {
      break;
    }
  }
  auto found = dates::find_all(t.substr(q, 40));
  if (found.empty() || found.front().pos != 0) return std::nullopt;
  return found.front().date;
}

template <size_t N>
std::optional<Labelled> first_labelled(std::string_view t, const std::array<const char*, N>& labels, bool generic,
                                       size_t from, size_t to) {
  std::optional<Labelled> best;
  for (const char* label : labels) {
    size_t len = std::strlen(label);
    std::string_view within = t.substr(0, std::min(t.size(), to + len));  // no search past `to`
    for (size_t p = find_bytes(within, label, from); p != std::string_view::npos && p < to; p = find_bytes(within, label, p + len)) {
      if (best && p >= best->pos) break;
      if (generic && !standalone(t, p)) continue;
      if (auto d = date_after(t, p + len)) {
        best = Labelled{*d, p};
        break;
      }
    }
  }
  return best;
}

// Where the article's title stands in the visible text: the <h1> (or h2, h3) when it is the title
// the <title> or ArticleTitle gives, else ArticleTitle, else the <title> up to its site-name suffix,
// else any <h1>. An <h3> of a share box ("微信分享") is not the title. npos when none is found.
size_t title_pos(const extract::Page& page) {
  std::string_view t = page.text;
  auto find_line = [&](std::string_view s) -> size_t {
    if (s.size() < 6) return std::string_view::npos;
    if (size_t p = t.find(s); p != std::string_view::npos) return p;
    // A title broken by <br> reads as two lines here: its first line, when it says enough.
    if (size_t cut = s.find(' '); cut != std::string_view::npos && cut >= 12) return t.find(s.substr(0, cut));
    return std::string_view::npos;
  };
  std::string article;
  if (auto it = page.meta.find("ArticleTitle"); it != page.meta.end()) article = extract::squash(it->second);
  std::string title = page.title;
  bool suffixed = false;
  for (const char* sep : {"_", " - ", "-", "|", "——"})
    if (size_t cut = title.find(sep); cut != std::string::npos && cut >= 6) title.resize(cut), suffixed = true;
  if (size_t br = title.find("<br"); br != std::string::npos) title.resize(br);
  title = extract::squash(title);
  auto similar = [](std::string_view a, std::string_view b) {
    if (a.size() < 6 || b.size() < 6) return false;
    return a.find(b.substr(0, std::min<size_t>(b.size(), 12))) != std::string_view::npos ||
           b.find(a.substr(0, std::min<size_t>(a.size(), 12))) != std::string_view::npos;
  };
  const std::string& h = page.headline;
  auto site = page.meta.find("SiteName");
  bool site_title = !suffixed || (site != page.meta.end() && extract::squash(site->second) == title);
  for (std::string_view c : {similar(h, title) || similar(h, article) ? std::string_view(h) : std::string_view(),
                             std::string_view(article), site_title ? std::string_view() : std::string_view(title),
                             std::string_view(h), std::string_view(title)})
    if (size_t p = find_line(c); p != std::string_view::npos) return p;
  return std::string_view::npos;
}

// What may stand before the date on a header line: punctuation, the words of an article's byline
// (来源, 作者, 发布 …), or a short source name without a label of its own ("新华网 2023-05-01",
// "人民网 | 2023年05月01日"). "会议时间：" before it makes the date the meeting's.
bool header_prefix(std::string_view before) {
  if (std::all_of(before.begin(), before.end(), [](char c) { return (unsigned char)c < 0x80 && !ascii_word(c); }))
    return true;
  for (const char* w : {"来源", "作者", "发布", "编辑", "浏览", "点击", "信息来源", "文章来源"})
    if (before.find(w) != std::string_view::npos) return true;
  return before.size() <= 36 && before.find("：") == std::string_view::npos && before.find(':') == std::string_view::npos &&
         before.find("时间") == std::string_view::npos && before.find("日期") == std::string_view::npos;
}

// The dated line nearest below the title, before the body: "2022-02-13 09:57", "来源：某局 2021-1-29".
std::optional<Date> header_line(std::string_view t, size_t title_at) {
  size_t line = t.find('\n', title_at);
  for (int n = 0; line != std::string_view::npos && n < 6; ++n) {
    size_t start = line + 1, end = t.find('\n', start);
    std::string_view l = t.substr(start, end == std::string_view::npos ? std::string_view::npos : end - start);
    if (l.size() > 160) break;  // the body has begun
    // A block of other pages (关联稿件, 相关链接) has begun: its dates are theirs.
    if (l.find("关联") != std::string_view::npos || l.find("相关") != std::string_view::npos) break;
    auto found = dates::find_all(l);
    bool other = std::any_of(kNotPublication.begin(), kNotPublication.end(),
                             [&](const char* w) { return l.find(w) != std::string_view::npos; });
    if (!found.empty() && !other && found.front().pos < 45 && header_prefix(l.substr(0, found.front().pos)))
      return found.front().date;
    line = end;
  }
  return std::nullopt;
}

// Segments of a breadcrumb after its label, across the lines its links may sit on.
std::vector<std::string> crumb_steps(std::string_view t, size_t label_end) {
  std::string joined;
  size_t p = label_end;
  for (int n = 0; p < t.size() && n < 16; ++n) {
    size_t e = t.find('\n', p);
    std::string_view l = t.substr(p, e == std::string_view::npos ? std::string_view::npos : e - p);
    if (n > 0 && l.size() > 60) break;
    joined += std::string(l) + "\n";
    if (e == std::string_view::npos) break;
    p = e + 1;
    // Continue only while the breadcrumb visibly goes on: a separator at the end of this line or
    // the start of the next.
    std::string_view next = t.substr(p, 6);
    bool goes_on = false;
    for (const char* sep : {">", "》", "»", "›", "→", "＞", "/"})
      goes_on = goes_on || l.ends_with(sep) || next.starts_with(sep) || l.ends_with(std::string(sep) + " ");
    if (!goes_on && n > 0) break;
    if (!goes_on && !l.empty() && !l.ends_with("：") && !l.ends_with(":")) break;
  }
  std::vector<std::string> steps;
  std::string cur;
  auto flush = [&] {
    std::string s = extract::squash(cur);
    if (!s.empty()) steps.push_back(s);
    cur.clear();
  };
  for (size_t i = 0; i < joined.size();) {
    size_t len = 0;
    for (const char* sep : {"->", ">>", ">", "》", "»", "›", "→", "＞", "/", "\n"})
      if (joined.compare(i, std::strlen(sep), sep) == 0) {
        len = std::strlen(sep);
        break;
      }
    if (len) {
      flush();
      i += len;
    } else {
      cur += joined[i++];
    }
  }
  flush();
  // The label's own colon may start the first step.
  if (!steps.empty())
    for (const char* c : {"：", ":"})
      if (steps.front().starts_with(c)) steps.front() = extract::squash(steps.front().substr(std::strlen(c)));
  std::erase_if(steps, [](const std::string& s) { return s.empty(); });
  return steps;
}

// A breadcrumb's column: its last step that names one, and how many of its steps do.
struct Crumb {
  std::string column;
  int columns = 0;
};

Crumb crumb_of(std::vector<std::string> steps) {
  // The page's own step names its type (正文, 信息详情), not a column.
  static const std::array kPageSteps = {"正文", "详情", "内容", "文章", "阅读", "浏览", "详细内容", "正文内容", "详情页",
                                        "信息详情", "文章详情", "内容详情", "正文页", "查看详情"};
  auto home = [](const std::string& s) { return s == "首页" || s == "网站首页" || s == "主页" || s == "返回首页"; };
  while (!steps.empty() && (std::find(kPageSteps.begin(), kPageSteps.end(), steps.back()) != kPageSteps.end() ||
                            steps.back().size() > 90))
    steps.pop_back();
  Crumb c;
  for (auto& s : steps) c.columns += !home(s);
  if (steps.empty() || home(steps.back())) return {};
  c.column = steps.back();
  // The column's heading printed right after the breadcrumb on its line: "工作动态 工作动态".
  if (size_t half = c.column.size() / 2; c.column.size() % 2 == 1 && c.column[half] == ' ' &&
                                         c.column.compare(0, half, c.column, half + 1) == 0)
    c.column.resize(half);
  return c;
}

// A breadcrumb in the text: after a label (当前位置：), or a line that starts with 首页 and goes on
// with a separator (首页 / 新闻 / 区县热点). The first one that names a column.
Crumb text_crumb(std::string_view t) {
  for (const char* label : {"当前位置", "您现在的位置", "您的位置", "所在位置", "现在的位置", "当前的位置"})
    for (size_t p = t.find(label); p != std::string_view::npos; p = t.find(label, p + 1)) {
      auto steps = crumb_steps(t, p + std::strlen(label));
      if (Crumb c = crumb_of(steps); !c.column.empty() && steps.size() >= 2) return c;
    }
  for (const char* home : {"网站首页", "首页"})
    for (size_t p = t.find(home); p != std::string_view::npos; p = t.find(home, p + 1)) {
      if (p > 0 && t[p - 1] != '\n' && t[p - 1] != ' ') continue;
      size_t q = p + std::strlen(home);
      while (q < t.size() && (t[q] == ' ' || t[q] == '\n')) ++q;
      bool sep = false;
      for (const char* s : {">", "》", "»", "›", "→", "＞", "/", "->"}) sep = sep || t.compare(q, std::strlen(s), s) == 0;
      if (!sep) continue;
      auto steps = crumb_steps(t, p);
      if (Crumb c = crumb_of(steps); !c.column.empty() && steps.size() >= 2) return c;
    }
  return {};
}

// A ColumnName that is not a column: the article's title, a year, or the site's name glued to the
// column (武汉市人民政府门户网站武汉动态: the column is what follows the name).
std::string meta_column(const extract::Page& page) {
  auto it = page.meta.find("ColumnName");
  if (it == page.meta.end()) it = page.meta.find("columnname");
  if (it == page.meta.end()) return {};
  std::string c = extract::squash(it->second);
  if (auto site = page.meta.find("SiteName"); site != page.meta.end())
    if (std::string name = extract::squash(site->second); name.size() >= 6 && c.size() > name.size() && c.starts_with(name))
      c = extract::squash(c.substr(name.size()));
  bool year = !c.empty() && std::all_of(c.begin(), c.end(), [](char ch) { return ch >= '0' && ch <= '9'; });
  if (c.size() >= 4 && c.size() <= 7 && (c.ends_with("年") || year)) return {};
  auto title = page.meta.find("ArticleTitle");
  std::string headline = title != page.meta.end() ? extract::squash(title->second) : page.headline;
  if (c.size() > 30 && !headline.empty() && (c == headline || headline.starts_with(c))) return {};
  return c;
}

}  // namespace

std::optional<Date> document_label(std::string_view text) {
  auto d = first_labelled(text, kDocument, false, 0, text.size());
  return d ? std::optional<Date>(d->date) : std::nullopt;
}

namespace {

// Why a date of the text is not the page's publication date, judged by its line.
std::string why_not(std::string_view line, const extract::Page& page, const Date& d) {
  for (const char* w : kNotPublication)
    if (line.find(w) != std::string_view::npos) return std::string("a date of another kind (") + w + ")";
  if (line.find("Copyright") != std::string_view::npos || line.find("©") != std::string_view::npos ||
      line.find("版权") != std::string_view::npos)
    return "a copyright line";
  if (line.find("publishdate") != std::string_view::npos || line.find("Produced") != std::string_view::npos ||
      line.find("生成时间") != std::string_view::npos)
    return "a build stamp of the page";
  if (line.find("今天是") != std::string_view::npos || line.find("星期") != std::string_view::npos)
    return "a clock or calendar";
  for (auto& i : page.items)
    if (i.date && *i.date == d) return "an item of a list";
  return "not labelled as the publication date, nor under the title";
}

}  // namespace

void read_dates(extract::Page& page, const std::string& url) {
  static const char* meta_keys[] = {"PubDate", "pubdate", "publishdate", "PublishDate", "firstpublishedtime",
                                    "article:published_time", "og:release_date", "others"};
  std::string meta_key;
  for (const char* k : meta_keys)
    if (auto it = page.meta.find(k); it != page.meta.end())
      if (auto d = dates::first(it->second)) {
        page.meta_published = d;
        meta_key = k;
        break;
      }
  std::string_view t = page.text;
  auto& seen = page.date_reading;
  // The first source with a date gives it; a later one is noted with why it comes after.
  auto take = [&](std::optional<Date> d, const char* source, std::string from, const char* why) {
    if (!d) return;
    if (!page.published) {
      page.published = d;
      page.published_source = source;
      seen.push_back({d->iso(), std::move(from), ""});
    } else if (std::none_of(seen.begin(), seen.end(), [&](auto& c) { return c.value == d->iso() && c.from == from; })) {
      std::string because = why ? why : page.published_source == "label" ? "a labelled date comes first" : "the date under the title comes first";
      seen.push_back({d->iso(), std::move(from), *d == *page.published ? "agrees with the date taken" : because});
    }
  };
  const char* later = nullptr;  // a date the reader met earlier comes first
  // Below the title, within its header, a generic label (时间：, 日期：) is the article's own; elsewhere
  // only a specific one (发布日期 …) is, since a sidebar or the body may hold other dates.
  size_t title_at = title_pos(page);
  if (title_at != std::string_view::npos) {
    size_t header_end = std::min(t.size(), title_at + page.headline.size() + 600);
    if (auto l = first_labelled(t, kSpecific, false, title_at, header_end)) take(l->date, "label", "label under the title", later);
    if (auto l = first_labelled(t, kGeneric, true, title_at, header_end)) take(l->date, "label", "label under the title", later);
  }
  if (auto l = first_labelled(t, kSpecific, false, 0, t.size())) take(l->date, "label", "label", later);
  // A list's first entries sit where an article's date line would.
  if (title_at != std::string_view::npos && page.items.size() < 3)
    take(header_line(t, title_at), "header", "the line under the title", later);
  take(page.meta_published, "meta", "meta " + meta_key, "the page shows another date; a reader trusts it over the meta");
  take(dates::from_url(url), "url", "URL", "a URL's date is the last resort");
  for (const char* k : {"Maketime", "lastmodifiedtime", "LastModifiedTime", "others"})
    if (auto it = page.meta.find(k); it != page.meta.end() && k != meta_key)
      if (auto d = dates::first(it->second)) seen.push_back({d->iso(), std::string("meta ") + k, "when the page was made, not published"});
  page.document_date = document_label(t);
}

void weigh_text_dates(extract::Page& page) {
  std::string_view t = page.text;
  auto& seen = page.date_reading;
  for (auto& f : dates::find_all(t)) {
    if (seen.size() >= 16) break;
    if (std::any_of(seen.begin(), seen.end(), [&](auto& c) { return c.value == f.date.iso(); })) continue;
    size_t a = t.rfind('\n', f.pos), b = t.find('\n', f.pos);
    a = a == std::string_view::npos ? 0 : a + 1;
    std::string_view line = t.substr(a, (b == std::string_view::npos ? t.size() : b) - a);
    size_t cut = std::min<size_t>(line.size(), 60);
    while (cut < line.size() && (static_cast<unsigned char>(line[cut]) & 0xC0) == 0x80) --cut;  // whole characters
    seen.push_back({f.date.iso(), "text: " + extract::squash(line.substr(0, cut)), why_not(line, page, f.date)});
  }
}

// The column a reader sees: the breadcrumb's last column step where the breadcrumb goes below the
// site's top sections (首页 > 公开 only names a section), else the ColumnName meta, else the
// breadcrumb. A ColumnName that ends with the breadcrumb's column has the site's name glued on.
void read_column(extract::Page& page) {
  Crumb crumb = crumb_of(page.crumbs);
  std::string crumb_from = "breadcrumb (CurrChnlCls links)";
  if (crumb.column.empty()) crumb = text_crumb(page.text), crumb_from = "breadcrumb";
  std::string meta = meta_column(page);
  auto raw = page.meta.find("ColumnName");
  if (raw == page.meta.end()) raw = page.meta.find("columnname");
  bool crumb_first = !crumb.column.empty() && (crumb.columns >= 2 || meta.empty() || meta.ends_with(crumb.column));
  page.column = crumb_first ? crumb.column : meta.empty() ? crumb.column : meta;
  auto& seen = page.column_reading;
  auto note = [&](const std::string& value, const std::string& from, const char* why) {
    if (value.empty()) return;
    bool first = seen.empty();
    seen.push_back({value, from, value != page.column ? why : first ? "" : "agrees with the column taken"});
  };
  if (crumb_first) {
    note(crumb.column, crumb_from, "");
    note(meta, "meta ColumnName", "the breadcrumb, which a reader sees, names another column");
  } else {
    note(meta, "meta ColumnName", "");
    note(crumb.column, crumb_from, "the breadcrumb names only a top section of the site");
  }
  if (raw != page.meta.end() && extract::squash(raw->second) != meta)
    seen.push_back({extract::squash(raw->second), "meta ColumnName as written",
                    meta.empty() ? "a year or the article's title, not a column" : "the site's name glued to the column"});
}

}  // namespace govaudit::reading
