#include "crawler/extract/extract.hpp"

#include <gumbo.h>

#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <map>
#include <mutex>
#include <new>
#include <stdexcept>
#include <string_view>
#include <unordered_set>


#include "crawler/extract/dates.hpp"
#include "crawler/extract/html_tree.hpp"
#include "crawler/extract/reading.hpp"
#include "crawler/extract/scripts.hpp"
#include "crawler/extract/styles.hpp"
#include "model/strings.hpp"
#include "model/url.hpp"

namespace govaudit::extract {
namespace {

HtmlTree parse_html(std::string_view html, const Limits& limits, Page& page) {
  std::string storage;
  bool flattened = false, cut = false;
  html = cap_markup(html, limits.max_depth, limits.max_elements, storage, flattened, cut);
  page.depth_capped = page.depth_capped || flattened;
  page.elements_capped = page.elements_capped || cut;
  return HtmlTree(html);
}


struct Walker {
  Page& page;
  const Limits& limits;
  bool messages = false;  // the page may hold citizen messages (a status or reply word occurs)
  std::vector<std::string> scripts = {};
  std::vector<std::string> styles = {};
  const std::vector<std::string_view>* linked = nullptr;  // linked stylesheets' texts, before the <style> blocks
  std::string page_host = {};
  std::vector<const GumboNode*> anchors = {};  // per link: its <a>/<area> element, else nullptr
  std::vector<Message> entries = {};      // list entries that carry a status word
  std::unordered_set<std::string> label_for = {};       // ids that a <label for> names
  std::vector<std::pair<std::string, bool>> fields = {};  // form fields: id, labelled otherwise

  static bool inside(const GumboNode* n, GumboTag t) {
    for (const GumboNode* p = n->parent; p; p = p->parent)
      if (p->type == GUMBO_NODE_ELEMENT && p->v.element.tag == t) return true;
    return false;
  }
  void field(const GumboNode* n) {
    if (const char* type = attr(n, "type")) {
      std::string t = ascii_lower(type);
      if (t == "hidden" || t == "submit" || t == "button" || t == "image" || t == "reset") return;
    }
    bool labelled = attr(n, "aria-label") || attr(n, "aria-labelledby") || attr(n, "title") || inside(n, GUMBO_TAG_LABEL);
    const char* id = attr(n, "id");
    fields.emplace_back(id ? id : "", labelled);
  }
  // A form is a site search when its action, its text field or its words say so.
  static std::optional<SearchForm> search_form(const GumboNode* form) {
    SearchForm f;
    const char* action = attr(form, "action");
    f.action = action ? action : "";
    const char* method = attr(form, "method");
    f.post = method && ascii_lower(method) == "post";
    std::string lower_action = ascii_lower(f.action);
    f.script_only = lower_action.rfind("javascript", 0) == 0 || (f.action.empty() && attr(form, "onsubmit"));
    if (lower_action.rfind("javascript", 0) == 0) f.action.clear();
    bool hint = false;
    for (const char* w : {"search", "sousuo", "query", "jsearch", "/so/", "so.", "find"})
      hint = hint || lower_action.find(w) != std::string::npos;
    std::vector<const GumboNode*> stack{form};
    while (!stack.empty()) {
      const GumboNode* n = stack.back();
      stack.pop_back();
      if (n->type == GUMBO_NODE_TEXT) {
        std::string_view t = n->v.text.text;
        hint = hint || t.find("搜索") != std::string_view::npos || t.find("检索") != std::string_view::npos;
        continue;
      }
      if (n->type != GUMBO_NODE_ELEMENT) continue;
      if (n->v.element.tag == GUMBO_TAG_INPUT || n->v.element.tag == GUMBO_TAG_BUTTON) {
        std::string type = ascii_lower(attr(n, "type") ? attr(n, "type") : "text");
        const char* name = attr(n, "name");
        const char* value = attr(n, "value");
        if (value && (std::strstr(value, "搜索") || std::strstr(value, "检索"))) hint = true;
        for (const char* a : {"placeholder", "title", "alt"})
          if (const char* v = attr(n, a); v && (std::strstr(v, "搜索") || std::strstr(v, "检索") || std::strstr(v, "关键"))) hint = true;
        if (n->v.element.tag == GUMBO_TAG_INPUT && name && *name) {
          if (type == "hidden") f.hidden.emplace_back(name, value ? value : "");
          else if ((type == "text" || type == "search") && f.field.empty()) f.field = name;
        }
      }
      for (unsigned i = 0; i < n->v.element.children.length; ++i) stack.push_back(static_cast<const GumboNode*>(n->v.element.children.data[i]));
    }
    static const char* const kNames[] = {"q", "query", "keyword", "keywords", "searchword", "sw", "wd", "word", "key", "kw", "qt", "searchkey", "searchtext"};
    std::string field = ascii_lower(f.field);
    for (const char* k : kNames) hint = hint || field == k;
    if (!hint || (f.field.empty() && !f.script_only)) return std::nullopt;
    return f;
  }

