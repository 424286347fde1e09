#include "crawler/extract/messages.hpp"

#include <algorithm>
#include <cstring>

#include "crawler/extract/dates.hpp"
#include "crawler/extract/extract.hpp"
#include "crawler/extract/html_tree.hpp"
#include "model/phone_number.hpp"

namespace govaudit::extract {
namespace {

bool element(const GumboNode* n, GumboTag t) { return n->type == GUMBO_NODE_ELEMENT && n->v.element.tag == t; }

void text_into(const GumboNode* n, std::string& out) {
  if (n->type == GUMBO_NODE_TEXT || n->type == GUMBO_NODE_WHITESPACE || n->type == GUMBO_NODE_CDATA) {
    out += n->v.text.text;
    return;
  }
  if (n->type != GUMBO_NODE_ELEMENT) return;
  GumboTag t = n->v.element.tag;
  if (t == GUMBO_TAG_SCRIPT || t == GUMBO_TAG_STYLE) return;
  for (unsigned i = 0; i < n->v.element.children.length; ++i)
    text_into(static_cast<const GumboNode*>(n->v.element.children.data[i]), out);
  out += ' ';
}
std::string text(const GumboNode* n) {
  std::string s;
  text_into(n, s);
  return squash(s);
}

const GumboNode* first_link(const GumboNode* n) {
  if (n->type != GUMBO_NODE_ELEMENT) return nullptr;
  if (n->v.element.tag == GUMBO_TAG_A && attr(n, "href")) return n;
  for (unsigned i = 0; i < n->v.element.children.length; ++i)
    if (auto a = first_link(static_cast<const GumboNode*>(n->v.element.children.data[i]))) return a;
  return nullptr;
}

bool has_any(std::string_view s, const std::vector<std::string>& words) {
  return std::any_of(words.begin(), words.end(), [&](auto& w) { return s.find(w) != std::string_view::npos; });
}
std::string first_of(std::string_view s, const std::vector<std::string>& words) {
  size_t best = std::string_view::npos;
  std::string found;
  for (auto& w : words)
    if (size_t p = s.find(w); p != std::string_view::npos && (p < best || (p == best && w.size() > found.size()))) best = p, found = w;
  return found;
}

// The rows of a table, not those of tables nested in it.
void rows_of(const GumboNode* n, std::vector<const GumboNode*>& out, bool top) {
  if (n->type != GUMBO_NODE_ELEMENT) return;
  if (!top && n->v.element.tag == GUMBO_TAG_TABLE) return;
  if (n->v.element.tag == GUMBO_TAG_TR) {
    out.push_back(n);
    return;
  }
  for (unsigned i = 0; i < n->v.element.children.length; ++i)
    rows_of(static_cast<const GumboNode*>(n->v.element.children.data[i]), out, false);
}
std::vector<const GumboNode*> cells_of(const GumboNode* tr) {
  std::vector<const GumboNode*> out;
  for (unsigned i = 0; i < tr->v.element.children.length; ++i) {
    auto c = static_cast<const GumboNode*>(tr->v.element.children.data[i]);
    if (element(c, GUMBO_TAG_TD) || element(c, GUMBO_TAG_TH)) out.push_back(c);
  }
  return out;
}

}  // namespace

std::vector<Message> message_table(const GumboNode* table) {
  const MessageWords& w = message_words();
  std::vector<const GumboNode*> rows;
  rows_of(table, rows, true);
  std::vector<Message> out;
  int c_title = -1, c_left = -1, c_status = -1, c_replied = -1, c_unit = -1;
  size_t header = rows.size();
  for (size_t r = 0; r < rows.size() && r < 3; ++r) {
    auto cells = cells_of(rows[r]);
    int l = -1, s = -1, rp = -1, t = -1, u = -1;
    for (size_t i = 0; i < cells.size(); ++i) {
      std::string h = text(cells[i]);
      if (h.size() > 40) continue;  // a header cell is a short label
      if (l < 0 && has_any(h, w.left)) l = int(i);
      else if (rp < 0 && has_any(h, w.replied)) rp = int(i);
      else if (s < 0 && has_any(h, w.status)) s = int(i);
      else if (u < 0 && has_any(h, w.unit)) u = int(i);
      else if (t < 0 && has_any(h, w.title)) t = int(i);
    }
    if (l >= 0 && (s >= 0 || rp >= 0)) {
      header = r, c_title = t, c_left = l, c_status = s, c_replied = rp, c_unit = u;
      break;
    }
  }
  for (size_t r = header + 1; r < rows.size(); ++r) {
    auto cells = cells_of(rows[r]);
    auto cell = [&](int i) { return i >= 0 && size_t(i) < cells.size() ? cells[size_t(i)] : nullptr; };
    const GumboNode* a = cell(c_title) ? first_link(cell(c_title)) : first_link(rows[r]);
    if (!a) a = first_link(rows[r]);
    if (!a || !cell(c_left)) continue;
    Message m;
    m.href = attr(a, "href");
    m.title = text(a);
    if (const char* ti = attr(a, "title"); ti && std::strlen(ti) > m.title.size()) m.title = squash(ti);
    m.left = dates::first(text(cell(c_left)));
    if (auto c = cell(c_replied)) m.replied = dates::first(text(c));
    if (auto c = cell(c_status)) m.status = text(c);
    if (auto c = cell(c_unit)) m.unit = text(c);
    if (m.left) out.push_back(std::move(m));
  }
  return out;
}

std::optional<Message> message_entry(const GumboNode* entry) {
  const MessageWords& w = message_words();
  const GumboNode* a = first_link(entry);
  if (!a) return std::nullopt;
  std::string all = text(entry);
  std::string status = first_of(all, w.open);
  if (status.empty()) status = first_of(all, w.answered);
  if (status.empty()) return std::nullopt;
  auto found = dates::find_all(all);
  if (found.empty()) return std::nullopt;
  Message m;
  m.href = attr(a, "href");
  m.title = text(a);
  m.status = status;
  m.left = found[0].date;
  if (found.size() > 1) m.replied = found[1].date;
  return m;
}

namespace {
// Where a label starts a line (or a cell): its end, else npos.
size_t label_end(std::string_view line, const std::vector<std::string>& labels) {
  for (auto& label : labels)
    if (size_t p = line.find(label); p != std::string_view::npos && p <= 12) return p + label.size();
  return std::string_view::npos;
}

// The mobile numbers of the citizen's fields: each field's value up to the next labelled line,
// before the department's reply begins (its time or text) — a number in the reply, or in the
// site's footer below it, is not the citizen's.
std::vector<std::string> citizen_phones(const std::vector<std::string_view>& lines) {
  const MessageWords& w = message_words();
  std::vector<const std::vector<std::string>*> reply = {&w.replied, &w.reply_text};
  std::vector<const std::vector<std::string>*> any = {&w.unit, &w.replied, &w.reply_text, &w.title, &w.left,
                                                      &w.status, &w.content, &w.citizen};
  auto starts = [&](std::string_view l, const std::vector<const std::vector<std::string>*>& sets) {
    return std::any_of(sets.begin(), sets.end(), [&](auto* s) { return label_end(l, *s) != std::string_view::npos; });
  };
  std::vector<std::string> out;
  for (size_t i = 0; i < lines.size() && !starts(lines[i], reply); ++i) {
    size_t e = label_end(lines[i], w.content);
    if (e == std::string_view::npos) e = label_end(lines[i], w.citizen);
    if (e == std::string_view::npos) continue;
    std::string field(lines[i].substr(e));
    for (size_t k = i + 1; k < lines.size() && k < i + 40 && !starts(lines[k], any); ++k) field += "\n", field += lines[k];
    for (auto& n : phone_number::find(field)) out.push_back(std::move(n));
  }
  std::sort(out.begin(), out.end());
  return out;
}
}  // namespace

std::optional<Message> message_page(std::string_view page) {
  const MessageWords& w = message_words();
  std::vector<std::string_view> lines;
  for (size_t b = 0; b < page.size();) {
    size_t e = page.find('\n', b);
    if (e == std::string_view::npos) e = page.size();
    lines.push_back(page.substr(b, e - b));
    b = e + 1;
  }
  // The value of a label: after it on its line (past a colon), else the next non-empty line.
  auto value = [&](const std::vector<std::string>& labels) -> std::optional<std::string> {
    for (size_t i = 0; i < lines.size(); ++i) {
      std::string_view l = lines[i];
      for (auto& label : labels) {
        size_t p = l.find(label);
        if (p == std::string_view::npos || p > 12) continue;  // a label starts its line (or cell)
        std::string_view rest = l.substr(p + label.size());
        for (std::string_view colon : {"：", ":", " "})
          while (rest.substr(0, colon.size()) == colon) rest.remove_prefix(colon.size());
        if (!rest.empty()) return std::string(rest);
        if (i + 1 < lines.size()) return std::string(lines[i + 1]);
        return std::string();
      }
    }
    return std::nullopt;
  };
  auto left = value(w.left);
  if (!left) return std::nullopt;
  Message m;
  m.left = dates::first(*left);
  if (!m.left) return std::nullopt;
  auto status = value(w.status);
  auto replied = value(w.replied);
  auto reply = value(w.reply_text);
  if (!status && !replied && !reply) return std::nullopt;
  if (status) {
    m.status = first_of(*status, w.open);
    if (m.status.empty()) m.status = first_of(*status, w.answered);
  }
  if (replied) m.replied = dates::first(*replied);
  if (auto u = value(w.unit)) m.unit = squash(*u);
  if (auto t = value(w.title)) m.title = squash(*t);
  // A reply's content that is more than a placeholder.
  m.reply_text = reply && squash(*reply).size() > 6 && !has_any(*reply, w.open) && reply->find("暂无") == std::string::npos;
  m.phones = citizen_phones(lines);
  return m;
}

}  // namespace govaudit::extract
