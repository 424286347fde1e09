#include "cli/commands/commands.hpp"
#include <chrono>
#include "cli/console_server.hpp"
#include "cli/distributed.hpp"
#include "cli/pipeline.hpp"
#include "reports/console.hpp"
#include "storage/pg.hpp"
#include "storage/shared_store.hpp"

namespace govaudit::cli {
namespace {

namespace fs = std::filesystem;

struct Options : Common {
  std::string listen = "127.0.0.1:8080", token_file, warc_root, tls_cert, tls_key, store;
  int session_idle_minutes = 30, session_max_hours = 12;
};

int cmd_serve(const Options& o) {
  if (o.db.empty()) throw Usage("serve: --db is required (the database a run wrote, e.g. govaudit-out/govaudit.db, or postgresql://…)");
  Config cfg = make_config(o);
  ServeOptions s;
  s.listen = o.listen;
  s.token_file = o.token_file;
  s.tls_cert = o.tls_cert;
  s.tls_key = o.tls_key;
  if (o.session_idle_minutes < 1 || o.session_max_hours < 1) throw Usage("serve: --session-idle and --session-max are at least 1");
  s.session_idle = std::chrono::minutes(o.session_idle_minutes);
  s.session_max = std::chrono::hours(o.session_max_hours);
  try {
    if (pg::is_uri(o.db)) {
      if (o.store.empty()) throw Usage("serve: --store DIR is required with a shared store (the workers' artifact directory: reports and evidence)");
      SharedStore shared(o.db);
      s.db = pg::redact(o.db);
      s.warc_root = o.warc_root.empty() ? fs::path(o.store) : fs::path(o.warc_root);
      serve_console(s, shared, cfg, [&](std::int64_t run) -> std::unique_ptr<LoadedReport> {
        return shared.run(run) ? shared_report_data(o.db, run) : nullptr;
      });
      return 0;
    }
    if (!fs::exists(o.db)) throw Usage("serve: no database at " + o.db);
    Store store(o.db);
    for (auto& r : store.audit_runs()) ensure_measures(store, cfg, r.id);
    s.db = o.db;
    s.warc_root = o.warc_root.empty() ? fs::absolute(o.db).parent_path() : fs::path(o.warc_root);
    serve_console(s, store, cfg, sqlite_reports(store, cfg));
  } catch (const std::invalid_argument& e) {
    throw Usage(e.what());
  }
  return 0;
}

}  // namespace

Command serve_command(CLI::App& parent) {
  auto o = std::make_shared<Options>();
  auto* app = parent.add_subcommand("serve", "Review console: findings, evidence and reviews in a browser");
  app->add_option("--db", o->db, "Database a run wrote (govaudit-out/govaudit.db), or the shared store postgresql://…");
  app->add_option("--store", o->store, "With --db postgresql://…: the artifact store the workers wrote (reports, evidence)");
  app->add_option("--listen", o->listen, "Address to listen on, HOST:PORT (default 127.0.0.1:8080; others need --token-file)");
  app->add_option("--token-file", o->token_file, "File holding the access token (clients send Authorization: Bearer …)");
  app->add_option("--tls-cert", o->tls_cert, "PEM certificate (chain): serve HTTPS; the session cookie is then Secure");
  app->add_option("--tls-key", o->tls_key, "PEM private key of --tls-cert");
  app->add_option("--session-idle", o->session_idle_minutes, "Minutes a browser session may stay unused before it ends")->capture_default_str();
  app->add_option("--session-max", o->session_max_hours, "Hours after its login any browser session ends")->capture_default_str();
  app->add_option("--warc-root", o->warc_root, "Directory the WARC evidence is under (default: the database's directory)");
  app->add_option("--config", o->config, "Configuration file (TOML) the reports were made with");
  app->add_flag("-v,--verbose", o->verbose, "Log every request (repeat for debug)");
  return {app, o.get(), [o] { return cmd_serve(*o); }};
}
}  // namespace govaudit::cli