  // The static part of GB/T 37668 that a page shows on its own.
  void accessibility() {
    Accessibility& a = page.a11y;
    a.fields = int(fields.size());
    for (auto& [id, labelled] : fields) a.fields_unlabeled += !labelled && !(id.size() && label_for.count(id));
    a.entry = contains_any(page.text, {"无障碍", "适老化", "长者模式", "关怀模式", "关怀版", "老年模式"});
    // The toolbar scripts county sites embed (aria.js of the 无障碍 service, wza/slh bundles).
    for (auto& l : page.links)
      if (l.tag == "script") {
        std::string src = ascii_lower(l.href);
        for (const char* w : {"aria.js", "/wza", "wza.", "cniil", "assist", "/slh", "shilaohua", "accessib"})
          a.entry = a.entry || src.find(w) != std::string::npos;
      }
  }

  void add_link(std::string href, std::string tag, std::string text, const GumboNode* anchor = nullptr) {
    if (href.empty()) return;
    if (page.links.size() >= limits.max_links) {
      page.links_truncated = true;
      return;
    }
    page.links.push_back({std::move(href), std::move(tag), std::move(text), {}});
    anchors.push_back(anchor);
  }

  // Which links CSS hides, once every <style> block of the page is known.
  void mark_hidden() {
    if (styles.empty() && (!linked || linked->empty()) &&
        std::none_of(anchors.begin(), anchors.end(), [](auto* a) { return a != nullptr; }))
      return;
    StyleSheet sheet;
    if (linked)
      for (auto& css : *linked) sheet.add(css);
    for (auto& css : styles) sheet.add(css);
    for (size_t i = 0; i < anchors.size(); ++i)
      if (anchors[i]) page.links[i].hidden = sheet.hidden(anchors[i]);
    mark_menus(page.links, anchors, sheet, page_host);
  }

  // An item is a list entry (li, tr, dd) with a link and a date, holding no nested entry.
  void maybe_item(const GumboNode* n) {
    const GumboNode* anchor = nullptr;
    std::vector<const GumboNode*> stack{n};
    bool first = true;
    while (!stack.empty()) {
      const GumboNode* c = stack.back();
      stack.pop_back();
      if (c->type != GUMBO_NODE_ELEMENT) continue;
      GumboTag t = c->v.element.tag;
      if (!first && (t == GUMBO_TAG_LI || t == GUMBO_TAG_TR || t == GUMBO_TAG_DD)) return;  // nested entry
      first = false;
      if (t == GUMBO_TAG_A && !anchor && attr(c, "href")) {
        std::string txt = inner_text(c);
        const char* title = attr(c, "title");
        if (!txt.empty() || (title && *title)) anchor = c;
      }
      const GumboVector& ch = c->v.element.children;
      for (unsigned i = ch.length; i-- > 0;) stack.push_back(static_cast<const GumboNode*>(ch.data[i]));
    }
    if (!anchor) return;
    std::string all = inner_text(n);
    std::string title = inner_text(anchor);
    const char* title_attr = attr(anchor, "title");
    if (title_attr && *title_attr && title.size() < std::strlen(title_attr)) title = squash(title_attr);
    // The date is looked for outside the anchor's own text first (a title may contain a year).
    std::string rest = all;
    if (!title.empty())
      if (size_t p = rest.find(inner_text(anchor)); p != std::string::npos) rest.erase(p, inner_text(anchor).size());
    auto d = dates::first(rest);
    if (!d) return;
    page.items.push_back({attr(anchor, "href"), title, d});
  }

  // A 关联稿件 / 相关解读 heading opens a block: the links under the nearest ancestor (up to three
  // levels above the heading) that holds any are the page's related links. An empty block (its
  // items filled by script) opens none.
  const GumboNode* related_scope = nullptr;
  int headline_level = 4;

