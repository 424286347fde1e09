#pragma once
// govaudit's configuration: defaults compiled in from config/defaults/*.toml, overridden by a
// user file (--config). Everything a rule or the crawler tunes is here, as data.
#include <cstdint>
#include <filesystem>
#include <initializer_list>
#include <map>
#include <optional>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include "model/kinds.hpp"

namespace govaudit {

// A configuration or input error. what() names the file, line, column and key:
// "govaudit.toml:12:5: crawl.max_pages_per_site: expected an integer".
class ConfigError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// Overrides for one host (crawl.host."name"): what a webmaster agreed to, or what a gateway needs.
struct HostSettings {
  std::vector<std::string> headers;  // extra request headers, "Name: value"
  std::string cookies;               // Cookie header value, "a=1; b=2"
  std::optional<int> connections;    // instead of per_host_connections
  std::optional<int> delay_ms;       // instead of per_host_delay_ms
};

struct CrawlSettings {
  std::string user_agent;  // with {version} and {contact} already substituted
  std::string contact;
  int max_pages_per_site = 500000;  // a county portal may hold 100,000 pages and more
  int max_depth = 20;
  int max_url_length = 2048;
  int frontier_in_memory = 16384;  // queued tasks held in memory before host queues spill to a file
  int max_query_variants_per_path = 40;
  int max_links_per_page = 5000;
  int per_host_connections = 6;
  int per_host_delay_ms = 0;
  int per_ip_connections = 0;  // 0: none beyond the per-host limits
  int global_connections = 0;  // 0: by the cores, within the open files (crawler/net/fetcher.hpp connection_budget)
  int connect_timeout_ms = 10000;
  int total_timeout_ms = 30000;
  int low_speed_bytes_per_s = 512;
  int low_speed_time_ms = 15000;
  std::int64_t max_body_bytes = 16 << 20;
  int retries = 2;
  int retry_backoff_ms = 400;
  bool respect_robots = true;
  bool check_external_links = true;
  int parse_threads = 2;
  int ipv6_homepage_attempts = 3;  // homepage fetches over each of IPv4 and IPv6
  int ipv6_third_level_max = 200;  // third-level links measured over IPv6, per site
  std::string ca_file;             // trust store for HTTPS (PEM); empty = the system's
  int https_port = 443;            // where HTTPS is looked for when the homepage is http://
  int reuse_external_hours = 12;   // reuse other hosts' link answers this recent (0 = ask again)
  int revisit_days = 30;           // run --delta: a known article is asked again when its check is this old (and 1/N of them each day)
  std::vector<std::string> attachment_extensions;  // lower case, without dot
  // Attachments downloaded and read for personal data (formats of attachment::format_of), up to
  // this size each, read in a child process with this deadline.
  std::vector<std::string> read_attachments{"xlsx", "docx", "pdf", "csv", "txt"};
  std::int64_t attachment_max_bytes = 20 << 20;
  int attachment_timeout_ms = 20000;
  bool warc = true;                                // write WARC evidence under OUT/warc
  std::int64_t warc_rotate_bytes = 1000000000;
  int warc_gzip_level = 1;
  int progress_interval_ms = 5000;                 // log line period when stderr is not a terminal
  std::map<std::string, HostSettings> hosts;       // by host name (the host connected to)
  // URL prefix remap, production -> fetched: a staging copy is crawled and recorded under the
  // production URLs (links back to the staging prefix are mapped to production too).
  std::vector<std::pair<std::string, std::string>> remap;
};

struct DnsSettings {
  std::vector<std::string> servers;  // "host:port"; empty = system resolver
  int timeout_ms = 3000;
  int tries = 3;
  std::map<std::string, std::vector<std::string>> static_hosts;  // host -> addresses
};

struct Thresholds {
  int homepage_update_days = 14;          // calendar days
  double meta_missing_max_share = 0.10;   // share of article pages
  double ipv6_link_support_min = 0.90;    // share of secondary links
  double ipv6_similarity_min = 0.90;      // visible-text similarity of the v6 and v4 homepages
  int cert_expiry_warning_days = 30;      // a certificate expiring sooner is reported
  int interpretation_working_days = 3;    // working days
  // Month and day by which last year's 政府信息公开工作年度报告 is due (条例 art. 50).
  std::pair<int, int> annual_report_due_government{3, 31};
  std::pair<int, int> annual_report_due_department{1, 31};
  // Month and day by which a website publishes last year's 政府网站工作年度报表 (国办函〔2018〕12号).
  std::pair<int, int> website_form_due{1, 31};
};

// One required column of the disclosure catalog.
struct ColumnSpec {
  std::string name;                        // canonical, as findings name it
  std::vector<std::string> synonyms;
  std::optional<int> update_limit_days;    // calendar days; nullopt = not judged for freshness
  bool policy_documents = false;
  bool interpretations = false;            // holds 政策解读 (interpretation rules)
  std::string checked_by = "columns";      // "columns" or "annual_report"
  std::string unit;                        // responsible unit
  bool required = true;                    // false: judged when the site has it, not missed when absent
};

// A homepage identifier (网站标识码, ICP …) and how to recognise it.
struct IdentifierSpec {
  std::string key;                         // "site_id", "icp", …
  std::string rule;                        // finding rule id
  std::string name;                        // Chinese name for reports
  std::vector<std::string> text_patterns;  // ICU regular expressions over visible text
  std::vector<std::string> hosts;          // label runs such as "conac.cn"
  std::vector<std::string> url_contains;   // substrings of a badge script's or link's URL
  std::vector<std::string> hints;          // words near a form not read as it (inspect shows those lines)
};

// A wrong form of a name and its right form (wording.serious_error, wording.suspected_error).
struct WordingEntry {
  std::string wrong, right;
  bool serious = true;  // 严重; false: 疑似 (a likely error a person confirms)
};

// A central institution abolished in a reform, named on pages published from `since` on.
struct OutdatedName {
  std::string name, now;
  std::string since = "2019-01-01";  // ISO date
};

// Content safety: what the privacy, hidden-link and wording rules look for (config/defaults/content.toml).
struct ContentRules {
  std::vector<std::string> government_hosts;  // DNS label runs: "gov.cn"
  std::vector<std::string> spam_words;        // in a hidden link's text or target: prohibited content
  std::vector<std::string> benign_hidden_hosts;  // hidden on purpose: share menus, vendor credits (label runs)
  std::vector<std::string> benign_hidden_urls;   // URL parts of the same
  std::vector<WordingEntry> wording;
  std::vector<OutdatedName> outdated;
  std::vector<std::string> outdated_not_after;   // an occurrence right after one of these is history (原)
  std::vector<std::string> outdated_not_before;  // right before one of these is another word (门, 署)
};

// Citizen message boxes (互动交流) and the indicators' limits for answering them.
struct InteractionRules {
  std::vector<std::string> boxes;     // names of message boxes: 县长信箱, 领导信箱 …
  std::vector<std::string> excluded;  // boxes the indicators do not judge (网上信访)
  int unanswered_months = 3;          // a message older than this without a reply …
  int window_months = 12;             // … and left within this many months before the audit
  int reply_stale_months = 2;         // the newest reply of a box is older than this
};

// Report wording and weight of one rule (config/defaults/rules.toml).
struct RuleText {
  std::string category, title, requirement, basis;
  Severity severity = Severity::Major;
};

// The scoring model of the evaluation report, after the national inspection indicators for
// government websites (国办秘函〔2019〕19号): veto items fail a site outright; otherwise each
// finding deducts points from 100 and a score below pass_score fails.
struct Scoring {
  int veto_stale_news_columns = 5;    // news-type columns (limit <= 14 days) not updated
  int veto_stale_notice_columns = 5;  // notice/policy columns (limit <= 183 days) not updated
  int veto_stale_columns = 10;        // any columns not updated
  int veto_empty_columns = 5;         // empty columns
  std::map<std::string, double> deduction{{"veto", 0}, {"major", 4}, {"minor", 1}};  // points per finding
  double max_deduction_per_rule = 20;  // one rule cannot take more than this
  double pass_score = 60;
  int availability_window_days = 7;         // probes counted before the audit date
  int availability_min_probes = 20;         // fewer probes: shown, not judged
  double veto_availability_failures = 0.05; // share of failed visits that fails the site
  int availability_timeout_ms = 15000;      // a visit fails when the homepage has not opened by then
  bool veto_prohibited_hidden_links = true; // a hidden link to gambling, pornography … fails the site
};

// The rectification list (整改清单): deadlines in working days after the audit date, by
// finding category, and the unit named when neither the catalog nor the site list names one.
struct Rectification {
  int default_working_days = 10;
  std::map<std::string, int> working_days;  // category -> working days
  std::string default_unit = "网站主办单位";
};

// After a run, one message with its new findings at or above a severity (a group robot's webhook).
struct NotifySettings {
  std::string webhook;                   // empty: no message
  Severity min_severity = Severity::Veto;
  std::string format = "json";           // json: the findings; text: {"msgtype":"text",…} (企业微信 / 钉钉 robots)
  int attempts = 3;                      // a failed POST is tried again, never failing the run
};

struct Config {
  CrawlSettings crawl;
  NotifySettings notify;
  DnsSettings dns;
  std::vector<std::string> allow_net;  // CIDRs
  Thresholds thresholds;
  std::vector<std::string> meta_required;
  std::vector<ColumnSpec> catalog;
  std::vector<IdentifierSpec> identifiers;
  ContentRules content;
  InteractionRules interaction;
  std::map<std::string, RuleText> rules;  // by rule id
  std::map<std::string, std::string> detail_labels;  // finding detail key -> report label
  std::string report_title;
  std::map<std::string, std::string> wording;  // "report.overview" -> 一、总体情况 (config/defaults/wording.toml)
  std::map<std::string, std::vector<std::string>> columns;  // "columns.overview" -> a table's column headings
  Scoring scoring;
  Rectification rectification;

