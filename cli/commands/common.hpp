#pragma once
// What the commands share: the options most of them take, the typed usage error (exit 2; a
// ConfigError is one too, anything else is a failed run, exit 3: main maps them), and the helpers
// that turn options into a configuration, an audit date and a store.
#include <CLI/CLI.hpp>

#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

#include "config/config.hpp"
#include "model/date.hpp"
#include "storage/store.hpp"

namespace govaudit::cli {

// A command line the user must correct: exit code 2, the message as it is.
struct Usage : std::runtime_error {
  using std::runtime_error::runtime_error;
};

// The options of the commands that read sites, a configuration and one store.
struct Common {
  std::string sites, config, out = "govaudit-out", db, dns, today, allow_net, fail_on;
  std::int64_t run = 0;
  int verbose = 0;
  bool quiet = false;
};

// Declares --sites (when `sites`), --config, --out, --db, --dns, --today, --allow-net, --fail-on, -v, -q.
void add_common(CLI::App* app, Common& o, bool sites);

// A declared subcommand: its options (for the log level and the store's secrets) and what runs it.
struct Command {
  CLI::App* app = nullptr;
  const Common* options = nullptr;
  std::function<int()> run;
};

// The defaults, --config, --dns, --allow-net (checked now) and a --notify webhook.
Config make_config(const Common& o, const std::string& notify = "");
Date audit_date(const Common& o);
// The SQLite file of a command that works on one machine's store (a shared store's URI is refused).
std::string db_path(const Common& o);
// That file, which must exist.
std::string existing_db(const Common& o);
// `id` when given, else the newest finished run of `kind`.
std::int64_t run_or_latest(Store& store, std::int64_t id, RunKind kind, const std::string& path);
// The campaign half of the store --db names: the SQLite file (which must exist) or the shared store.
std::unique_ptr<Campaign> open_campaign(const Common& o);
// The options that shape a job: `run` continues an unfinished job only when they are the same.
std::string options_json(const Common& o, const char* job);
// 1 when a finding at or above --fail-on stands (not reviewed 误报), else 0.
int exit_for(Store& store, std::int64_t audit_run, const Common& o);
void print_outputs(const std::vector<std::filesystem::path>& files);
// Creates the output directory and makes sure files can be written there, before any crawling.
void writable_dir(const std::filesystem::path& dir);

// One crawl per database at a time: a second would take the first one's unfinished run for a
// killed one and resume it alongside.
class CrawlLock {
 public:
  explicit CrawlLock(const std::string& db);
  ~CrawlLock();
  CrawlLock(const CrawlLock&) = delete;
  CrawlLock& operator=(const CrawlLock&) = delete;

 private:
  std::string path_;
  int fd_ = -1;
};

}  // namespace govaudit::cli