  static bool descends_from(const GumboNode* n, const GumboNode* scope) {
    for (int i = 0; n && i < 12; ++i, n = n->parent)
      if (n == scope) return true;
    return false;
  }
  // 1 when the subtree holds a link, 2 when it holds only anchors without href (a template that a
  // script fills at view time), 0 when neither.
  static int has_anchor(const GumboNode* root) {
    std::vector<const GumboNode*> stack{root};
    int found = 0;
    for (int seen = 0; !stack.empty() && seen < 400; ++seen) {
      const GumboNode* n = stack.back();
      stack.pop_back();
      if (n->type != GUMBO_NODE_ELEMENT) continue;
      if (n->v.element.tag == GUMBO_TAG_A) {
        if (attr(n, "href")) return 1;
        found = 2;
      }
      const GumboVector& ch = n->v.element.children;
      for (unsigned i = 0; i < ch.length; ++i) stack.push_back(static_cast<const GumboNode*>(ch.data[i]));
    }
    return found;
  }
  void text_node(const GumboNode* n) {
    std::string_view t = n->v.text.text;
    if (t.size() > 90 || (n->parent && n->parent->type == GUMBO_NODE_ELEMENT && invisible(n->parent->v.element.tag))) return;
    bool label = false;
    for (const char* w : {"关联稿件", "相关稿件", "相关解读", "相关文件", "相关链接", "相关政策", "政策原文", "原文链接"})
      label = label || t.find(w) != std::string_view::npos;
    if (!label) return;
    for (const GumboNode* p = n->parent; p; p = p->parent)
      if (p->type == GUMBO_NODE_ELEMENT && p->v.element.tag == GUMBO_TAG_A) return;  // a link's own text
    const GumboNode* scope = n->parent;
    for (int up = 0; scope && up < 3; ++up, scope = scope->parent) {
      if (scope->type != GUMBO_NODE_ELEMENT || scope->v.element.tag == GUMBO_TAG_BODY) return;
      int a = has_anchor(scope);
      if (a == 2) {
        page.related_by_script = true;  // its links are filled in by script
        return;
      }
      if (a == 1) {
        related_scope = scope;
        return;
      }
    }
  }

  void walk(const GumboNode* root) {
    std::vector<const GumboNode*> stack{root};
    while (!stack.empty()) {
      const GumboNode* n = stack.back();
      stack.pop_back();
      if (n->type == GUMBO_NODE_TEXT) text_node(n);
      if (n->type != GUMBO_NODE_ELEMENT && n->type != GUMBO_NODE_DOCUMENT && n->type != GUMBO_NODE_TEMPLATE) continue;
      if (n->type != GUMBO_NODE_DOCUMENT) element(n);
      const GumboVector& ch = n->type == GUMBO_NODE_DOCUMENT ? n->v.document.children : n->v.element.children;
      for (unsigned i = ch.length; i-- > 0;) stack.push_back(static_cast<const GumboNode*>(ch.data[i]));
    }
  }

  // The text of an element's own text children (CDATA too; whitespace nodes when `also` says so).
  static std::string own_text(const GumboNode* n, GumboNodeType also = GUMBO_NODE_TEXT) {
    std::string s;
    for (unsigned i = 0; i < n->v.element.children.length; ++i) {
      auto c = static_cast<const GumboNode*>(n->v.element.children.data[i]);
      if (c->type == GUMBO_NODE_TEXT || c->type == GUMBO_NODE_CDATA || c->type == also) s += c->v.text.text;
    }
    return s;
  }

  void meta(const GumboNode* n) {
    const char* name = attr(n, "name");
    if (!name) name = attr(n, "property");
    const char* equiv = attr(n, "http-equiv");
    const char* content = attr(n, "content");
    if (name && content) page.meta.emplace(name, content);
    if (equiv && content && ascii_lower(equiv) == "refresh")
      if (std::string target = refresh_target(content); !target.empty()) add_link(target, "redirect", "");
  }

  // A link with its text (else its title); a TRS breadcrumb step; an entry of the related block.
  void anchor(const GumboNode* n, const char* tag) {
    const char* h = attr(n, "href");
    if (!h) return;
    std::string txt = inner_text(n);
    if (txt.empty())
      if (const char* ti = attr(n, "title")) txt = squash(ti);
    if (const char* cls = attr(n, "class"); cls && std::strstr(cls, "CurrChnlCls") && !txt.empty()) page.crumbs.push_back(txt);
    if (related_scope && !txt.empty() && page.related.size() < 20 && descends_from(n, related_scope))
      page.related.push_back({h, "a", txt});
    add_link(h, tag, txt, n);
  }

