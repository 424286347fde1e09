#include "crawler/reading.hpp"

#include <algorithm>
#include <array>
#include <cstring>

#include "crawler/dates.hpp"
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

// Where the article's title stands in the visible text: the <h1> (or h2, h3), else ArticleTitle,
// else the <title> up to its site-name suffix. npos when none of them is found.
size_t title_pos(const extract::Page& page) {
  std::string_view t = page.text;
  auto find_line = [&](std::string s) -> size_t {
    if (s.size() < 6) return std::string_view::npos;
    return t.find(s);
  };
  if (size_t p = find_line(page.headline); p != std::string_view::npos) return p;
  if (auto it = page.meta.find("ArticleTitle"); it != page.meta.end())
    if (size_t p = find_line(extract::squash(it->second)); p != std::string_view::npos) return p;
  std::string title = page.title;
  for (const char* sep : {"_", " - ", "-", "|", "——"})
    if (size_t cut = title.find(sep); cut != std::string::npos && cut >= 6) title.resize(cut);
  return find_line(extract::squash(title));
}

// What may stand before the date on a header line: nothing but punctuation, or the words of an
// article's byline (来源, 作者, 发布 …). "会议时间：" before it makes the date the meeting's.
bool header_prefix(std::string_view before) {
  if (std::all_of(before.begin(), before.end(), [](char c) { return (unsigned char)c < 0x80 && !ascii_word(c); }))
    return true;
  for (const char* w : {"来源", "作者", "发布", "编辑", "浏览", "点击", "信息来源", "文章来源"})
    if (before.find(w) != std::string_view::npos) return true;
  return false;
}

// The dated line nearest below the title, before the body: "2022-02-13 09:57", "来源：某局 2021-1-29".
std::optional<Date> header_line(std::string_view t, size_t title_at) {
  size_t line = t.find('\n', title_at);
  for (int n = 0; line != std::string_view::npos && n < 6; ++n) {
    size_t start = line + 1, end = t.find('\n', start);
    std::string_view l = t.substr(start, end == std::string_view::npos ? std::string_view::npos : end - start);
    if (l.size() > 160) break;  // the body has begun
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
    for (const char* sep : {">>", ">", "》", "»", "›", "→", "＞", "/", "\n"})
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

std::string last_column_step(std::vector<std::string> steps) {
  while (!steps.empty()) {
    const std::string& s = steps.back();
    bool page_step = s == "正文" || s == "详情" || s == "内容" || s == "文章" || s == "阅读" || s == "浏览" ||
                     s == "详细内容" || s == "正文内容" || s.size() > 90;
    if (!page_step) return s;
    steps.pop_back();
  }
  return {};
}

}  // namespace

std::optional<Date> document_label(std::string_view text) {
  auto d = first_labelled(text, kDocument, false, 0, text.size());
  return d ? std::optional<Date>(d->date) : std::nullopt;
}

void read_dates(extract::Page& page, const std::string& url) {
  static const char* meta_keys[] = {"PubDate", "pubdate", "publishdate", "PublishDate", "firstpublishedtime",
                                    "article:published_time", "og:release_date", "others"};
  for (const char* k : meta_keys)
    if (auto it = page.meta.find(k); it != page.meta.end())
      if (auto d = dates::first(it->second)) {
        page.meta_published = d;
        break;
      }
  std::string_view t = page.text;
  auto take = [&](std::optional<Date> d, const char* source) {
    if (page.published || !d) return;
    page.published = d;
    page.published_source = source;
  };
  // Below the title, within its header, a generic label (时间：, 日期：) is the article's own; elsewhere
  // only a specific one (发布日期 …) is, since a sidebar or the body may hold other dates.
  size_t title_at = title_pos(page);
  if (title_at != std::string_view::npos) {
    size_t header_end = std::min(t.size(), title_at + page.headline.size() + 600);
    if (auto l = first_labelled(t, kSpecific, false, title_at, header_end)) take(l->date, "label");
    if (auto l = first_labelled(t, kGeneric, true, title_at, header_end)) take(l->date, "label");
  }
  if (auto l = first_labelled(t, kSpecific, false, 0, t.size())) take(l->date, "label");
  // A list's first entries sit where an article's date line would.
  if (title_at != std::string_view::npos && page.items.size() < 3) take(header_line(t, title_at), "header");
  take(page.meta_published, "meta");
  take(dates::from_url(url), "url");
  page.document_date = document_label(t);
}

std::string read_column(const extract::Page& page) {
  if (auto it = page.meta.find("ColumnName"); it != page.meta.end())
    if (std::string c = extract::squash(it->second); !c.empty()) return c;
  if (std::string c = last_column_step(page.crumbs); !c.empty()) return c;
  std::string_view t = page.text;
  for (const char* label : {"当前位置", "您现在的位置", "您的位置", "所在位置", "现在的位置", "当前的位置"}) {
    size_t p = t.find(label);
    if (p == std::string_view::npos) continue;
    auto steps = crumb_steps(t, p + std::strlen(label));
    if (std::string c = last_column_step(steps); !c.empty() && steps.size() >= 2) return c;
  }
  return {};
}

}  // namespace govaudit::reading
