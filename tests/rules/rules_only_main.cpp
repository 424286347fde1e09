// Linked with the rules library alone: it judges a hand-built site, so the rules need nothing of
// the store or the network. The ctest beside it fails when this binary links SQLite or libcurl.
#include <iostream>

#include "config/config.hpp"
#include "rules/rule.hpp"

int main() {
  govaudit::Config cfg = govaudit::load_config();
  govaudit::SiteView v;
  v.site = govaudit::Site{"x", "某县人民政府", "http://www.x.gov.cn/", "county", {"www.x.gov.cn"}, "", ""};
  v.status = "done";
  govaudit::RuleContext ctx{govaudit::Date(2025, 11, 20), &cfg};
  auto findings = govaudit::judge({v}, ctx);  // no homepage: site.unreachable
  std::cout << findings.size() << " finding(s): " << (findings.empty() ? "" : findings[0].rule) << "\n";
  return findings.size() == 1 && findings[0].rule == "site.unreachable" ? 0 : 1;
}