  // Wording for `rule`; a neutral fallback for rules the file does not describe.
  RuleText rule_text(const std::string& rule) const;
  // The words under `key` ("report.overview"); throws std::out_of_range for a key the defaults lack.
  const std::string& words(const std::string& key) const;
  // The same with its {placeholders} filled ("共 {n} 项。"); a user's words may use the default's
  // placeholders only (checked when the file is read).
  std::string say(const std::string& key, std::initializer_list<std::pair<const char*, std::string>> values) const;
  const std::vector<std::string>& column_words(const std::string& key) const;
};

// `words` with their {placeholders} filled by name (Config::say for words given by key).
std::string fill_words(const std::string& words, std::initializer_list<std::pair<const char*, std::string>> values);

// Loads the compiled-in defaults, then `user_file` if given. Throws ConfigError.
Config load_config(const std::optional<std::filesystem::path>& user_file = std::nullopt);

// The same with the user's file given as text (a shared run's stored configuration).
Config load_config_text(std::string_view user_text, const std::string& source);

// Applies TOML text on top of `cfg`; `source` names it in errors. Throws ConfigError.
void apply_config_text(Config& cfg, std::string_view toml_text, const std::string& source);

// The compiled-in default files (name -> text), e.g. for `govaudit config --dump`.
std::string default_config_text(std::string_view name);

const char* version();

}  // namespace govaudit
