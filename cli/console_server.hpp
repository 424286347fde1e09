#pragma once
// `govaudit serve`: the review console (reports/console.hpp) over HTTP/1.1 with Boost.Beast. The
// only file that includes Beast; one thread, so the console's database connection is never shared.
#include <filesystem>
#include <string>

#include "config/config.hpp"

namespace govaudit {

struct ServeOptions {
  std::string db;                    // database file
  std::string listen = "127.0.0.1:8080";
  std::filesystem::path token_file;  // required for any address other than loopback
  std::filesystem::path warc_root;   // what WARC locations are relative to; default: the database's directory
  int requests_per_second = 50;      // per client address, with a burst of twice that
};

// Serves until SIGINT/SIGTERM. Throws std::invalid_argument for a bad address, a non-loopback
// address without a token file, or an unreadable/empty token file.
void serve_console(const ServeOptions& options, const Config& config);

}  // namespace govaudit
