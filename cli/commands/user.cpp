#include "cli/commands/commands.hpp"
#include <iostream>
#include <set>
#include "reports/console.hpp"
#include "reports/input_text.hpp"
#include "model/strings.hpp"
#include "storage/pg.hpp"

namespace govaudit::cli {
namespace {

namespace fs = std::filesystem;

struct Options : Common {
  std::string user_name, user_role, user_sites;
};

// govaudit user add|list|remove: the console's accounts, in the store the console serves.
int cmd_user(const Options& o, const std::string& action) {
  if (o.db.empty()) throw Usage("user: --db is required (the SQLite file or postgresql://… the console serves)");
  auto store = open_campaign(o);
  if (action == "list") {
    for (auto& a : store->accounts()) {
      std::string sites;
      for (auto& x : a.sites) sites += (sites.empty() ? "" : ",") + x;
      std::cout << a.name << '\t' << name(a.role) << '\t' << (sites.empty() ? "*" : sites) << '\t' << a.created_at << "\n";
    }
    return 0;
  }
  if (o.user_name.empty()) throw Usage("user " + action + ": --name NAME is required");
  if (action == "remove") {
    if (!store->remove_account(o.user_name)) throw Usage("no account named '" + o.user_name + "'");
    std::cout << "removed account " << o.user_name << "\n";
    return 0;
  }
  if (o.user_name.size() > 100) throw Usage("--name: at most 100 bytes");
  if (auto bad = input_problem(o.user_name, false)) throw Usage("--name: " + *bad);
  auto role = role_from(o.user_role);
  if (!role) throw Usage("--role: '" + o.user_role + "' is not a role (evaluator, county, viewer)");
  Account a;
  a.name = o.user_name;
  a.role = *role;
  a.sites = split_csv(o.user_sites);
  if (a.role == Role::County && a.sites.empty()) throw Usage("--role county needs --sites ID,… (the sites this county's staff see)");
  if (a.role != Role::County && !a.sites.empty()) throw Usage("--sites is for county accounts (evaluators and viewers see every site)");
  std::set<std::string> known;
  for (auto& r : store->audit_runs()) known.insert(r.sites.begin(), r.sites.end());
  for (auto& id : a.sites)
    if (!known.count(id)) throw Usage("--sites: no site '" + id + "' in any run of " + (pg::is_uri(o.db) ? pg::redact(o.db) : o.db));
  std::string token = "gat_" + random_hex(24);
  a.token_hash = token_hash(token);
  try {
    store->add_account(a);
  } catch (const std::invalid_argument& e) {
    throw Usage(e.what());
  }
  std::cout << "created account " << a.name << " (" << name(a.role) << (a.sites.empty() ? "" : ": " + o.user_sites)
            << "); its token is shown once, below (only its hash is stored)\n"
            << token << "\n";
  return 0;
}

}  // namespace

Command user_command(CLI::App& parent) {
  auto o = std::make_shared<Options>();
  auto* app = parent.add_subcommand("user", "Console accounts: add, list, remove");
  app->require_subcommand(1);
  auto* add = app->add_subcommand("add", "Add an account; its token is printed once, on the last line");
  auto* list = app->add_subcommand("list", "List the accounts (name, role, sites, created)");
  auto* remove = app->add_subcommand("remove", "Remove an account (its token stops working)");
  for (auto* c : {add, list, remove}) {
    c->add_option("--db", o->db, "The store the console serves: SQLite file or postgresql://…");
    c->add_flag("-q,--quiet", o->quiet, "Only warnings and errors");
  }
  for (auto* c : {add, remove}) c->add_option("--name", o->user_name, "Account name (a person or an office)");
  add->add_option("--role", o->user_role, "evaluator (everything), county (its sites; may claim fixes), viewer (reads)");
  add->add_option("--sites", o->user_sites, "County accounts: the site ids they see, ID[,ID…]");
  return {app, o.get(), [o, add, list] { return cmd_user(*o, add->parsed() ? "add" : list->parsed() ? "list" : "remove"); }};
}
}  // namespace govaudit::cli