  void element(const GumboNode* n) {
    GumboTag t = n->v.element.tag;
    // 找错 as <a onclick="window.open('…/jiucuo.html?site_code=…')">: the URL it opens.
    if (const char* on = attr(n, "onclick"); on && std::strstr(on, "//"))
      for (auto& u : script_strings(on, false).urls) add_link(u, "script", "");
    switch (t) {
      case GUMBO_TAG_TITLE:
        if (page.title.empty()) page.title = squash(own_text(n, GUMBO_NODE_WHITESPACE));
        break;
      case GUMBO_TAG_META:
        meta(n);
        break;
      case GUMBO_TAG_BASE:
        if (const char* h = attr(n, "href"); h && page.base_href.empty()) page.base_href = h;
        break;
      case GUMBO_TAG_A:
      case GUMBO_TAG_AREA:
        anchor(n, t == GUMBO_TAG_A ? "a" : "area");
        break;
      case GUMBO_TAG_IFRAME:
      case GUMBO_TAG_FRAME:
        if (const char* s = attr(n, "src")) add_link(s, t == GUMBO_TAG_IFRAME ? "iframe" : "frame", "");
        break;
      case GUMBO_TAG_IMG:
        ++page.a11y.images;
        page.a11y.images_without_alt += attr(n, "alt") == nullptr;
        if (const char* s = attr(n, "src")) add_link(s, "img", squash(image_label(n)));
        break;
      case GUMBO_TAG_HTML:
        if (const char* l = attr(n, "lang"); l && *l) page.a11y.lang = true;
        break;
      case GUMBO_TAG_INPUT:
      case GUMBO_TAG_TEXTAREA:
      case GUMBO_TAG_SELECT:
        field(n);
        break;
      case GUMBO_TAG_FORM:
        if (page.search_forms.size() < 3)
          if (auto f = search_form(n)) page.search_forms.push_back(std::move(*f));
        break;
      case GUMBO_TAG_LABEL:
        if (const char* f = attr(n, "for")) label_for.insert(f);
        break;
      case GUMBO_TAG_H1:
      case GUMBO_TAG_H2:
      case GUMBO_TAG_H3: {
        int level = t == GUMBO_TAG_H1 ? 1 : t == GUMBO_TAG_H2 ? 2 : 3;
        if (level < headline_level)
          if (std::string h = inner_text(n); !h.empty() && h.size() < 600) page.headline = std::move(h), headline_level = level;
        break;
      }
      case GUMBO_TAG_STYLE:
        if (std::string css = own_text(n, GUMBO_NODE_WHITESPACE); styles.size() < 64 && css.size() < (1 << 20)) styles.push_back(std::move(css));
        break;
      case GUMBO_TAG_SCRIPT:
        if (const char* s = attr(n, "src")) add_link(s, "script", "");
        if (std::string body = own_text(n); !body.empty()) scripts.push_back(std::move(body));
        break;
      case GUMBO_TAG_LI:
      case GUMBO_TAG_TR:
      case GUMBO_TAG_DD:
        maybe_item(n);
        if (messages)
          if (auto m = message_entry(n)) entries.push_back(std::move(*m));
        break;
      case GUMBO_TAG_TABLE:
        if (messages)
          for (auto& m : message_table(n)) page.messages.push_back(std::move(m));
        break;
      default:
        break;
    }
  }
};

// Bytes of the white space at s[i] (ASCII, U+00A0, U+3000), or 0.
size_t space_at(std::string_view s, size_t i) {
  unsigned char c = s[i];
  if (c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v') return 1;
  if (c == 0xC2 && i + 1 < s.size() && (unsigned char)s[i + 1] == 0xA0) return 2;
  if (c == 0xE3 && i + 2 < s.size() && (unsigned char)s[i + 1] == 0x80 && (unsigned char)s[i + 2] == 0x80) return 3;
  return 0;
}

}  // namespace

std::string squash(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  bool space = false;
  for (size_t i = 0; i < s.size();) {
    if (size_t k = space_at(s, i)) {
      space = !out.empty();
      i += k;
      continue;
    }
    size_t j = i + 1;  // the run of other bytes goes in at once
    while (j < s.size() && !space_at(s, j)) ++j;
    if (space) out += ' ';
    space = false;
    out.append(s, i, j - i);
    i = j;
  }
  return out;
}

// The page's text, a line per block, spaces folded within lines.
static std::string visible_lines(const GumboNode* root) {
  std::string raw, text;
  text_of(root, raw);
  for (size_t start = 0; start <= raw.size();) {
    size_t nl = raw.find('\n', start);
    if (nl == std::string::npos) nl = raw.size();
    std::string line = squash(std::string_view(raw).substr(start, nl - start));
    if (!line.empty()) (text += line) += '\n';
    start = nl + 1;
  }
  return text;
}

// What the page's inline scripts say: a TRS pager, Hanweb <datastore> list data (its links, items,
// messages and text join the page), a redirect, the URLs they open, whether they fetch related
// documents at view time, and what they write into the page — whose text is returned, to join the
// page's text once its own reading is done.
static std::string read_scripts(Walker& w, Page& page, const Limits& limits) {
  std::string written;
  for (const auto& s : w.scripts) {
    if (!page.pager)
      if (auto p = find_pager(s)) page.pager = p;
    if (s.find("<datastore") != std::string::npos || s.find("<recordset") != std::string::npos) {
      page.has_datastore = true;
      std::string frag = cdata_html(s);
      if (!frag.empty()) {
        HtmlTree f = parse_html(frag, limits, page);
        Page sub;
        Walker fw{sub, limits};
        fw.messages = w.messages;
        fw.walk(f->document);
        for (auto& l : sub.links) w.add_link(l.href, l.tag, l.text);
        for (auto& i : sub.items) page.items.push_back(i);
        for (auto& m : sub.messages) page.messages.push_back(m);
        if (fw.entries.size() >= 2 && sub.messages.empty()) page.messages.insert(page.messages.end(), fw.entries.begin(), fw.entries.end());
        std::string t;
        text_of(f->root, t);
        page.text += squash(t);
        page.text += '\n';
      }
    }
    std::string redirect = find_script_redirect(s);
    if (!redirect.empty()) w.add_link(redirect, "redirect", "");
    bool datastore = s.find("<datastore") != std::string::npos || s.find("<recordset") != std::string::npos;
    auto strings = script_strings(s, !datastore);
    for (auto& u : strings.urls)
      if (u != redirect) w.add_link(u, "script", "");
    // What the script writes into the page (a footer, a badge): its links, and its text once the
    // page's own reading is done.
    if (const std::string& html = strings.html; !html.empty() && written.size() < (1u << 20)) {
      HtmlTree f = parse_html(html, limits, page);
      Page sub;
      Walker fw{sub, limits};
      fw.walk(f->document);
      for (auto& l : sub.links) w.add_link(l.href, l.tag == "a" || l.tag == "area" || l.tag == "script" || l.tag == "img" ? l.tag : "script", l.text);
      std::string t;
      text_of(f->root, t);
      (written += squash(t)) += '\n';
    }
    bool requests = s.find("ajax") != std::string::npos || s.find("$.post") != std::string::npos ||
                    s.find("$.get") != std::string::npos || s.find("XMLHttpRequest") != std::string::npos ||
                    s.find("fetch(") != std::string::npos;
    bool related = s.find("reldoc") != std::string::npos || s.find("relDoc") != std::string::npos ||
                   s.find("解读") != std::string::npos || s.find("jdhy") != std::string::npos;
    if (requests && related) page.related_by_script = true;
  }
  return written;
}

Page parse(std::string_view html, const std::string& url, const Limits& limits, const std::vector<std::string_view>& stylesheets) {
  Page page;
  HtmlTree out = parse_html(html, limits, page);
  Walker w{page, limits};
  w.linked = &stylesheets;
  w.page_host = url::host_of(url);
  // Message lists and pages name a reply or a state of handling; most pages name none, and skip
  // the message reading.
  w.messages = contains_any(html, {"回复", "答复", "办结", "办理", "处理", "受理"});
  w.walk(out->document);
  w.mark_hidden();
  page.text = visible_lines(out->root);
  // A message list: its table, else two or more entries with status words; else the page may be
  // one message.
  if (page.messages.empty() && w.entries.size() >= 2) page.messages = std::move(w.entries);
  if (page.messages.empty() && w.messages) page.message = message_page(page.text);
  w.accessibility();

  std::string written = read_scripts(w, page, limits);
  if (!page.messages.empty()) page.message.reset();  // a list (also one a datastore holds) is not one message
  reading::read_dates(page, url);
  reading::read_column(page);
  page.text += written;
  page.is_list = page.items.size() >= 3 || page.pager.has_value() || page.has_datastore;
  bool article_evidence = page.meta.count("ArticleTitle") || page.published_source == "meta" ||
                          page.published_source == "label" || page.published_source == "header";
  page.is_article = !page.is_list && article_evidence;
  return page;
}

std::vector<std::string> pager_pages(const Pager& p, size_t max_pages) {
  std::vector<std::string> out;
  for (int i = 0; i < p.total && out.size() < max_pages; ++i) {
    if (i == p.current) continue;
    out.push_back(i == 0 ? p.prefix + "." + p.ext : p.prefix + "_" + std::to_string(i) + "." + p.ext);
  }
  return out;
}

}  // namespace govaudit::extract
