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
  for (auto& p : v.pages) {
    if (!p.redirects.empty() && p.error_kind == ErrorKind::None && p.status < 400) m.redirects.push_back({p.url, p.final_url});
    ++(p.charset.empty() ? m.checked : m.pages);  // what was decoded is a page; the rest was checked
  }
  return m;
}

}  // namespace govaudit
