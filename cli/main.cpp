// govaudit: one binary; the subcommands are in cli/commands/, one file each.
// Exit codes, decided here only: 0 completed; 1 findings at or above --fail-on; 2 usage or config
// error (cli::Usage, ConfigError); 3 the run failed (any other error).
#include <spdlog/spdlog.h>

#include <CLI/CLI.hpp>
#include <iostream>
#include <system_error>

#include "cli/commands/commands.hpp"
#include "cli/redaction.hpp"
#include "config/config.hpp"
#include "storage/pg.hpp"
#include "storage/sqlite.hpp"

using namespace govaudit;
using govaudit::cli::Usage;

int main(int argc, char** argv) {
  cli::keep_arguments(argv);
  CLI::App app{"govaudit: compliance audits of county government portals (政务公开)"};
  app.set_version_flag("--version", std::string("govaudit ") + version());
  app.require_subcommand(1);
  std::vector<cli::Command> commands;
  for (auto declare : {cli::crawl_command, cli::audit_command, cli::report_command, cli::run_command, cli::diff_command,
                       cli::demo_command, cli::calendar_command, cli::probe_command, cli::inspect_command, cli::plan_command,
                       cli::worker_command, cli::serve_command, cli::recheck_command, cli::reviews_command, cli::user_command})
    commands.push_back(declare(app));
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e) == 0 ? 0 : 2;
  }
  const cli::Command* chosen = nullptr;
  for (auto& c : commands)
    if (c.app->parsed()) chosen = &c;
  if (!chosen) return 2;  // require_subcommand has said so
  const cli::Common& o = *chosen->options;
  const auto secrets = pg::secrets(o.db);
  hide_in_arguments(argc, argv, secrets);
  install_logger(secrets, o.verbose >= 2);
  spdlog::set_level(o.quiet ? spdlog::level::warn : o.verbose >= 2 ? spdlog::level::debug : spdlog::level::info);
  try {
    return chosen->run();
  } catch (const Usage& e) {
    std::cerr << "govaudit: " << pg::scrub(e.what(), secrets) << "\n";
    return 2;
  } catch (const ConfigError& e) {
    std::cerr << "govaudit: " << e.what() << "\n";
    return 2;
  } catch (const std::exception& e) {
    std::cerr << "govaudit: run failed: " << pg::scrub(e.what(), secrets) << "\n";
    // A full or read-only disk is told by the error's type and errno, not by its wording.
    bool no_room = false;
    if (auto* s = dynamic_cast<const sqlite::StorageError*>(&e)) no_room = s->no_room;
    else if (auto* s = dynamic_cast<const std::system_error*>(&e)) no_room = s->code().category() == std::generic_category() && sqlite::no_room_errno(s->code().value());
    if (no_room)
      std::cerr << "govaudit: is the disk full, or the output directory read-only? What was stored is kept: "
                   "the same command continues the crawl once there is room.\n";
    return 3;
  }
  return 2;
}
