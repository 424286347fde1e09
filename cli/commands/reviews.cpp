#include "cli/commands/commands.hpp"
#include <iostream>
#include "reports/review_table.hpp"

namespace govaudit::cli {
namespace {

namespace fs = std::filesystem;

struct Options : Common {
  std::string file, user_name;
};

// govaudit reviews export|import: the 复核表, over either store.
int cmd_reviews(const Options& o, bool import) {
  if (o.db.empty()) throw Usage("reviews: --db is required (the SQLite file or postgresql://…)");
  if (o.file.empty()) throw Usage("reviews: --file FILE.xlsx is required");
  auto store = open_campaign(o);
  std::int64_t run = o.run;
  auto runs = store->audit_runs();
  for (auto it = runs.rbegin(); !run && it != runs.rend(); ++it)
    if (it->done) run = it->id;
  if (!run || !store->audit_run(run)) throw Usage(run ? "run " + std::to_string(run) + " is not an audit run" : "no finished audit run");
  Config cfg = make_config(o);
  if (!import) {
    auto rows = review_rows(*store, cfg, run);
    write_review_table(rows, o.file);
    std::cout << "wrote " << o.file << ": " << rows.size() << " findings of audit run " << run << "\n";
    return 0;
  }
  std::vector<ReviewRow> rows;
  try {
    rows = read_review_table(o.file);
  } catch (const std::runtime_error& e) {
    throw Usage(e.what());
  }
  auto r = import_review_table(*store, run, rows, o.user_name.empty() ? "复核表" : o.user_name);
  for (auto& e : r.errors) std::cerr << "govaudit: " << o.file << ": " << e << "\n";
  if (!r.errors.empty()) {
    std::cerr << "govaudit: " << r.errors.size() << " rows are wrong; nothing was recorded\n";
    return 2;
  }
  std::cout << "audit run " << run << ": " << r.applied << " reviews recorded, " << r.unchanged << " unchanged, " << r.blank
            << " rows without a decision\n";
  return 0;
}

}  // namespace

Command reviews_command(CLI::App& parent) {
  auto o = std::make_shared<Options>();
  auto* app = parent.add_subcommand("reviews", "The 复核表: export a run's findings as XLSX, import the decisions back");
  app->require_subcommand(1);
  auto* exp = app->add_subcommand("export", "Write the run's findings with their review state to --file");
  auto* imp = app->add_subcommand("import", "Record the decisions of a filled 复核表 (all or none)");
  for (auto* c : {exp, imp}) {
    c->add_option("--db", o->db, "The store: SQLite file or postgresql://…");
    c->add_option("--run", o->run, "Audit run (default: the latest finished)");
    c->add_option("--file", o->file, "The XLSX file");
    c->add_option("--config", o->config, "Configuration file (TOML) for the rules' titles");
    c->add_flag("-q,--quiet", o->quiet, "Only warnings and errors");
  }
  imp->add_option("--account", o->user_name, "The account the reviews are recorded under (default 复核表)");
  return {app, o.get(), [o, imp] { return cmd_reviews(*o, imp->parsed()); }};
}
}  // namespace govaudit::cli
