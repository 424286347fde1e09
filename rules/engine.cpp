#include "rules/rule.hpp"

#include <algorithm>
#include <atomic>
#include <unordered_map>
#include <unordered_set>
#include <future>
#include <numeric>

#include <nlohmann/json.hpp>

#include "model/url.hpp"
#include "rules/columns.hpp"
#include "rules/content.hpp"
#include "rules/duplicates.hpp"
#include "rules/footer.hpp"
#include "rules/https.hpp"
#include "rules/interaction.hpp"
#include "rules/interpretation.hpp"
#include "rules/ipv6.hpp"
#include "rules/links.hpp"
#include "rules/meta.hpp"
#include "rules/services.hpp"

namespace govaudit {

std::string homepage_host(const SiteView& site) { return url::host_of(site.site.homepage); }

std::set<std::string> meta_names_read(const Config& config) {
  std::set<std::string> names(config.meta_required.begin(), config.meta_required.end());
  names.insert("ArticleTitle");  // columns: a form or a report named by its article title
  return names;
}

std::vector<std::unique_ptr<Rule>> all_rules(const Config& config) {
  std::vector<std::unique_ptr<Rule>> rules;
  for (auto& id : config.identifiers) rules.push_back(std::make_unique<FooterRule>(id));
  rules.push_back(std::make_unique<MetaRule>());
  rules.push_back(std::make_unique<HomepageStaleRule>());
  rules.push_back(std::make_unique<ColumnsRule>());
  rules.push_back(std::make_unique<AnnualReportRule>());
  rules.push_back(std::make_unique<WebsiteFormRule>());
  rules.push_back(std::make_unique<LinksRule>());
  rules.push_back(std::make_unique<Ipv6Rule>());
  rules.push_back(std::make_unique<InterpretationRule>());
  rules.push_back(std::make_unique<HttpsRule>());
  rules.push_back(std::make_unique<PrivacyRule>());
  rules.push_back(std::make_unique<HiddenLinkRule>());
  rules.push_back(std::make_unique<WordingRule>(config.content));
  rules.push_back(std::make_unique<DuplicateArticleRule>());
  rules.push_back(std::make_unique<InteractionRule>());
  rules.push_back(std::make_unique<AccessibilityRule>());
  rules.push_back(std::make_unique<SearchRule>());
  return rules;
}

namespace {

std::vector<Finding> judge_site(const SiteView& s, const std::vector<std::unique_ptr<Rule>>& rules, const RuleContext& ctx) {
  const PageTable& table = s.page_table();
  std::optional<size_t> challenged, tried;  // the last homepage records so
  for (size_t i = 0; i < table.size(); ++i)
    if (table[i].kind == PageKind::Home) {
      tried = i;
      if (table[i].error_kind == ErrorKind::Challenge) challenged = i;
    }
  if (challenged && !s.homepage()) {
    auto p = s.page_at(*challenged);
    return {{s.site.id, "site.manual_check", homepage_host(s), s.site.homepage,
             nlohmann::json{{"reason", p->error}, {"status", p->status}}.dump()}};
  }
  if (s.status == "unreachable" || !s.homepage()) {
    nlohmann::json d = {{"error", s.error}};
    if (tried) {
      auto p = s.page_at(*tried);
      d["tried_at"] = p->fetched_at, d["status"] = p->status, d["error_kind"] = name(p->error_kind);
    }
    return {{s.site.id, "site.unreachable", homepage_host(s), s.site.homepage, d.dump()}};
  }
  RuleContext::SiteCache cache;
  cache.site = &s;
  RuleContext c = ctx;
  c.cache = &cache;
  // The rules are independent and read the view only: they run on two threads, those that read
  // every text first (the wording rule alone took as long as all the others). Findings keep the
  // rules' order.
  std::vector<size_t> order(rules.size());
  std::iota(order.begin(), order.end(), 0);
  std::stable_partition(order.begin(), order.end(), [&](size_t i) { return rules[i]->reads_all_texts(); });
  std::vector<std::vector<Finding>> by_rule(rules.size());
  std::atomic<size_t> next{0};
  auto work = [&] {
    for (size_t k; (k = next++) < order.size();) by_rule[order[k]] = rules[order[k]]->check(s, c);
  };
  {
    auto helper = std::async(std::launch::async, work);
    work();
    helper.get();
  }
  std::vector<Finding> out;
  for (auto& found : by_rule)
    for (auto& f : found) out.push_back(std::move(f));
  return out;
}

// A directory's path and its default document's ("/x/" and "/x/index.html"): one path to a server.
std::string_view directory_of(std::string_view path) {
  auto slash = path.rfind('/');
  auto leaf = path.substr(slash + 1);
  for (std::string_view name : {"index.html", "index.htm", "index.shtml", "index.jhtml", "index.jsp", "index.php",
                                "index.aspx", "default.html", "default.htm", "default.aspx"})
    if (leaf == name) return path.substr(0, slash + 1);
  return path;
}

// A page served by several hosts of the site, at one path under several query strings (a tracking
// ?sid= the homepage adds), or as a directory and its index.html, is one page, named under the
// first listed host that serves it and then its least URL (the plain one, the directory); a page
// the site redirects to (an old address answering 301) is named where it is served. The crawl
// records it under whichever URL it met first (the others as its duplicates, or as redirects to
// it, e.g. zwgk. answering 301 to www.), an order that parallel fetches make differ between runs,
// and that must not change what a finding is called.
void name_pages_canonically(const SiteView& s, std::vector<Finding>& out) {
  auto rank = [&](const std::string& u) {
    auto p = url::parts(u);
    return p ? size_t(std::find(s.site.hosts.begin(), s.site.hosts.end(), p->host) - s.site.hosts.begin()) : s.site.hosts.size();
  };
  auto on_site = [&](const std::string& u) { return rank(u) < s.site.hosts.size(); };
  auto same_page = [&](const std::string& a, const std::string& b) {
    auto x = url::parts(a), y = url::parts(b);
    return x && y && (x->host != y->host || x->query != y->query || x->path != y->path) &&
           directory_of(x->path) == directory_of(y->path) && x->port == y->port && on_site(a) && on_site(b);
  };
  std::unordered_map<std::string, std::string> parent;  // union of the URLs of one page
  auto root = [&](std::string u) {
    for (auto it = parent.find(u); it != parent.end() && it->second != u; it = parent.find(u)) u = it->second;
    return u;
  };
  auto join = [&](const std::string& a, const std::string& b) {
    parent.try_emplace(a, a), parent.try_emplace(b, b);
    auto ra = root(a), rb = root(b);
    if (ra != rb) parent[ra] = rb;
  };
  std::unordered_set<std::string> serving;  // URLs of a group that answered with the page itself
  const PageTable& table = s.page_table();
  auto served = [&](size_t i) { return table[i].status >= 200 && table[i].status < 300; };
  for (size_t i = 0; i < table.size(); ++i) {
    std::string u(table.url(i)), final_url(table.final_url(i));
    if (table[i].duplicate && same_page(u, std::string(table.duplicate_of(i))))
      join(u, std::string(table.duplicate_of(i))), serving.insert(u);
    if (final_url != u && (same_page(u, final_url) || (served(i) && on_site(u) && on_site(final_url))))
      join(u, final_url), serving.insert(final_url);
  }
  if (parent.empty()) return;
  // Only a group's URLs are named anew: the site's other pages (most) are not kept.
  for (size_t i = 0; i < table.size(); ++i)
    if (!table[i].duplicate && served(i) && table.final_url(i) == table.url(i))
      if (std::string u(table.url(i)); parent.count(u)) serving.insert(u);
  std::unordered_map<std::string, std::string> best;  // group -> its name
  for (auto& [u, _] : parent)
    if (serving.count(u)) {
      auto& b = best[root(u)];
      if (b.empty() || rank(u) < rank(b) || (rank(u) == rank(b) && u < b)) b = u;  // the same name whatever the order
    }
  std::unordered_map<std::string, std::string> rename;
  for (auto& [u, _] : parent)
    if (auto b = best.find(root(u)); b != best.end() && b->second != u) rename[u] = b->second;
  for (auto& f : out) {
    for (std::string* u : {&f.subject, &f.url})
      if (auto it = rename.find(*u); it != rename.end()) *u = it->second;
    for (auto& [from, to] : rename)
      for (size_t at = 0; (at = f.detail_json.find('"' + from + '"', at)) != std::string::npos; at += to.size() + 2)
        f.detail_json.replace(at + 1, from.size(), to);
  }
}

}  // namespace

std::vector<Finding> judge(const SiteView& s, const std::vector<std::unique_ptr<Rule>>& rules, const RuleContext& ctx) {
  auto out = judge_site(s, rules, ctx);
  name_pages_canonically(s, out);
  // The rule texts in config are the one source of a rule's severity; rules leave it to them.
  for (auto& f : out) f.severity = ctx.config->rule_text(f.rule).severity;
  return out;
}

std::vector<Finding> judge(const std::vector<SiteView>& sites, const RuleContext& ctx) {
  auto rules = all_rules(*ctx.config);
  std::vector<Finding> out;
  for (auto& s : sites)
    for (auto& f : judge(s, rules, ctx)) out.push_back(std::move(f));
  return out;
}

}  // namespace govaudit
