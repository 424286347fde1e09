#pragma once
// content.duplicate_article (多次发布相同稿件): an article page of a column that repeats the title
// and the text of an earlier article page of the same column; the finding names each later copy (by
// publication date, the earliest being the original). The text compared is the article's own: the
// page less the lines the site's template repeats on many articles (navigation, footer) and the
// short date line (发布日期 …, 浏览次数 …). Not a finding: the same page under another URL (another
// host of the site, a query string), the same article in another column, a shared title over
// another text. Two walks over the site's articles' texts (a third when the line sketch collides):
// each article is reduced to a fingerprint and grouped.
#include "rules/rule.hpp"

namespace govaudit {

class DuplicateArticleRule : public Rule {
 public:
  // `sketch_bits`: log2 of the counters a row of the line sketch has (1 to 24); tests make it tiny to
  // force collisions.
  explicit DuplicateArticleRule(unsigned sketch_bits = 16) : sketch_bits_(sketch_bits) {}
  std::vector<std::string> ids() const override { return {"content.duplicate_article"}; }
  std::vector<Finding> check(const SiteView& site, const RuleContext& ctx) const override;

 private:
  unsigned sketch_bits_;
};

}  // namespace govaudit
