#include "rules/measures.hpp"

#include "rules/interaction.hpp"
#include "rules/ipv6.hpp"
#include "rules/services.hpp"

namespace govaudit {

SiteMeasures measure_site(const SiteView& v, const RuleContext& ctx) {
  SiteMeasures m;
  m.ipv6 = measure_ipv6(v);
  m.boxes = message_boxes(v, ctx);
  m.a11y = accessibility_counts(v);
  m.search = search_state(v);
  const PageTable& pages = v.page_table();
  for (size_t i = 0; i < pages.size(); ++i) {
    const PageBrief& p = pages[i];
    if (p.redirected && p.error_kind == ErrorKind::None && p.status < 400)
      m.redirects.push_back({std::string(pages.url(i)), std::string(pages.final_url(i))});
    ++(p.decoded ? m.pages : m.checked);  // what was decoded is a page; the rest was checked
  }
  return m;
}

}  // namespace govaudit
