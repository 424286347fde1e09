#pragma once
// govaudit's subcommands, one file each under cli/commands/: each declares its own options on the
// command line it is given and returns what runs it. main.cpp only dispatches.
#include "cli/commands/common.hpp"

namespace govaudit::cli {

Command crawl_command(CLI::App& parent);
Command run_command(CLI::App& parent);
Command audit_command(CLI::App& parent);
Command report_command(CLI::App& parent);
Command diff_command(CLI::App& parent);
Command demo_command(CLI::App& parent);
Command calendar_command(CLI::App& parent);
Command probe_command(CLI::App& parent);
Command inspect_command(CLI::App& parent);
Command plan_command(CLI::App& parent);
Command worker_command(CLI::App& parent);
Command serve_command(CLI::App& parent);
Command recheck_command(CLI::App& parent);
Command reviews_command(CLI::App& parent);
Command user_command(CLI::App& parent);

// The program's arguments, for `run` to audit in a fresh image of itself.
void keep_arguments(char** argv);

}  // namespace govaudit::cli
