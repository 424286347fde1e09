#include "crawler/extract/styles.hpp"

#include <algorithm>
#include <cstdlib>
#include <map>
#include <set>
#include <unordered_map>

#include "crawler/extract/html_tree.hpp"
#include "model/records.hpp"
#include "model/url.hpp"
#include "model/strings.hpp"

namespace govaudit::extract {
namespace {

constexpr size_t kMaxRules = 2000;

std::string_view trim(std::string_view s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
  return s;
}

std::string strip_comments(std::string_view css) {
  std::string out;
  out.reserve(css.size());
  for (size_t i = 0; i < css.size(); ++i) {
    if (css[i] == '/' && i + 1 < css.size() && css[i + 1] == '*') {
      size_t e = css.find("*/", i + 2);
      if (e == std::string_view::npos) break;
      i = e + 1;
      continue;
    }
    out += css[i];
  }
  return out;
}

bool zero(std::string_view v) {
  v = trim(v);
  if (v.empty() || v[0] != '0') return false;
  size_t i = 1;
  while (i < v.size() && (v[i] == '0' || v[i] == '.')) ++i;
  std::string_view unit = v.substr(i);
  return unit.empty() || unit == "px" || unit == "em" || unit == "pt" || unit == "rem" || unit == "%";
}

// A length of -999px or further left/up.
bool far_off(std::string_view v) {
  v = trim(v);
  if (v.empty() || v[0] != '-') return false;
  double d = std::strtod(std::string(v).c_str(), nullptr);
  return d <= -999;
}

bool has_class(const GumboNode* n, std::string_view c) {
  const char* cls = attr(n, "class");
  if (!cls) return false;
  std::string_view s = cls;
  size_t i = 0;
  while (i < s.size()) {
    while (i < s.size() && std::isspace(static_cast<unsigned char>(s[i]))) ++i;
    size_t j = i;
    while (j < s.size() && !std::isspace(static_cast<unsigned char>(s[j]))) ++j;
    if (s.substr(i, j - i) == c) return true;
    i = j;
  }
  return false;
}

}  // namespace

namespace {
// The value of attribute `name` in the text of one tag ("<link rel=stylesheet href='/a.css'>").
std::string tag_attr(std::string_view tag, std::string_view name) {
  std::string lower = ascii_lower(tag);
  for (size_t p = lower.find(name); p != std::string::npos; p = lower.find(name, p + 1)) {
    if (p == 0 || !std::isspace(static_cast<unsigned char>(lower[p - 1]))) continue;
    size_t i = p + name.size();
    while (i < tag.size() && std::isspace(static_cast<unsigned char>(tag[i]))) ++i;
    if (i >= tag.size() || tag[i] != '=') continue;
    ++i;
    while (i < tag.size() && std::isspace(static_cast<unsigned char>(tag[i]))) ++i;
    if (i >= tag.size()) return "";
    char q = tag[i];
    if (q == '"' || q == '\'') {
      size_t e = tag.find(q, i + 1);
      return std::string(tag.substr(i + 1, e == std::string_view::npos ? std::string_view::npos : e - i - 1));
    }
    size_t e = i;
    while (e < tag.size() && !std::isspace(static_cast<unsigned char>(tag[e])) && tag[e] != '>' && tag[e] != '/') ++e;
    return std::string(tag.substr(i, e - i));
  }
  return "";
}
}  // namespace

std::vector<std::string> linked_stylesheets(std::string_view html, size_t max) {
  std::vector<std::string> out;
  for (size_t p = 0; out.size() < max;) {
    size_t a = html.find("<link", p), b = html.find("<LINK", p);
    size_t at = std::min(a, b);
    if (at == std::string_view::npos) break;
    size_t end = html.find('>', at);
    if (end == std::string_view::npos) break;
    std::string_view tag = html.substr(at, end - at);
    p = end;
    std::string rel = ascii_lower(tag_attr(tag, "rel"));
    if (rel.find("stylesheet") == std::string::npos || rel.find("alternate") != std::string::npos) continue;
    std::string href(trim(tag_attr(tag, "href")));
    if (!href.empty()) out.push_back(std::move(href));
  }
  return out;
}

std::vector<std::pair<std::string, std::string>> declarations(std::string_view block) {
  std::vector<std::pair<std::string, std::string>> out;
  size_t i = 0;
  while (i < block.size()) {
    size_t e = block.find(';', i);
    if (e == std::string_view::npos) e = block.size();
    std::string_view d = block.substr(i, e - i);
    if (size_t c = d.find(':'); c != std::string_view::npos) {
      std::string name = ascii_lower(trim(d.substr(0, c)));
      std::string value = ascii_lower(trim(d.substr(c + 1)));
      if (size_t imp = value.find("!important"); imp != std::string::npos) value = std::string(trim(value.substr(0, imp)));
      if (!name.empty()) out.emplace_back(std::move(name), std::move(value));
    }
    i = e + 1;
  }
  return out;
}

std::string hides(const std::vector<std::pair<std::string, std::string>>& decls) {
  std::map<std::string, std::string> p;
  for (auto& [k, v] : decls) p[k] = v;  // the last declaration of a property wins
  auto get = [&](const char* k) -> std::string_view {
    auto it = p.find(k);
    return it == p.end() ? std::string_view() : std::string_view(it->second);
  };
  if (get("display") == "none") return "display:none";
  if (get("visibility") == "hidden") return "visibility:hidden";
  if (p.count("font-size") && zero(get("font-size"))) return "font-size:0";
  if (get("overflow") == "hidden") {
    if (p.count("height") && zero(get("height"))) return "height:0;overflow:hidden";
    if (p.count("width") && zero(get("width"))) return "width:0;overflow:hidden";
  }
  std::string_view pos = get("position");
  if (pos == "absolute" || pos == "fixed") {
    if (far_off(get("left"))) return std::string("position:") + std::string(pos) + ";left:" + std::string(get("left"));
    if (far_off(get("top"))) return std::string("position:") + std::string(pos) + ";top:" + std::string(get("top"));
  }
  return "";
}

void StyleSheet::add(std::string_view raw) {
  std::string css = strip_comments(raw);
  size_t i = 0;
  while (i < css.size()) {
    size_t open = css.find('{', i);
    if (open == std::string::npos) break;
    std::string_view sel = trim(std::string_view(css).substr(i, open - i));
    if (!sel.empty() && sel[0] == '@') {  // @media, @font-face …: skip the whole block
      int depth = 0;
      size_t j = open;
      for (; j < css.size(); ++j) {
        if (css[j] == '{') ++depth;
        else if (css[j] == '}' && --depth == 0) break;
      }
      i = j + 1;
      continue;
    }
    size_t close = css.find('}', open);
    if (close == std::string::npos) break;
    auto decls = declarations(std::string_view(css).substr(open + 1, close - open - 1));
    i = close + 1;
    // Only rules that can hide, alone or with the style attribute, matter here.
    static const std::set<std::string> kHiding{"display", "visibility", "font-size", "height", "width", "overflow", "position"};
    if (std::none_of(decls.begin(), decls.end(), [](auto& d) { return kHiding.count(d.first) > 0; })) continue;
    size_t k = 0;
    std::string_view all = sel;
    while (k <= all.size()) {
      size_t comma = all.find(',', k);
      if (comma == std::string_view::npos) comma = all.size();
      std::string_view one = trim(all.substr(k, comma - k));
      k = comma + 1;
      if (one.empty() || one.find_first_of(":[>+~*") != std::string_view::npos) continue;
      Rule r;
      r.decls = decls;
      r.order = rules_.size();
      bool ok = true;
      size_t a = 0;
      while (a < one.size() && ok) {
        while (a < one.size() && std::isspace(static_cast<unsigned char>(one[a]))) ++a;
        size_t b = a;
        while (b < one.size() && !std::isspace(static_cast<unsigned char>(one[b]))) ++b;
        if (b == a) break;
        std::string_view part = one.substr(a, b - a);
        a = b;
        Compound c;
        size_t p = 0;
        while (p < part.size()) {
          char kind = part[p] == '.' || part[p] == '#' ? part[p++] : 't';
          size_t q = p;
          while (q < part.size() && part[q] != '.' && part[q] != '#') ++q;
          std::string name(part.substr(p, q - p));
          p = q;
          if (name.empty()) { ok = false; break; }
          if (kind == '.') c.classes.push_back(name), r.specificity += 10;
          else if (kind == '#') c.id = name, r.specificity += 100;
          else c.tag = ascii_lower(name), r.specificity += 1;
        }
        r.chain.push_back(std::move(c));
      }
      // A hostile page cannot make every link's check walk thousands of rules.
      if (ok && !r.chain.empty() && rules_.size() < kMaxRules) rules_.push_back(std::move(r));
    }
  }
}

bool StyleSheet::matches(const Rule& r, const GumboNode* n) const {
  auto one = [](const Compound& c, const GumboNode* e) {
    if (e->type != GUMBO_NODE_ELEMENT) return false;
    if (!c.tag.empty() && c.tag != gumbo_normalized_tagname(e->v.element.tag)) return false;
    if (!c.id.empty()) {
      const char* id = attr(e, "id");
      if (!id || c.id != id) return false;
    }
    for (auto& cl : c.classes)
      if (!has_class(e, cl)) return false;
    return true;
  };
  if (!one(r.chain.back(), n)) return false;
  // Descendant chain: each earlier compound matches some ancestor, in order.
  const GumboNode* e = n->parent;
  for (size_t i = r.chain.size() - 1; i-- > 0;) {
    while (e && !(e->type == GUMBO_NODE_ELEMENT && one(r.chain[i], e))) e = e->parent;
    if (!e) return false;
    e = e->parent;
  }
  return true;
}

std::string StyleSheet::own_hidden(const GumboNode* n) {
  std::vector<const Rule*> hit;
  for (auto& r : rules_)
    if (matches(r, n)) hit.push_back(&r);
  std::stable_sort(hit.begin(), hit.end(), [](const Rule* a, const Rule* b) {
    return a->specificity != b->specificity ? a->specificity < b->specificity : a->order < b->order;
  });
  std::vector<std::pair<std::string, std::string>> decls;
  for (auto* r : hit) decls.insert(decls.end(), r->decls.begin(), r->decls.end());
  size_t from_rules = decls.size();
  if (const char* st = attr(n, "style")) {
    auto inline_decls = declarations(st);
    decls.insert(decls.end(), inline_decls.begin(), inline_decls.end());
  }
  std::string how = hides(decls);
  if (how.empty()) return "";
  if (!hides({decls.begin() + long(from_rules), decls.end()}).empty()) return how;  // the style attribute alone
  // In CSS notation, which reads the same in a Chinese report: ".hdn {display:none}".
  std::string who;
  if (const char* cls = attr(n, "class")) {
    std::string_view c = cls;
    for (size_t i = 0; i < c.size();) {
      while (i < c.size() && std::isspace(static_cast<unsigned char>(c[i]))) ++i;
      size_t j = i;
      while (j < c.size() && !std::isspace(static_cast<unsigned char>(c[j]))) ++j;
      if (j > i) (who += '.') += c.substr(i, j - i);
      i = j;
    }
  }
  if (who.empty())
    if (const char* id = attr(n, "id")) who = std::string("#") + id;
  if (who.empty()) who = gumbo_normalized_tagname(n->v.element.tag);
  return who + " {" + how + "}";
}

const StyleSheet::Hidden& StyleSheet::judge(const GumboNode* n) {
  static const Hidden kVisible;
  std::vector<const GumboNode*> path;
  const Hidden* known = &kVisible;
  const GumboNode* e = n;
  for (int up = 0; e && e->type == GUMBO_NODE_ELEMENT && up < 64; e = e->parent, ++up) {
    if (auto it = memo_.find(e); it != memo_.end()) {
      known = &it->second;
      break;
    }
    path.push_back(e);
  }
  // From the outermost element not yet known inwards: an element is hidden when an ancestor is.
  Hidden h = *known;
  for (size_t i = path.size(); i-- > 0;) {
    if (h.how.empty()) h = {own_hidden(path[i]), path[i]};
    if (h.how.empty()) h.by = nullptr;
    known = &memo_.emplace(path[i], h).first->second;
  }
  return *known;
}

std::string StyleSheet::hidden(const GumboNode* n) { return judge(n).how; }

const GumboNode* StyleSheet::hider(const GumboNode* n) { return judge(n).by; }

namespace {

// Relative, on the page's host or a sibling host of its domain (www.x.gov.cn, english.x.gov.cn),
// or on a government host (gov.cn is reserved to government bodies): a links menu.
bool own_link(std::string_view href, std::string_view page_host) {
  std::string lower = ascii_lower(href.substr(0, 11));
  if (href.empty() || href[0] == '#' || lower.rfind("javascript:", 0) == 0 || lower.rfind("mailto:", 0) == 0) return false;
  std::string host = url::host_of(std::string(href));
  if (host.empty()) return href.find("//") == std::string_view::npos;
  auto domain = [](std::string_view h) {
    size_t dot = h.find('.');
    std::string_view rest = dot == std::string_view::npos ? h : h.substr(dot + 1);
    return std::count(rest.begin(), rest.end(), '.') >= 2 ? rest : h;  // not "gov.cn"
  };
  return host == page_host || domain(host) == domain(std::string(page_host)) || url::host_has_labels(host, "gov.cn");
}

// display:none right after a visible label, the two alone in their box:
// <div class="dropdown"><button>新闻媒体网站</button><ul style="display:none">.
bool opened_beside(const GumboNode* by, StyleSheet& sheet) {
  std::string how = sheet.hidden(by);
  if (how.find("display:none") == std::string::npos && how.find("visibility:hidden") == std::string::npos) return false;
  const GumboNode* parent = by->parent;
  if (!parent || parent->type != GUMBO_NODE_ELEMENT) return false;
  std::vector<const GumboNode*> kids;
  const GumboVector& ch = parent->v.element.children;
  for (unsigned i = 0; i < ch.length; ++i)
    if (auto* k = static_cast<const GumboNode*>(ch.data[i]); k->type == GUMBO_NODE_ELEMENT) kids.push_back(k);
  if (kids.size() != 2 || kids[1] != by || !sheet.hidden(kids[0]).empty()) return false;
  std::string label = inner_text(kids[0]);
  return !label.empty() && label.size() <= 30;  // up to ten Chinese characters
}

}  // namespace

// A hidden block that also holds links to the site itself is one of its menus or panels (a
// drop-down, a tab, a mobile bar), and so is a block that a visible control beside it opens (a
// button naming the menu). Injected links come in a block of their own, where neither holds.
void mark_menus(std::vector<Link>& links, const std::vector<const GumboNode*>& anchors, StyleSheet& sheet,
                std::string_view page_host) {
  std::unordered_map<const GumboNode*, bool> menu;  // hiding element -> one of the page's menus
  for (size_t i = 0; i < anchors.size(); ++i)
    if (anchors[i] && !links[i].hidden.empty())
      if (const GumboNode* by = sheet.hider(anchors[i])) menu[by] = menu[by] || own_link(links[i].href, page_host);
  for (auto& [by, yes] : menu) yes = yes || opened_beside(by, sheet);
  for (size_t i = 0; i < anchors.size(); ++i)
    if (anchors[i] && !links[i].hidden.empty())
      if (auto it = menu.find(sheet.hider(anchors[i])); it != menu.end() && it->second) links[i].hidden += kHiddenInMenu;
}

}  // namespace govaudit::extract
