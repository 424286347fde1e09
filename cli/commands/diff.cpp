#include "cli/commands/commands.hpp"
#include <iostream>
#include <nlohmann/json.hpp>
#include "reports/history.hpp"

namespace govaudit::cli {
namespace {

namespace fs = std::filesystem;

struct Options : Common {
  std::int64_t from_run = 0, to_run = 0;
  bool json_out = false;
};

int cmd_diff(const Options& o) {
  auto store = open_campaign(o);
  std::int64_t to = o.to_run, from = o.from_run;
  auto runs = store->audit_runs();
  for (auto it = runs.rbegin(); !to && it != runs.rend(); ++it)
    if (it->done) to = it->id;
  if (!to) throw Usage("no finished audit run to compare");
  if (!from) {
    auto p = store->previous_audit_run(to);
    if (!p) throw Usage("audit run " + std::to_string(to) + " has no earlier audit run to compare with");
    from = *p;
  }
  for (auto id : {from, to})
    if (!store->audit_run(id)) throw Usage("run " + std::to_string(id) + " is not an audit run");
  FindingDiff d = diff_findings(store->findings(from), store->findings(to));
  if (o.json_out) {
    auto list = [](const std::vector<Finding>& v) {
      nlohmann::json a = nlohmann::json::array();
      for (auto& f : v) a.push_back({{"site", f.site_id}, {"rule", f.rule}, {"subject", f.subject}, {"url", f.url}});
      return a;
    };
    std::cout << nlohmann::json{{"from", from}, {"to", to}, {"new", list(d.added)}, {"persisting", list(d.persisting)},
                                {"resolved", list(d.resolved)}}.dump(2) << "\n";
    return 0;
  }
  std::cout << "audit " << from << " -> " << to << ": 新发现 " << d.added.size() << ", 仍存在 " << d.persisting.size()
            << ", 已整改 " << d.resolved.size() << "\n";
  for (auto [label, v] : {std::pair{"新发现", &d.added}, std::pair{"仍存在", &d.persisting}, std::pair{"已整改", &d.resolved}})
    for (auto& f : *v) std::cout << label << '\t' << f.site_id << '\t' << f.rule << '\t' << f.subject << "\n";
  return 0;
}

}  // namespace

Command diff_command(CLI::App& parent) {
  auto o = std::make_shared<Options>();
  auto* app = parent.add_subcommand("diff", "Compare the findings of two audit runs");
  add_common(app, *o, false);
  app->add_option("--from", o->from_run, "Earlier audit run (default: the one before --to)");
  app->add_option("--to", o->to_run, "Later audit run (default: the latest)");
  app->add_flag("--json", o->json_out, "{\"new\": [...], \"persisting\": [...], \"resolved\": [...]}");
  return {app, o.get(), [o] { return cmd_diff(*o); }};
}
}  // namespace govaudit::cli
