#include "cli/commands/commands.hpp"
#include <iostream>
#include <set>
#include <nlohmann/json.hpp>
#include "crawler/fetch_page.hpp"
#include "crawler/inspect.hpp"
#include "crawler/net/netguard.hpp"
#include "crawler/extract/page_record.hpp"
#include "crawler/extract/styles.hpp"
#include "model/strings.hpp"
#include "model/url.hpp"
#include "rules/content.hpp"
#include "rules/footer.hpp"

namespace govaudit::cli {
namespace {

namespace fs = std::filesystem;

struct Options : Common {
  std::string inspect_target, inspect_file, inspect_url;
  bool json_out = false;
};

int cmd_inspect(const Options& o) {
  Config cfg = make_config(o);
  std::string body, content_type, page_url;
  if (!o.inspect_file.empty()) {
    try {
      body = read_file(o.inspect_file);
    } catch (const std::runtime_error& e) {
      throw Usage(e.what());
    }
    page_url = !o.inspect_url.empty() ? o.inspect_url : "file://" + fs::absolute(o.inspect_file).string();
  } else {
    if (o.inspect_target.empty()) throw Usage("inspect: give a URL, or --file PATH [--url URL]");
    NetGuard guard(cfg.allow_net);
    auto r = fetch_pages(cfg, guard, {o.inspect_target}, cfg.crawl.total_timeout_ms, cfg.crawl.max_body_bytes).front();
    if (r.result.error_kind != ErrorKind::None)
      throw std::runtime_error(o.inspect_target + ": " + std::string(name(r.result.error_kind)) + ": " + r.result.error);
    if (r.result.status >= 400) throw std::runtime_error(o.inspect_target + ": HTTP " + std::to_string(r.result.status));
    body = std::move(r.result.body);
    content_type = r.result.content_type;
    page_url = r.final_url;
  }
  // The stylesheets it links on its own host, fetched as the crawl fetches them.
  std::vector<PageFetch> sheets;
  if (o.inspect_file.empty()) {
    std::vector<std::string> urls;
    for (auto& href : extract::linked_stylesheets(body))
      if (auto to = url::resolve(page_url, href); to && url::host_of(*to) == url::host_of(page_url)) urls.push_back(*to);
    if (!urls.empty()) sheets = fetch_pages(cfg, NetGuard(cfg.allow_net), urls, cfg.crawl.total_timeout_ms, 256 << 10);
  }
  std::vector<std::string_view> css;
  for (auto& s : sheets)
    if (s.result.error_kind == ErrorKind::None && s.result.status >= 200 && s.result.status < 300) css.push_back(s.result.body);
  extract::Page page;
  auto j = inspect_page(body, content_type, page_url, &page, css);
  j["stylesheets"] = nlohmann::json::array();
  for (auto& s : sheets)
    j["stylesheets"].push_back({{"url", s.url}, {"status", s.result.status}, {"error", s.result.error}});
  // The identifiers as the footer rules would judge them, were this page a homepage.
  auto records = link_records(page, "", page_url);
  for (auto& [key, evidence] : identifiers_shown(cfg, page.text, records))
    j["identifiers"][key] = evidence.empty() ? nlohmann::json(nullptr) : nlohmann::json(evidence);
  for (auto& [key, missed] : identifiers_passed_over(cfg, page.text, records))
    if (!missed.empty()) j["identifiers_passed_over"][key] = missed;
  // The content rules on this page alone: the site is the page's own host.
  SiteView view;
  view.site.id = "inspect";
  view.site.homepage = page_url;
  view.site.hosts = {url::host_of(page_url)};
  PageRecord p;
  p.url = p.final_url = page_url;
  p.status = 200;
  p.kind = page_kind(page, false);
  p.text = page.text;  // masked by inspect_page
  p.published = page.published;
  view.pages.push_back(std::move(p));
  view.links = link_records(page, "inspect", page_url);
  RuleContext ctx{Date::today_china(), &cfg};
  j["wording"] = nlohmann::json::array();
  for (auto& f : WordingRule(cfg.content).check(view, ctx))
    j["wording"].push_back({{"rule", f.rule}, {"detail", nlohmann::json::parse(f.detail_json)}});
  std::set<std::string> judged;
  for (auto& f : HiddenLinkRule().check(view, ctx)) judged.insert(f.subject);
  for (auto& l : j["hidden_links"])
    l["judged"] = judged.count(l["url"].get<std::string>()) ? "security.hidden_link" : "normal: own or government host, or a menu of the page";
  std::cout << (o.json_out ? j.dump(2, ' ', false, nlohmann::json::error_handler_t::replace) + "\n" : inspect_summary(j));
  return 0;
}

}  // namespace

Command inspect_command(CLI::App& parent) {
  auto o = std::make_shared<Options>();
  auto* app = parent.add_subcommand("inspect", "Show what govaudit reads from one page (URL or saved file)");
  app->add_option("url", o->inspect_target, "Page to fetch with the crawler's settings");
  app->add_option("--file", o->inspect_file, "A saved page instead of fetching");
  app->add_option("--url", o->inspect_url, "With --file: the page's URL (resolves its relative links)");
  app->add_flag("--json", o->json_out, "One JSON object instead of the summary");
  app->add_option("--config", o->config, "Configuration file (TOML)");
  app->add_option("--dns", o->dns, "DNS servers to ask instead of the system's, HOST:PORT[,...]");
  app->add_option("--allow-net", o->allow_net, "Address ranges that may be fetched although private");
  return {app, o.get(), [o] { return cmd_inspect(*o); }};
}
}  // namespace govaudit::cli
