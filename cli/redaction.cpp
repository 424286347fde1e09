#include "cli/redaction.hpp"

#include <spdlog/sinks/base_sink.h>
#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>
#include <unistd.h>

#include <cstring>
#include <mutex>

#include "storage/pg.hpp"

namespace govaudit {

void hide_in_arguments(int argc, char** argv, const std::vector<std::string>& secrets) {
  for (int i = 1; i < argc; ++i)
    for (auto& s : secrets)
      if (!s.empty())
        for (char* p = std::strstr(argv[i], s.c_str()); p; p = std::strstr(p + s.size(), s.c_str())) std::memset(p, '*', s.size());
}

namespace {

// Scrubs each message, then hands it to the terminal's sink (colours and all).
class ScrubbingSink : public spdlog::sinks::base_sink<std::mutex> {
 public:
  ScrubbingSink(spdlog::sink_ptr inner, std::vector<std::string> secrets) : inner_(std::move(inner)), secrets_(std::move(secrets)) {}

 protected:
  void sink_it_(const spdlog::details::log_msg& msg) override {
    std::string text = pg::scrub(std::string(msg.payload.data(), msg.payload.size()), secrets_);
    spdlog::details::log_msg copy(msg.time, msg.source, msg.logger_name, msg.level, text);
    inner_->log(copy);
  }
  void flush_() override { inner_->flush(); }
  void set_pattern_(const std::string& pattern) override { inner_->set_pattern(pattern); }
  void set_formatter_(std::unique_ptr<spdlog::formatter> f) override { inner_->set_formatter(std::move(f)); }

 private:
  spdlog::sink_ptr inner_;
  std::vector<std::string> secrets_;
};

}  // namespace

void install_logger(const std::vector<std::string>& secrets, bool debug) {
  auto terminal = std::make_shared<spdlog::sinks::stderr_color_sink_mt>();
  spdlog::sink_ptr sink = terminal;
  if (!secrets.empty()) sink = std::make_shared<ScrubbingSink>(terminal, secrets);
  auto logger = std::make_shared<spdlog::logger>("govaudit", sink);
  spdlog::set_default_logger(logger);
  // On a terminal the crawl's live progress line is cleared before a log line is written over it;
  // debug output (-vv) tells milliseconds, for reading where a run's time goes.
  spdlog::set_pattern(std::string(isatty(STDERR_FILENO) ? "\r\033[K" : "") + (debug ? "%H:%M:%S.%e" : "%H:%M:%S") + " %^%l%$ %v");
}

}  // namespace govaudit
