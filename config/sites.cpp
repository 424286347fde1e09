#include "config/sites.hpp"

#include "model/url.hpp"

#include <csv.h>

#include <algorithm>
#include <fstream>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>
#include <toml++/toml.h>

#include "config/config.hpp"
#include "config/toml_reader.hpp"
#include "model/strings.hpp"

namespace govaudit {
namespace {


std::string trim_cell(const std::string& s) {
  size_t b = 0, e = s.size();
  auto sp = [](unsigned char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; };
  while (b < e && sp(s[b])) ++b;
  while (e > b && sp(s[e - 1])) --e;
  // A full-width space (U+3000) is common in registry exports.
  std::string t = s.substr(b, e - b);
  while (t.rfind("\xE3\x80\x80", 0) == 0) t.erase(0, 3);
  while (t.size() >= 3 && t.compare(t.size() - 3, 3, "\xE3\x80\x80") == 0) t.erase(t.size() - 3);
  return t;
}

// Derives an id from the homepage host: www.qinghe.gov.cn -> qinghe.
std::string derive_id(const std::string& host) {
  std::vector<std::string> labels;
  std::stringstream ss(host);
  for (std::string l; std::getline(ss, l, '.');) labels.push_back(l);
  static const std::set<std::string> generic = {"www", "gov", "cn", "com", "org", "net", "test", "zwgk", "xxgk"};
  for (auto& l : labels)
    if (!generic.count(l) && !l.empty()) return l;
  return host;
}

struct Listed {
  Site site;
  std::string where;  // file:line (or site #N) that lists it
};

// Host, port and path: the same site whatever the scheme or letter case it was listed with.
std::string homepage_key(const std::string& url) {
  auto p = url::parts(url);
  if (!p) return url;
  return p->host + ":" + std::to_string(p->port == 443 ? 80 : p->port) + p->path;
}

void finish(Site& s, const std::string& where) {
  s.homepage = trim_cell(s.homepage);
  if (s.homepage.find("://") == std::string::npos && !s.homepage.empty()) s.homepage = "http://" + s.homepage;
  std::string host = url::host_of(s.homepage);
  if (host.empty()) throw ConfigError(where + ": homepage: '" + s.homepage + "' is not an http(s) URL");
  if (s.id.empty()) s.id = derive_id(host);
  for (auto& h : s.hosts) h = ascii_lower(trim_cell(h));
  s.hosts.erase(std::remove(s.hosts.begin(), s.hosts.end(), std::string()), s.hosts.end());
  if (std::find(s.hosts.begin(), s.hosts.end(), host) == s.hosts.end()) s.hosts.insert(s.hosts.begin(), host);
  if (s.name.empty()) s.name = s.id;
}

std::vector<std::string> split_hosts(const std::string& v) {
  std::vector<std::string> out;
  std::string cur;
  for (char c : v) {
    if (c == ',' || c == ';' || c == ' ' || c == '|') {
      if (!cur.empty()) out.push_back(cur);
      cur.clear();
    } else {
      cur += c;
    }
  }
  if (!cur.empty()) out.push_back(cur);
  return out;
}

std::vector<Listed> parse_json(const std::string& text, const std::string& source) {
  nlohmann::json j;
  try {
    j = nlohmann::json::parse(text);
  } catch (const nlohmann::json::parse_error& e) {
    throw ConfigError(source + ": byte " + std::to_string(e.byte) + ": invalid JSON: " + e.what());
  } catch (const nlohmann::json::exception& e) {  // out_of_range: a number too large for a double
    throw ConfigError(source + ": invalid JSON: " + e.what());
  }
  if (j.is_object() && j.contains("sites")) j = j["sites"];
  if (!j.is_array()) throw ConfigError(source + ": expected an array of sites");
  std::vector<Listed> out;
  for (size_t i = 0; i < j.size(); ++i) {
    const auto& o = j[i];
    std::string where = source + ": site #" + std::to_string(i + 1);
    if (!o.is_object()) throw ConfigError(where + ": expected an object");
    Site s;
    auto str = [&](const char* k, std::string& dst) {
      if (!o.contains(k) || o[k].is_null()) return;
      if (!o[k].is_string()) throw ConfigError(where + ": " + k + ": expected a string");
      dst = o[k].get<std::string>();
    };
    for (auto& [k, v] : o.items())
      if (k != "id" && k != "name" && k != "homepage" && k != "level" && k != "site_code" && k != "unit" && k != "hosts")
        throw ConfigError(where + ": " + k + ": unknown key");
    str("id", s.id);
    str("name", s.name);
    str("homepage", s.homepage);
    str("level", s.level);
    str("site_code", s.site_code);
    str("unit", s.unit);
    if (o.contains("hosts")) {
      if (!o["hosts"].is_array()) throw ConfigError(where + ": hosts: expected an array of strings");
      for (auto& h : o["hosts"]) {
        if (!h.is_string()) throw ConfigError(where + ": hosts: expected an array of strings");
        s.hosts.push_back(h.get<std::string>());
      }
    }
    if (s.homepage.empty()) throw ConfigError(where + ": homepage: missing");
    finish(s, where);
    out.push_back({std::move(s), where});
  }
  return out;
}

std::vector<Listed> parse_toml_sites(const std::string& text, const std::string& source) {
  toml::table root = govaudit::parse_toml(text, source);
  auto arr = root["site"].as_array();
  if (!arr) throw ConfigError(source + ": expected [[site]] tables");
  std::vector<Listed> out;
  for (auto& e : *arr) {
    auto t = e.as_table();
    std::string where = source + ":" + std::to_string(e.source().begin.line);
    if (!t) throw ConfigError(where + ": site: expected a table");
    Site s;
    for (auto&& [k, v] : *t) {
      std::string key(k.str());
      std::string kw = source + ":" + std::to_string(k.source().begin.line) + ":" + std::to_string(k.source().begin.column) + ": site." + key;
      if (key == "hosts") {
        auto a = v.as_array();
        if (!a) throw ConfigError(kw + ": expected an array of strings");
        for (auto& h : *a) {
          if (!h.is_string()) throw ConfigError(kw + ": expected an array of strings");
          s.hosts.push_back(h.as_string()->get());
        }
        continue;
      }
      auto sv = v.as_string();
      std::string* dst = key == "id" ? &s.id : key == "name" ? &s.name : key == "homepage" ? &s.homepage
                       : key == "level" ? &s.level : key == "site_code" ? &s.site_code : key == "unit" ? &s.unit : nullptr;
      if (!dst) throw ConfigError(kw + ": unknown key");
      if (!sv) throw ConfigError(kw + ": expected a string");
      *dst = sv->get();
    }
    if (s.homepage.empty()) throw ConfigError(where + ": site.homepage: missing");
    finish(s, where);
    out.push_back({std::move(s), where});
  }
  return out;
}

struct CsvState {
  std::vector<std::vector<std::string>> rows;
  std::vector<std::string> cur;
};

std::vector<Listed> parse_csv(std::string text, const std::string& source) {
  if (text.rfind("\xEF\xBB\xBF", 0) == 0) text.erase(0, 3);  // Excel's BOM
  csv_parser p;
  if (csv_init(&p, CSV_APPEND_NULL) != 0) throw ConfigError(source + ": cannot initialise the CSV parser");
  std::unique_ptr<csv_parser, void (*)(csv_parser*)> guard(&p, [](csv_parser* q) { csv_free(q); });
  CsvState st;
  auto on_field = [](void* s, size_t n, void* data) {
    static_cast<CsvState*>(data)->cur.emplace_back(static_cast<const char*>(s), n);
  };
  auto on_row = [](int, void* data) {
    auto* d = static_cast<CsvState*>(data);
    d->rows.push_back(std::move(d->cur));
    d->cur.clear();
  };
  if (csv_parse(&p, text.data(), text.size(), on_field, on_row, &st) != text.size() ||
      csv_fini(&p, on_field, on_row, &st) != 0)
    throw ConfigError(source + ": malformed CSV: " + csv_strerror(csv_error(&p)));
  if (st.rows.empty()) throw ConfigError(source + ": empty site list");
  // Header names, English or as the national registry exports them.
  static const std::map<std::string, std::string> aliases = {
      {"id", "id"}, {"name", "name"}, {"homepage", "homepage"}, {"url", "homepage"}, {"hosts", "hosts"},
      {"level", "level"}, {"site_code", "site_code"}, {"unit", "unit"},
      {"网站名称", "name"}, {"网站标识码", "site_code"}, {"首页网址", "homepage"}, {"网址", "homepage"},
      {"首页地址", "homepage"}, {"主办单位", "unit"}, {"网站域名", "hosts"}, {"域名", "hosts"},
      {"层级", "level"}, {"网站层级", "level"}, {"编号", "id"}};
  std::vector<std::string> cols;
  for (auto& h : st.rows[0]) {
    auto it = aliases.find(ascii_lower(trim_cell(h)));
    cols.push_back(it == aliases.end() ? "" : it->second);
  }
  if (std::find(cols.begin(), cols.end(), "homepage") == cols.end())
    throw ConfigError(source + ":1: no homepage column (homepage, url, 首页网址)");
  std::vector<Listed> out;
  for (size_t r = 1; r < st.rows.size(); ++r) {
    const auto& row = st.rows[r];
    if (std::all_of(row.begin(), row.end(), [](auto& f) { return trim_cell(f).empty(); })) continue;
    std::string where = source + ":" + std::to_string(r + 1);
    Site s;
    for (size_t c = 0; c < row.size() && c < cols.size(); ++c) {
      std::string v = trim_cell(row[c]);
      const auto& k = cols[c];
      if (k == "id") s.id = v;
      else if (k == "name") s.name = v;
      else if (k == "homepage") s.homepage = v;
      else if (k == "hosts") s.hosts = split_hosts(v);
      else if (k == "level") s.level = v;
      else if (k == "site_code") s.site_code = v;
      else if (k == "unit") s.unit = v;
    }
    if (s.homepage.empty()) throw ConfigError(where + ": homepage: missing");
    if (s.id.empty() && !s.site_code.empty()) s.id = s.site_code;
    finish(s, where);
    out.push_back({std::move(s), where});
  }
  return out;
}

}  // namespace

std::vector<Site> parse_sites(const std::string& text, const std::string& source, const std::string& format) {
  std::vector<Listed> listed = format == "json" ? parse_json(text, source)
                             : format == "toml" ? parse_toml_sites(text, source)
                                                : parse_csv(text, source);
  if (listed.empty()) throw ConfigError(source + ": the site list has no sites");
  std::map<std::string, std::string> ids, homepages;  // -> where first listed
  std::vector<Site> sites;
  for (auto& [s, where] : listed) {
    if (auto [it, fresh] = ids.emplace(s.id, where); !fresh)
      throw ConfigError(where + ": duplicate site id '" + s.id + "' (first at " + it->second + ")");
    if (auto [it, fresh] = homepages.emplace(homepage_key(s.homepage), where); !fresh)
      throw ConfigError(where + ": homepage " + s.homepage + " is listed twice (first at " + it->second + ")");
    sites.push_back(std::move(s));
  }
  return sites;
}

std::vector<Site> load_sites(const std::filesystem::path& file) {
  std::string text;
  try {
    text = read_file(file);
  } catch (const std::runtime_error& e) {
    throw ConfigError(std::string(e.what()) + " (the site list)");
  }
  std::string ext = ascii_lower(file.extension().string());
  std::string format = ext == ".json" ? "json" : ext == ".toml" ? "toml" : ext == ".csv" ? "csv" : "";
  if (format.empty()) {
    auto p = text.find_first_not_of(" \t\r\n\xEF\xBB\xBF");
    format = p != std::string::npos && (text[p] == '[' && text.compare(p, 6, "[[site") != 0) ? "json"
           : text.find("[[site]]") != std::string::npos ? "toml" : "csv";
  }
  return parse_sites(text, file.string(), format);
}

}  // namespace govaudit
