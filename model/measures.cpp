#include "model/measures.hpp"

#include <stdexcept>

#include <nlohmann/json.hpp>

namespace govaudit {
namespace {
using nlohmann::json;

json date_json(const std::optional<Date>& d) { return d ? json(d->iso()) : json(nullptr); }
std::optional<Date> date_of(const json& j) {
  return j.is_string() ? Date::parse_iso(j.get<std::string>()) : std::nullopt;
}

json message_json(const MessageRecord& m) {
  return {{"list_url", m.list_url}, {"url", m.url}, {"title", m.title}, {"left", date_json(m.left)},
          {"replied", date_json(m.replied)}, {"status", m.status}, {"unit", m.unit}, {"reply_text", m.reply_text}};
}
MessageRecord message_of(const json& j, const std::string& site) {
  MessageRecord m;
  m.site_id = site;
  m.list_url = j.value("list_url", "");
  m.url = j.value("url", "");
  m.title = j.value("title", "");
  m.left = date_of(j.value("left", json()));
  m.replied = date_of(j.value("replied", json()));
  m.status = j.value("status", "");
  m.unit = j.value("unit", "");
  m.reply_text = j.value("reply_text", false);
  return m;
}

const char* search_name(SearchState s) {
  switch (s) {
    case SearchState::Works: return "works";
    case SearchState::Broken: return "broken";
    case SearchState::Manual: return "manual";
    default: return "none";
  }
}
SearchState search_of(const std::string& s) {
  return s == "works" ? SearchState::Works : s == "broken" ? SearchState::Broken : s == "manual" ? SearchState::Manual : SearchState::None;
}
}  // namespace

std::string measures_json(const SiteMeasures& m) {
  const auto& v = m.ipv6;
  json boxes = json::array();
  for (auto& b : m.boxes) {
    json open = json::array();
    for (auto& r : b.unanswered) open.push_back(message_json(r));
    boxes.push_back({{"name", b.name}, {"url", b.url}, {"messages", b.messages}, {"answered", b.answered},
                     {"newest_reply", date_json(b.newest_reply)}, {"median_days", b.median_days},
                     {"unanswered", open}, {"excluded", b.excluded}});
  }
  const auto& a = m.a11y;
  json j = {
      {"status", m.status}, {"error", m.error}, {"limits", m.limits},
      {"ipv6", {{"host", v.host}, {"has_aaaa", v.has_aaaa}, {"aaaa", v.aaaa},
                {"home", {v.home_v4_ok, v.home_v4_total, v.home_v6_ok, v.home_v6_total}},
                {"similarity", v.similarity}, {"links", {v.link2_ok, v.link2_total, v.link3_ok, v.link3_total}},
                {"link2_failures", v.link2_failures}, {"zone", v.zone}, {"ns", {v.ns_total, v.ns_with_aaaa}}}},
      {"redirects", m.redirects}, {"warc", m.warc}, {"boxes", boxes},
      {"a11y", {a.pages, a.images, a.images_without_alt, a.fields, a.fields_unlabeled, a.pages_without_lang,
                a.pages_without_title, a.entry}},
      {"search", search_name(m.search)}, {"pages", m.pages}, {"checked", m.checked},
      {"probes", {m.probes, m.probes_failed}}};
  return j.dump(-1, ' ', false, json::error_handler_t::replace);
}

SiteMeasures parse_measures(const std::string& text) {
  try {
    json j = json::parse(text);
    SiteMeasures m;
    m.status = j.at("status").get<std::string>();
    m.error = j.at("error").get<std::string>();
    m.limits = j.at("limits").get<std::vector<std::string>>();
    const json& i = j.at("ipv6");
    auto& v = m.ipv6;
    v.host = i.at("host").get<std::string>();
    v.has_aaaa = i.at("has_aaaa").get<bool>();
    v.aaaa = i.at("aaaa").get<std::vector<std::string>>();
    auto home = i.at("home").get<std::vector<int>>(), links = i.at("links").get<std::vector<int>>(),
         ns = i.at("ns").get<std::vector<int>>();
    if (home.size() != 4 || links.size() != 4 || ns.size() != 2) throw std::runtime_error("bad ipv6 figures");
    std::tie(v.home_v4_ok, v.home_v4_total, v.home_v6_ok, v.home_v6_total) = std::tuple(home[0], home[1], home[2], home[3]);
    std::tie(v.link2_ok, v.link2_total, v.link3_ok, v.link3_total) = std::tuple(links[0], links[1], links[2], links[3]);
    std::tie(v.ns_total, v.ns_with_aaaa) = std::tuple(ns[0], ns[1]);
    v.similarity = i.at("similarity").get<double>();
    v.link2_failures = i.at("link2_failures").get<std::vector<std::string>>();
    v.zone = i.at("zone").get<std::string>();
    m.redirects = j.at("redirects").get<std::vector<std::pair<std::string, std::string>>>();
    m.warc = j.at("warc").get<std::map<std::string, std::string>>();
    for (auto& b : j.at("boxes")) {
      MessageBox box;
      box.name = b.at("name").get<std::string>();
      box.url = b.at("url").get<std::string>();
      box.messages = b.at("messages").get<int>();
      box.answered = b.at("answered").get<int>();
      box.newest_reply = date_of(b.at("newest_reply"));
      box.median_days = b.at("median_days").get<double>();
      for (auto& r : b.at("unanswered")) box.unanswered.push_back(message_of(r, ""));
      box.excluded = b.at("excluded").get<bool>();
      m.boxes.push_back(std::move(box));
    }
    auto a = j.at("a11y");
    if (a.size() != 8) throw std::runtime_error("bad accessibility counts");
    m.a11y = {a[0].get<int>(), a[1].get<int>(), a[2].get<int>(), a[3].get<int>(), a[4].get<int>(), a[5].get<int>(),
              a[6].get<int>(), a[7].get<bool>()};
    m.search = search_of(j.at("search").get<std::string>());
    m.pages = j.at("pages").get<int>();
    m.checked = j.at("checked").get<int>();
    auto p = j.at("probes").get<std::vector<int>>();
    if (p.size() != 2) throw std::runtime_error("bad probe counts");
    m.probes = p[0];
    m.probes_failed = p[1];
    return m;
  } catch (const nlohmann::json::exception& e) {
    throw std::runtime_error(std::string("stored site measures do not parse: ") + e.what());
  }
}

std::string crawl_cut_short(const std::vector<std::string>& limits) {
  for (auto& l : limits)
    if (l.starts_with("pages per site (") || l.starts_with("depth (")) return l;
  return "";
}

}  // namespace govaudit
