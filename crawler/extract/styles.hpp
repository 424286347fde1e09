#pragma once
// Whether an element is hidden from readers by CSS: its own style attribute, the page's own
// <style> blocks (simple selectors: tag, .class, #id, compounds of them and descendant chains), and
// the same on every element around it. Rules under @media and selectors with pseudo-classes or
// attributes are not applied: they describe states other than the page as it first shows.
#include <gumbo.h>

#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "crawler/extract/extract.hpp"

namespace govaudit::extract {

class StyleSheet {
 public:
  // Adds the rules of one <style> block.
  void add(std::string_view css);

  // How `n` or an element around it is hidden — the declaration of its style attribute
  // ("display:none") or the rule of the page's style (".hdn {display:none}") — or "" when a reader
  // can see it.
  std::string hidden(const GumboNode* n);

  // The element whose own style hides `n` (itself or an element around it); null when visible.
  const GumboNode* hider(const GumboNode* n);

 private:
  struct Hidden {
    std::string how;
    const GumboNode* by = nullptr;
  };
  const Hidden& judge(const GumboNode* n);
  struct Compound {
    std::string tag, id;
    std::vector<std::string> classes;
  };
  struct Rule {
    std::vector<Compound> chain;  // ancestors first, the subject last
    int specificity = 0;
    size_t order = 0;
    std::vector<std::pair<std::string, std::string>> decls;
  };
  std::string own_hidden(const GumboNode* n);
  bool matches(const Rule& r, const GumboNode* n) const;
  std::vector<Rule> rules_;
  std::unordered_map<const GumboNode*, Hidden> memo_;
};

// The href of every <link rel="stylesheet"> in `html`, in order, read without parsing the page
// (a page waits for the stylesheets of its own site before it is parsed).
std::vector<std::string> linked_stylesheets(std::string_view html, size_t max = 16);

// Does one declaration block ("display:none;…") hide its element? Returns the declarations that
// do ("display:none"), or "".
std::string hides(const std::vector<std::pair<std::string, std::string>>& decls);
std::vector<std::pair<std::string, std::string>> declarations(std::string_view block);

// Marks the hidden links (their `hidden` set, `anchors` their elements) that are one of the page's
// menus rather than a block of their own: `hidden` then ends with kHiddenInMenu. A hidden block
// that also holds links to the site itself (a sibling host of `page_host`) or to government hosts
// is one (a drop-down, a tab, a mobile bar), and so is one a visible label right before it opens.
void mark_menus(std::vector<Link>& links, const std::vector<const GumboNode*>& anchors, StyleSheet& sheet,
                std::string_view page_host);

}  // namespace govaudit::extract
