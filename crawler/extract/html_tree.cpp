#include "crawler/extract/html_tree.hpp"

#include <vector>

#include "crawler/extract/extract.hpp"

#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <new>
#include <unordered_set>
#include <vector>

namespace govaudit::extract {
namespace {

// Gumbo makes several allocations per node and frees most of them one by one; through malloc that
// was the parse threads' largest cost. Each parse gets its own pool instead: small blocks come
// from 64 KB chunks and are reused through free lists by size, large ones come from malloc, and
// the whole tree goes at once with the pool (no gumbo_destroy_output walk).
class GumboPool {
 public:
  GumboPool() = default;
  GumboPool(const GumboPool&) = delete;
  GumboPool& operator=(const GumboPool&) = delete;
  ~GumboPool() {
    for (void* c : chunks_) std::free(c);
    while (large_) {
      Large* next = large_->next;
      std::free(large_);
      large_ = next;
    }
  }

  static void* allocate(void* pool, size_t n) { return static_cast<GumboPool*>(pool)->get(n); }
  static void deallocate(void* pool, void* p) { static_cast<GumboPool*>(pool)->put(p); }

 private:
  static constexpr size_t kAlign = 16, kSmall = 1024, kChunk = 64 * 1024, kLargeTag = ~size_t(0);
  struct Large {  // header of a block from malloc; its last word is the tag every block has
    Large* prev;
    Large* next;
    size_t pad;
    size_t tag;
  };
  static_assert(sizeof(Large) % kAlign == 0);

  void* get(size_t n) {
    if (n > kSmall) {
      auto* l = static_cast<Large*>(std::malloc(sizeof(Large) + n));
      if (!l) throw std::bad_alloc();
      *l = Large{nullptr, large_, 0, kLargeTag};
      if (large_) large_->prev = l;
      large_ = l;
      return l + 1;
    }
    size_t cls = (n + kAlign - 1) / kAlign;  // 1..64: a block of cls * 16 bytes after a 16-byte header
    if (void* p = free_[cls]) {
      free_[cls] = *static_cast<void**>(p);
      return p;
    }
    size_t need = kAlign + cls * kAlign;
    if (left_ < need) {
      cur_ = static_cast<char*>(std::malloc(kChunk));
      if (!cur_) throw std::bad_alloc();
      chunks_.push_back(cur_);
      left_ = kChunk;
    }
    char* p = cur_ + kAlign;
    reinterpret_cast<size_t*>(p)[-1] = cls;
    cur_ += need;
    left_ -= need;
    return p;
  }

  void put(void* p) {
    if (!p) return;
    size_t tag = static_cast<size_t*>(p)[-1];
    if (tag == kLargeTag) {
      auto* l = static_cast<Large*>(p) - 1;
      (l->prev ? l->prev->next : large_) = l->next;
      if (l->next) l->next->prev = l->prev;
      std::free(l);
      return;
    }
    *static_cast<void**>(p) = free_[tag];
    free_[tag] = p;
  }

  std::vector<void*> chunks_;
  char* cur_ = nullptr;
  size_t left_ = 0;
  void* free_[kSmall / kAlign + 1] = {};
  Large* large_ = nullptr;
};


bool ascii_alpha(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }

}  // namespace

struct HtmlTree::Parsed {
  GumboPool pool;
  GumboOutput* output = nullptr;
};

HtmlTree::HtmlTree(std::string_view html) : p_(std::make_unique<Parsed>()) {
  GumboOptions o = kGumboDefaultOptions;
  o.max_errors = 0;  // parse errors are not read: recording them cost an allocation each
  o.allocator = &GumboPool::allocate;
  o.deallocator = &GumboPool::deallocate;
  o.userdata = &p_->pool;
  p_->output = gumbo_parse_with_options(&o, html.data(), html.size());
}
HtmlTree::~HtmlTree() = default;
HtmlTree::HtmlTree(HtmlTree&&) noexcept = default;
GumboOutput* HtmlTree::operator->() const { return p_->output; }

std::string_view cap_markup(std::string_view html, size_t max_depth, size_t max_elements, std::string& storage, bool& capped,
                            bool& cut) {
  using Names = std::unordered_set<std::string_view>;
  static const Names uncounted = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta",
                                  "param", "source", "track", "wbr", "p", "li", "dt", "dd", "tr", "td", "th",
                                  "option", "optgroup", "tbody", "thead", "tfoot", "colgroup", "rb", "rt", "rp",
                                  "html", "head", "body", "frame", "keygen", "basefont", "bgsound",
                                  "a"};  // a link closes an open one: never deep, and never dropped
  static const Names raw_text = {"script", "style", "textarea", "title", "xmp", "iframe", "noembed", "noframes"};
  size_t depth = 0, excess = 0, elements = 0;
  const size_t tail_n = max_elements / 5, head_n = max_elements - tail_n;
  size_t head_end = std::string_view::npos;
  std::vector<size_t> tail(tail_n);  // where the last tail_n elements start, as a ring
  auto blank = [&](size_t from, size_t to) {
    if (!capped) storage.assign(html), capped = true;
    std::fill(storage.begin() + long(from), storage.begin() + long(to), ' ');
  };
  size_t i = 0, n = html.size();
  while ((i = html.find('<', i)) != std::string_view::npos) {
    if (html.compare(i, 4, "<!--") == 0) {
      size_t e = html.find("-->", i + 4);
      i = e == std::string_view::npos ? n : e + 3;
      continue;
    }
    bool end = i + 1 < n && html[i + 1] == '/';
    size_t p = i + (end ? 2 : 1);
    if (p >= n || !ascii_alpha(html[p])) {
      ++i;
      continue;
    }
    char buf[16];  // longer names are none of the listed ones
    size_t len = 0;
    for (; p < n && !std::isspace(static_cast<unsigned char>(html[p])) && html[p] != '>' && html[p] != '/'; ++p)
      if (len < sizeof buf) buf[len++] = char(std::tolower(static_cast<unsigned char>(html[p])));
    std::string_view name(buf, len < sizeof buf ? len : 0);
    char quote = 0;  // the tag ends at the first '>' outside quotes
    for (; p < n && (quote || html[p] != '>'); ++p)
      if (quote ? html[p] == quote : (html[p] == '"' || html[p] == '\'')) quote = quote ? 0 : html[p];
    size_t close = std::min(p + 1, n);
    bool self_closing = p > i && p < n && html[p - 1] == '/';
    bool counted = !uncounted.count(name) && !self_closing;
    if (!end && !(counted && depth >= max_depth)) {  // blanked ones are free
      if (++elements == head_n + 1) head_end = i;
      if (tail_n) tail[(elements - 1) % tail_n] = i;
    }
    if (!counted) {
    } else if (end) {
      if (excess > 0) --excess, blank(i, close);
      else if (depth > 0) --depth;
    } else if (raw_text.count(name)) {
      size_t e = html.find("</", close);
      while (e != std::string_view::npos && html.substr(e + 2, name.size()) != name) e = html.find("</", e + 2);
      close = e == std::string_view::npos ? n : e;
    } else if (depth >= max_depth) {
      ++excess, blank(i, close);
    } else {
      ++depth;
    }
    i = close;
  }
  std::string_view out = capped ? std::string_view(storage) : html;
  if (elements <= max_elements) return out;
  // The middle goes (a giant table, a spammed list); the end stays, with the footer that carries
  // the site's identifiers. Gumbo mends the seam like any broken markup.
  cut = true;
  size_t tail_start = tail_n ? tail[elements % tail_n] : out.size();
  std::string joined;
  joined.reserve(head_end + (out.size() - tail_start));
  joined.append(out.substr(0, head_end)).append(out.substr(tail_start));
  storage = std::move(joined);
  return storage;
}

