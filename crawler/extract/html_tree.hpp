#pragma once
// The parsed tree of one HTML page: Gumbo with a pool of its own per parse (no per-node malloc,
// the whole tree freed at once), after the markup is capped against hostile nesting.
#include <gumbo.h>

#include <memory>
#include <string>
#include <string_view>

namespace govaudit::extract {

// Gumbo's tree construction is quadratic in nesting depth (20,000 nested <div> take 15 s), and a
// hostile page can nest 200,000. Start tags that would open elements deeper than `max_depth` are
// blanked (with their end tags) before parsing: their content stays, the tree is flattened there.
// Elements that close themselves (void, <p>, <li>, cells …) are not counted. Gumbo also needs about
// 600 bytes per element, so a document of more than `max_elements` start tags is read as its first
// four fifths of them and its last fifth (the footer), without the middle (`cut`). Returns `html`
// itself when nothing is that deep or that long, else a copy in `storage` (`capped` when flattened).
std::string_view cap_markup(std::string_view html, size_t max_depth, size_t max_elements, std::string& storage, bool& capped,
                            bool& cut);

// The value of an element's attribute, or nullptr.
const char* attr(const GumboNode* n, const char* name);

// Elements that end a line of the visible text.
bool is_block(GumboTag t);

// Elements whose content no reader sees (script, style, head …).
bool invisible(GumboTag t);

// What an image says to a reader who cannot see it: alt, else title, else aria-label ("" if none).
const char* image_label(const GumboNode* n);

// Visible text of a subtree (block elements end lines; images give their alt, title or
// aria-label), appended to `out`; iterative, so deep documents cannot exhaust the stack.
void text_of(const GumboNode* root, std::string& out);

// The same, squashed to one line.
std::string inner_text(const GumboNode* n);

// The tree of one parse; it lives in (and dies with) its pool. Never throws on bad markup.
class HtmlTree {
 public:
  explicit HtmlTree(std::string_view html);
  ~HtmlTree();
  HtmlTree(HtmlTree&&) noexcept;
  GumboOutput* operator->() const;

 private:
  struct Parsed;
  std::unique_ptr<Parsed> p_;
};

}  // namespace govaudit::extract
