#include "config/config.hpp"

#include "model/date.hpp"
#include "model/strings.hpp"

#include <algorithm>
#include <cstdio>
#include <fstream>
#include <functional>
#include <set>
#include <sstream>
#include <toml++/toml.h>

#include "config/embedded.hpp"
#include "config/toml_reader.hpp"

namespace govaudit::defaults {
std::span<const EmbeddedFile> files();
}

namespace govaudit {
namespace {


void apply_crawl(CrawlSettings& c, const Reader& r) {
  r.known({"user_agent", "contact", "max_pages_per_site", "max_depth", "max_url_length", "frontier_in_memory",
           "max_query_variants_per_path", "max_links_per_page", "per_host_connections", "per_host_delay_ms", "per_ip_connections",
           "global_connections", "connect_timeout_ms", "total_timeout_ms", "low_speed_bytes_per_s",
           "low_speed_time_ms", "max_body_bytes", "retries", "retry_backoff_ms", "respect_robots",
           "check_external_links", "parse_threads", "attachment_extensions", "ipv6_homepage_attempts",
           "ipv6_third_level_max", "reuse_external_hours", "revisit_days", "warc", "warc_rotate_bytes", "warc_gzip_level",
           "progress_interval_ms", "host", "remap", "read_attachments", "attachment_max_bytes",
           "attachment_timeout_ms"});
  r.boolean("warc", c.warc);
  r.integer("warc_rotate_bytes", c.warc_rotate_bytes, 1 << 20, 1LL << 40);
  r.integer("warc_gzip_level", c.warc_gzip_level, 1, 9);
  r.integer("progress_interval_ms", c.progress_interval_ms, 100, 3'600'000);
  if (auto hosts = r.table("host"))
    for (auto&& [k, v] : *hosts) {
      std::string name(k.str());
      if (!v.as_table()) fail(r.source(), v, r.full("host." + name), "expected a table");
      Reader h(*v.as_table(), r.source(), r.full("host." + name));
      h.known({"headers", "cookies", "connections", "delay_ms"});
      HostSettings hs;
      h.strings("headers", hs.headers);
      for (auto& line : hs.headers)
        if (line.find(':') == std::string::npos || line.find_first_of("\r\n") != std::string::npos)
          fail(r.source(), v, h.full("headers"), "'" + line + "' is not a 'Name: value' header");
      h.string("cookies", hs.cookies);
      int n = 0;
      if (v.as_table()->get("connections")) h.integer("connections", n, 1, 256), hs.connections = n;
      if (v.as_table()->get("delay_ms")) h.integer("delay_ms", n, 0, 600'000), hs.delay_ms = n;
      c.hosts[name] = std::move(hs);
    }
  if (auto remap = r.table("remap"))
    for (auto&& [k, v] : *remap) {
      std::string from(k.str());
      auto to = v.as_string();
      if (!to) fail(r.source(), v, r.full("remap"), "expected \"production URL prefix\" = \"fetched URL prefix\"");
      std::string target = to->get();
      for (const std::string& u : {from, target})
        if (u.rfind("http://", 0) != 0 && u.rfind("https://", 0) != 0)
          fail(r.source(), v, r.full("remap"), "'" + u + "' is not an http(s) URL prefix");
      c.remap.emplace_back(from, target);
    }
  r.integer("reuse_external_hours", c.reuse_external_hours, 0, 24 * 365);
  r.integer("revisit_days", c.revisit_days, 1, 365);
  r.integer("ipv6_homepage_attempts", c.ipv6_homepage_attempts, 1, 100);
  r.integer("ipv6_third_level_max", c.ipv6_third_level_max, 0, 100000);
  r.string("user_agent", c.user_agent);
  r.string("contact", c.contact);
  r.integer("max_pages_per_site", c.max_pages_per_site, 1, 10'000'000);
  r.integer("max_depth", c.max_depth, 0, 1000);
  r.integer("max_url_length", c.max_url_length, 64, 65536);
  r.integer("frontier_in_memory", c.frontier_in_memory, 0, 100'000'000);
  r.integer("max_query_variants_per_path", c.max_query_variants_per_path, 1, 1'000'000);
  r.integer("max_links_per_page", c.max_links_per_page, 1, 10'000'000);
  r.integer("per_host_connections", c.per_host_connections, 1, 256);
  r.integer("per_host_delay_ms", c.per_host_delay_ms, 0, 600'000);
  r.integer("per_ip_connections", c.per_ip_connections, 0, 4096);
  r.integer("global_connections", c.global_connections, 0, 65536);
  r.integer("connect_timeout_ms", c.connect_timeout_ms, 100, 600'000);
  r.integer("total_timeout_ms", c.total_timeout_ms, 100, 3'600'000);
  r.integer("low_speed_bytes_per_s", c.low_speed_bytes_per_s, 0, 1'000'000'000);
  r.integer("low_speed_time_ms", c.low_speed_time_ms, 1000, 3'600'000);
  r.integer("max_body_bytes", c.max_body_bytes, 1024, 1LL << 34);
  r.integer("retries", c.retries, 0, 20);
  r.integer("retry_backoff_ms", c.retry_backoff_ms, 0, 600'000);
  r.boolean("respect_robots", c.respect_robots);
  r.boolean("check_external_links", c.check_external_links);
  r.integer("parse_threads", c.parse_threads, 1, 64);
  r.strings("attachment_extensions", c.attachment_extensions);
  r.strings("read_attachments", c.read_attachments);
  r.integer("attachment_max_bytes", c.attachment_max_bytes, 0, 1LL << 32);
  r.integer("attachment_timeout_ms", c.attachment_timeout_ms, 100, 600'000);
}

// [content]: lists are added to (a user's file extends the shipped dictionaries); `replace = true`
// in the user's [content] starts them afresh.
void apply_content(ContentRules& c, const toml::table& t, const std::string& source) {
  Reader r(t, source, "content");
  r.known({"replace", "government_hosts", "spam_words", "outdated_not_after", "outdated_not_before", "wording", "outdated",
           "benign_hidden_hosts", "benign_hidden_urls"});
  bool replace = false;
  r.boolean("replace", replace);
  if (replace) c = ContentRules{};
  auto add = [&](const char* key, std::vector<std::string>& into) {
    std::vector<std::string> more;
    r.strings(key, more);
    for (auto& m : more)
      if (std::find(into.begin(), into.end(), m) == into.end()) into.push_back(m);
  };
  add("government_hosts", c.government_hosts);
  add("spam_words", c.spam_words);
  add("benign_hidden_hosts", c.benign_hidden_hosts);
  add("benign_hidden_urls", c.benign_hidden_urls);
  add("outdated_not_after", c.outdated_not_after);
  add("outdated_not_before", c.outdated_not_before);
  auto tables = [&](const char* key, auto&& each) {
    const toml::node* n = t.get(key);
    if (!n) return;
    auto arr = n->as_array();
    if (!arr || !arr->is_array_of_tables()) fail(source, *n, std::string("content.") + key, "expected [[content." + std::string(key) + "]] tables");
    for (size_t i = 0; i < arr->size(); ++i) each(*arr->get(i)->as_table(), "content." + std::string(key) + "[" + std::to_string(i) + "]");
  };
  tables("wording", [&](const toml::table& e, const std::string& where_) {
    Reader w(e, source, where_);
    w.known({"wrong", "right", "level"});
    WordingEntry x;
    w.string("wrong", x.wrong);
    w.string("right", x.right);
    std::string level = "严重";
    w.string("level", level);
    if (x.wrong.empty() || x.right.empty()) fail(source, e, where_, "needs wrong and right");
    if (level != "严重" && level != "疑似") fail(source, e, where_ + ".level", "must be 严重 or 疑似");
    x.serious = level == "严重";
    auto same = std::find_if(c.wording.begin(), c.wording.end(), [&](auto& o) { return o.wrong == x.wrong; });
    if (same != c.wording.end()) *same = x;
    else c.wording.push_back(x);
  });
  tables("outdated", [&](const toml::table& e, const std::string& where_) {
    Reader w(e, source, where_);
    w.known({"name", "now", "since"});
    OutdatedName x;
    w.string("name", x.name);
    w.string("now", x.now);
    w.string("since", x.since);
    if (x.name.empty() || x.now.empty()) fail(source, e, where_, "needs name and now");
    if (!Date::parse_iso(x.since)) fail(source, e, where_ + ".since", "expected \"YYYY-MM-DD\"");
    auto same = std::find_if(c.outdated.begin(), c.outdated.end(), [&](auto& o) { return o.name == x.name; });
    if (same != c.outdated.end()) *same = x;
    else c.outdated.push_back(x);
  });
}

void apply_dns(DnsSettings& d, const Reader& r) {
  r.known({"servers", "timeout_ms", "tries", "static"});
  r.strings("servers", d.servers);
  r.integer("timeout_ms", d.timeout_ms, 50, 120'000);
  r.integer("tries", d.tries, 1, 20);
  if (auto st = r.table("static"))
    for (auto&& [k, v] : *st) d.static_hosts[std::string(k.str())] = r.string_array(v, r.full("static." + std::string(k.str())));
}

void apply_catalog(std::vector<ColumnSpec>& out, const toml::node& n, const std::string& source) {
  auto arr = n.as_array();
  if (!arr || !arr->is_array_of_tables()) fail(source, n, "column", "expected [[column]] tables");
  std::vector<ColumnSpec> cat;
  std::set<std::string> seen;
  for (auto& e : *arr) {
    const auto& t = *e.as_table();
    Reader r(t, source, "column");
    r.known({"name", "synonyms", "update_limit_days", "policy_documents", "interpretations", "checked_by", "unit", "required"});
    ColumnSpec c;
    r.string("name", c.name);
    if (c.name.empty()) fail(source, e, "column.name", "every [[column]] needs a name");
    if (!seen.insert(c.name).second) fail(source, e, "column.name", "duplicate column '" + c.name + "'");
    r.strings("synonyms", c.synonyms);
    int limit = -1;
    r.integer("update_limit_days", limit, 1, 36500);
    if (limit > 0) c.update_limit_days = limit;
    r.boolean("policy_documents", c.policy_documents);
    r.boolean("interpretations", c.interpretations);
    r.string("checked_by", c.checked_by);
    if (c.checked_by != "columns" && c.checked_by != "annual_report")
      fail(source, *t.get("checked_by"), "column.checked_by", "must be \"columns\" or \"annual_report\"");
    r.string("unit", c.unit);
    r.boolean("required", c.required);
    cat.push_back(std::move(c));
  }
  out = std::move(cat);
}

void apply_identifiers(std::vector<IdentifierSpec>& out, const toml::table& t, const std::string& source) {
  for (auto&& [k, v] : t) {
    std::string key(k.str());
    auto tbl = v.as_table();
    if (!tbl) fail(source, v, "identifiers." + key, "expected a table");
    Reader r(*tbl, source, "identifiers." + key);
    r.known({"rule", "name", "text", "hosts", "url_contains", "hints"});
    auto it = std::find_if(out.begin(), out.end(), [&](auto& s) { return s.key == key; });
    if (it == out.end()) { out.push_back({}); it = out.end() - 1; it->key = key; }
    r.string("rule", it->rule);
    r.string("name", it->name);
    r.strings("text", it->text_patterns);
    r.strings("hosts", it->hosts);
    r.strings("url_contains", it->url_contains);
    r.strings("hints", it->hints);
    if (it->rule.empty()) fail(source, v, "identifiers." + key + ".rule", "missing rule id");
  }
}

std::string substitute(std::string s, const std::string& what, const std::string& with) {
  for (size_t p; (p = s.find(what)) != std::string::npos;) s.replace(p, what.size(), with);
  return s;
}

void apply_rectification(Rectification& rect, const toml::table& table, const std::string& source) {
  const toml::table* t = &table;
  Reader n(*t, source, "rectification");
  n.known({"default_working_days", "default_unit", "working_days"});
  n.integer("default_working_days", rect.default_working_days, 0, 3650);
  n.string("default_unit", rect.default_unit);
  if (auto w = n.table("working_days"))
    for (auto&& [k, v] : *w) {
      auto i = v.as_integer();
      if (!i || i->get() < 0 || i->get() > 3650)
        fail(source, v, "rectification.working_days." + std::string(k.str()), "expected a number of working days");
      rect.working_days[std::string(k.str())] = int(i->get());
    }
}

void apply_scoring(Scoring& sc_out, const toml::table& table, const std::string& source) {
  const toml::table* t = &table;
  Reader n(*t, source, "scoring");
  n.known({"veto_stale_news_columns", "veto_stale_notice_columns", "veto_stale_columns", "veto_empty_columns",
           "deduct_major", "deduct_minor", "max_deduction_per_rule", "pass_score", "availability_window_days",
           "availability_min_probes", "veto_availability_failures", "availability_timeout_ms",
           "veto_prohibited_hidden_links"});
  n.boolean("veto_prohibited_hidden_links", sc_out.veto_prohibited_hidden_links);
  auto& sc = sc_out;
  n.integer("availability_window_days", sc.availability_window_days, 1, 366);
  n.integer("availability_min_probes", sc.availability_min_probes, 1, 100000);
  n.number("veto_availability_failures", sc.veto_availability_failures, 0, 1);
  n.integer("availability_timeout_ms", sc.availability_timeout_ms, 100, 600000);
  n.integer("veto_stale_news_columns", sc.veto_stale_news_columns, 1, 1000);
  n.integer("veto_stale_notice_columns", sc.veto_stale_notice_columns, 1, 1000);
  n.integer("veto_stale_columns", sc.veto_stale_columns, 1, 1000);
  n.integer("veto_empty_columns", sc.veto_empty_columns, 1, 1000);
  n.number("deduct_major", sc.deduction["major"], 0, 100);
  n.number("deduct_minor", sc.deduction["minor"], 0, 100);
  n.number("max_deduction_per_rule", sc.max_deduction_per_rule, 0, 100);
  n.number("pass_score", sc.pass_score, 0, 100);
}

// Report wording and severity of each rule ([rule."id"]).
void apply_rule_texts(std::map<std::string, RuleText>& rules, const toml::table& table, const std::string& source) {
  const toml::table* t = &table;
  for (auto&& [k, v] : *t) {
    std::string id(k.str());
    auto tbl = v.as_table();
    if (!tbl) fail(source, v, "rule." + id, "expected a table");
    Reader n(*tbl, source, "rule." + id);
    n.known({"category", "title", "requirement", "basis", "severity"});
    RuleText& rt = rules[id];
    n.string("category", rt.category);
    n.string("title", rt.title);
    n.string("requirement", rt.requirement);
    n.string("basis", rt.basis);
    if (tbl->get("severity")) {
      std::string sev;
      n.string("severity", sev);
      try {
        rt.severity = severity_from(sev);
      } catch (const std::invalid_argument&) {
        fail(source, *tbl->get("severity"), "rule." + id + ".severity", "must be veto, major or minor");
      }
    }
  }
}

void apply_thresholds(Thresholds& th, const toml::table& table, const std::string& source) {
  const toml::table* t = &table;
  Reader n(*t, source, "thresholds");
  n.number("ipv6_similarity_min", th.ipv6_similarity_min, 0.0, 1.0);
  n.integer("cert_expiry_warning_days", th.cert_expiry_warning_days, 0, 3650);
  n.known({"homepage_update_days", "meta_missing_max_share", "ipv6_link_support_min", "interpretation_working_days", "ipv6_similarity_min", "cert_expiry_warning_days",
           "annual_report_due_government", "annual_report_due_department", "website_form_due"});
  for (auto [key, dst] : {std::pair{"annual_report_due_government", &th.annual_report_due_government},
                          std::pair{"annual_report_due_department", &th.annual_report_due_department},
                          std::pair{"website_form_due", &th.website_form_due}}) {
    if (!t->get(key)) continue;
    std::string v;
    n.string(key, v);
    int m = 0, d = 0;
    // A day that exists (in a leap year: "02-29" is a valid due date).
    static const int days[] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    if (v.size() != 5 || std::sscanf(v.c_str(), "%2d-%2d", &m, &d) != 2 || m < 1 || m > 12 || d < 1 || d > days[m - 1])
      fail(source, *t->get(key), "thresholds." + std::string(key), "expected \"MM-DD\"");
    *dst = {m, d};
  }
  n.integer("homepage_update_days", th.homepage_update_days, 1, 3650);
  n.number("meta_missing_max_share", th.meta_missing_max_share, 0.0, 1.0);
  n.number("ipv6_link_support_min", th.ipv6_link_support_min, 0.0, 1.0);
  n.integer("interpretation_working_days", th.interpretation_working_days, 0, 365);
}

}  // namespace

const char* version() { return "0.1.0"; }

RuleText Config::rule_text(const std::string& rule) const {
  if (auto it = rules.find(rule); it != rules.end()) return it->second;
  return RuleText{"其他", rule, "", "", Severity::Major};
}

void apply_config_text(Config& cfg, std::string_view text, const std::string& source) {
  toml::table root = parse_toml(text, source);
  Reader r(root, source, "");
  if (auto t = r.table("tls")) {
    Reader n(*t, source, "tls");
    n.known({"ca_file", "https_port"});
    n.string("ca_file", cfg.crawl.ca_file);
    n.integer("https_port", cfg.crawl.https_port, 1, 65535);
  }
  r.known({"crawl", "dns", "net", "tls", "thresholds", "meta", "identifiers", "report", "column", "rule", "scoring", "detail_labels", "rectification",
           "content", "interaction", "notify", "wording"});
  if (auto t = r.table("wording")) apply_wording(cfg, *t, source);  // wording.cpp
  if (auto t = r.table("notify")) {
    Reader n(*t, source, "notify");
    n.known({"webhook", "min_severity", "format", "attempts"});
    n.string("webhook", cfg.notify.webhook);
    std::string severity(name(cfg.notify.min_severity));
    n.string("min_severity", severity);
    if (severity != "minor" && severity != "major" && severity != "veto")
      throw ConfigError(source + ": notify.min_severity: expected minor, major or veto, got \"" + severity + "\"");
    cfg.notify.min_severity = severity_from(severity);
    n.string("format", cfg.notify.format);
    if (cfg.notify.format != "json" && cfg.notify.format != "text")
      throw ConfigError(source + ": notify.format: expected json or text, got \"" + cfg.notify.format + "\"");
    n.integer("attempts", cfg.notify.attempts, 1, 10);
    if (!cfg.notify.webhook.empty() && cfg.notify.webhook.rfind("http://", 0) != 0 && cfg.notify.webhook.rfind("https://", 0) != 0)
      throw ConfigError(source + ": notify.webhook: expected an http:// or https:// URL");
  }
  if (auto t = r.table("interaction")) {
    Reader n(*t, source, "interaction");
    n.known({"boxes", "excluded", "unanswered_months", "window_months", "reply_stale_months"});
    n.strings("boxes", cfg.interaction.boxes);
    n.strings("excluded", cfg.interaction.excluded);
    n.integer("unanswered_months", cfg.interaction.unanswered_months, 1, 120);
    n.integer("window_months", cfg.interaction.window_months, 1, 120);
    n.integer("reply_stale_months", cfg.interaction.reply_stale_months, 1, 120);
  }
  if (auto t = r.table("content")) apply_content(cfg.content, *t, source);
  if (auto t = r.table("rectification")) apply_rectification(cfg.rectification, *t, source);
  if (auto t = r.table("detail_labels"))
    for (auto&& [k, v] : *t) {
      if (!v.is_string()) fail(source, v, "detail_labels." + std::string(k.str()), "expected a string");
      cfg.detail_labels[std::string(k.str())] = v.as_string()->get();
    }
  if (auto t = r.table("scoring")) apply_scoring(cfg.scoring, *t, source);
  if (auto t = r.table("rule")) apply_rule_texts(cfg.rules, *t, source);
  if (auto t = r.table("crawl")) apply_crawl(cfg.crawl, Reader(*t, source, "crawl"));
  if (auto t = r.table("dns")) apply_dns(cfg.dns, Reader(*t, source, "dns"));
  if (auto t = r.table("net")) {
    Reader n(*t, source, "net");
    n.known({"allow"});
    n.strings("allow", cfg.allow_net);
  }
  if (auto t = r.table("thresholds")) apply_thresholds(cfg.thresholds, *t, source);
  if (auto t = r.table("meta")) {
    Reader n(*t, source, "meta");
    n.known({"required"});
    n.strings("required", cfg.meta_required);
  }
  if (auto t = r.table("identifiers")) apply_identifiers(cfg.identifiers, *t, source);
  if (auto t = r.table("report")) {
    Reader n(*t, source, "report");
    n.known({"title"});
    n.string("title", cfg.report_title);
  }
  if (auto n = root.get("column")) apply_catalog(cfg.catalog, *n, source);
}

std::string default_config_text(std::string_view name) {
  auto f = find_embedded(defaults::files(), name);
  if (!f) throw ConfigError("no compiled-in default file named " + std::string(name));
  return std::string(*f);
}

namespace {
Config defaults_and(const std::function<void(Config&)>& user) {
  Config cfg;
  for (const char* name : {"govaudit.toml", "catalog.toml", "rules.toml", "content.toml", "wording.toml"})
    apply_config_text(cfg, default_config_text(name), std::string("(defaults)/") + name);
  user(cfg);
  for (auto& e : cfg.crawl.attachment_extensions)
    for (auto& ch : e) ch = char(std::tolower(static_cast<unsigned char>(ch)));
  cfg.crawl.user_agent = substitute(substitute(cfg.crawl.user_agent, "{version}", version()), "{contact}", cfg.crawl.contact);
  return cfg;
}
}  // namespace

Config load_config(const std::optional<std::filesystem::path>& user_file) {
  return defaults_and([&](Config& cfg) {
    if (!user_file) return;
    std::string text;
    try {
      text = read_file(*user_file);
    } catch (const std::runtime_error& e) {
      throw ConfigError(e.what());
    }
    apply_config_text(cfg, text, user_file->string());
  });
}

Config load_config_text(std::string_view user_text, const std::string& source) {
  return defaults_and([&](Config& cfg) { apply_config_text(cfg, user_text, source); });
}

}  // namespace govaudit