const char* attr(const GumboNode* n, const char* name) {
  const GumboAttribute* a = gumbo_get_attribute(&n->v.element.attributes, name);
  return a ? a->value : nullptr;
}

const char* image_label(const GumboNode* n) {
  for (const char* a : {"alt", "title", "aria-label"})
    if (const char* v = attr(n, a); v && *v) return v;
  return "";
}

bool invisible(GumboTag t) {
  return t == GUMBO_TAG_SCRIPT || t == GUMBO_TAG_STYLE || t == GUMBO_TAG_NOSCRIPT || t == GUMBO_TAG_TEMPLATE ||
         t == GUMBO_TAG_HEAD || t == GUMBO_TAG_TITLE;
}

bool is_block(GumboTag t) {
  switch (t) {
    case GUMBO_TAG_P: case GUMBO_TAG_DIV: case GUMBO_TAG_LI: case GUMBO_TAG_TR: case GUMBO_TAG_TD:
    case GUMBO_TAG_TH: case GUMBO_TAG_BR: case GUMBO_TAG_H1: case GUMBO_TAG_H2: case GUMBO_TAG_H3:
    case GUMBO_TAG_H4: case GUMBO_TAG_H5: case GUMBO_TAG_H6: case GUMBO_TAG_UL: case GUMBO_TAG_OL:
    case GUMBO_TAG_TABLE: case GUMBO_TAG_DD: case GUMBO_TAG_DT: case GUMBO_TAG_DL: case GUMBO_TAG_SECTION:
    case GUMBO_TAG_ARTICLE: case GUMBO_TAG_HEADER: case GUMBO_TAG_FOOTER: case GUMBO_TAG_NAV: case GUMBO_TAG_FORM:
    case GUMBO_TAG_SPAN:
      return true;
    default:
      return false;
  }
}

void text_of(const GumboNode* root, std::string& out) {
  std::vector<const GumboNode*> stack{root};
  while (!stack.empty()) {
    const GumboNode* n = stack.back();
    stack.pop_back();
    if (!n) {
      out += '\n';
      continue;
    }
    switch (n->type) {
      case GUMBO_NODE_TEXT:
      case GUMBO_NODE_CDATA:
        out += n->v.text.text;
        break;
      case GUMBO_NODE_WHITESPACE:
        out += ' ';
        break;
      case GUMBO_NODE_ELEMENT:
      case GUMBO_NODE_TEMPLATE:
      case GUMBO_NODE_DOCUMENT: {
        if (n->type != GUMBO_NODE_DOCUMENT) {
          GumboTag t = n->v.element.tag;
          if (invisible(t)) break;
          if (t == GUMBO_TAG_IMG || t == GUMBO_TAG_INPUT) {
            const char* shown = image_label(n);
            if (*shown) { out += ' '; out += shown; out += ' '; }
            break;
          }
          if (is_block(t)) stack.push_back(nullptr);  // newline after the element
        }
        const GumboVector& ch = n->type == GUMBO_NODE_DOCUMENT ? n->v.document.children : n->v.element.children;
        for (unsigned i = ch.length; i-- > 0;) stack.push_back(static_cast<const GumboNode*>(ch.data[i]));
        if (n->type != GUMBO_NODE_DOCUMENT && is_block(n->v.element.tag)) out += '\n';
        break;
      }
      default:
        break;
    }
  }
}

std::string inner_text(const GumboNode* n) {
  std::string s;
  text_of(n, s);
  return squash(s);
}

}  // namespace govaudit::extract
