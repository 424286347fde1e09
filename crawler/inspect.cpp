#include "crawler/inspect.hpp"

#include <algorithm>
#include <set>
#include <sstream>

#include "crawler/extract/charset.hpp"
#include "crawler/extract/cms.hpp"
#include "crawler/extract/extract.hpp"
#include "crawler/extract/page_record.hpp"
#include "crawler/extract/reading.hpp"
#include "model/id_number.hpp"
#include "model/phone_number.hpp"
#include "model/url.hpp"

namespace govaudit {

nlohmann::json inspect_page(std::string_view body, std::string_view content_type, const std::string& page_url,
                            extract::Page* parsed, const std::vector<std::string_view>& stylesheets) {
  using nlohmann::json;
  auto dec = charset::decode(body, content_type);
  auto page = extract::parse(dec.text, page_url, {}, stylesheets);
  reading::weigh_text_dates(page);  // what else the text dates, for the reader of this output
  auto me = url::parts(page_url);
  std::set<std::string> internal, external;
  json related = json::array();
  std::set<std::string> related_urls;
  auto add_related = [&](const std::string& to, const std::string& text, const char* how) {
    if (related_urls.insert(to).second) related.push_back({{"url", to}, {"text", text}, {"found_by", how}});
  };
  std::string base = page_base(page, page_url);
  for (auto& l : page.related)
    if (auto to = url::resolve(base, l.href)) add_related(*to, l.text, "block");
  for (auto& l : link_records(page, "", page_url)) {
    if (l.tag != "a" && l.tag != "area") continue;
    auto p = url::parts(l.to_url);
    (me && p && p->host == me->host ? internal : external).insert(l.to_url);
    // A link that names a document's interpretation (or original) by its title; a short one such as
    // 政策解读 or 解读回应 is a column in the navigation, not a related document.
    bool titled = l.text.find("《") != std::string::npos || l.text.size() >= 30;
    for (const char* w : {"解读", "图解", "一图读懂", "原文", "相关文件"})
      if (titled && l.text.find(w) != std::string::npos) {
        add_related(l.to_url, l.text, "text");
        break;
      }
  }
  auto d = cms::detect(dec.text, page_url);
  json j;
  j["url"] = page_url;
  j["charset"] = dec.charset;
  j["charset_source"] = dec.source;
  j["replacement_chars"] = dec.replacements;
  j["title"] = page.title;
  j["published"] = page.published ? json(page.published->iso()) : json(nullptr);
  j["published_source"] = page.published ? json(page.published_source) : json(nullptr);
  j["meta_published"] = page.meta_published ? json(page.meta_published->iso()) : json(nullptr);
  j["document_date"] = page.document_date ? json(page.document_date->iso()) : json(nullptr);
  j["meta"] = page.meta;
  j["links"] = {{"count", internal.size() + external.size()}, {"internal", internal.size()}, {"external", external.size()}};
  j["cms"] = {{"name", d.name}, {"evidence", d.evidence}};
  j["pager"] = page.pager ? json{{"pages", page.pager->total}, {"current", page.pager->current}, {"prefix", page.pager->prefix},
                                 {"ext", page.pager->ext}}
                          : json(nullptr);
  j["column"] = page.column.empty() ? json(nullptr) : json(page.column);
  auto candidates = [](const std::vector<extract::Candidate>& cs) {
    json a = json::array();
    for (auto& c : cs) a.push_back({{"value", c.value}, {"from", c.from}, {"rejected", c.rejected.empty() ? json(nullptr) : json(c.rejected)}});
    return a;
  };
  j["published_candidates"] = candidates(page.date_reading);
  j["column_candidates"] = candidates(page.column_reading);
  // How sure a reading is: two sources that agree, one source, or only the URL.
  auto sureness = [](const std::vector<extract::Candidate>& cs) {
    if (cs.empty()) return "none";
    if (cs.front().from == "URL") return "low";
    bool agreed = std::any_of(cs.begin(), cs.end(), [](auto& c) { return c.rejected.starts_with("agrees"); });
    return agreed ? "high" : "medium";
  };
  j["published_confidence"] = sureness(page.date_reading);
  j["column_confidence"] = sureness(page.column_reading);
  j["kind"] = name(page_kind(page, false));
  j["items"] = page.items.size();
  j["related"] = {{"links", related}, {"loaded_by_script", page.related_by_script}};
  // Content safety as the crawl records it: ID numbers masked at once, links CSS hides.
  Date today = Date::today_china();
  json ids = json::array();
  for (auto& s : id_number::seen_in(page.text, today)) ids.push_back({{"number", s.number}, {"context", s.context}});
  j["id_numbers"] = {{"count", id_number::find(page.text, today).size()}, {"seen", ids}};
  id_number::mask_all(page.text, today);
  if (page.message) {  // a citizen's mobile number: counted, shown masked
    json phones = json::array();
    for (auto& n : page.message->phones) phones.push_back(phone_number::masked(n));
    j["phone_numbers"] = {{"count", phones.size()}, {"seen", phones}};
    phone_number::mask(page.text, page.message->phones);
    phone_number::mask(page.message->title, page.message->phones);
  }
  json hidden = json::array();
  for (auto& l : link_records(page, "", page_url))
    if (!l.hidden.empty() && (l.tag == "a" || l.tag == "area"))
      hidden.push_back({{"url", l.to_url}, {"text", l.text}, {"hidden_by", l.hidden}});
  j["hidden_links"] = hidden;
  // Citizen messages: a box's list rows, or the one message this page shows.
  auto message = [&](const extract::Message& m) {
    json x = {{"title", m.title}, {"status", m.status}, {"unit", m.unit}, {"reply_text", m.reply_text}};
    x["left"] = m.left ? json(m.left->iso()) : json(nullptr);
    x["replied"] = m.replied ? json(m.replied->iso()) : json(nullptr);
    if (!m.href.empty())
      if (auto to = url::resolve(base, m.href)) x["url"] = *to;
    return x;
  };
  j["messages"] = json::array();
  for (auto& m : page.messages) j["messages"].push_back(message(m));
  j["message"] = page.message ? message(*page.message) : json(nullptr);
  if (parsed) *parsed = std::move(page);
  return j;
}

namespace {

std::string str(const nlohmann::json& v) { return v.is_null() ? std::string("—") : v.is_string() ? v.get<std::string>() : v.dump(); }

// What the page is and says: its reading (with the candidates weighed), CMS, links, messages.
void reading_lines(const nlohmann::json& j, std::ostream& o) {
  o << "URL           " << str(j["url"]) << "\n"
    << "charset       " << str(j["charset"]) << " (" << str(j["charset_source"]) << ")\n"
    << "title         " << str(j["title"]) << "\n"
    << "kind          " << str(j["kind"]) << ", " << j["items"].get<size_t>() << " dated list items\n"
    << "published     " << str(j["published"]) << " (" << str(j["published_source"]) << "; "
    << j["published_confidence"].get<std::string>() << ")"
    << (j["meta_published"].is_null() || j["meta_published"] == j["published"] ? "" : "; meta says " + str(j["meta_published"]))
    << "\n";
  // What else was weighed, and why it was not taken: a disputed reading can be argued from it.
  auto weighed = [&](const nlohmann::json& cs) {
    for (auto& c : cs)
      if (!c["rejected"].is_null() && !c["rejected"].get<std::string>().starts_with("agrees"))
        o << "              not " << c["value"].get<std::string>() << " (" << c["from"].get<std::string>() << "): "
          << c["rejected"].get<std::string>() << "\n";
  };
  weighed(j["published_candidates"]);
  o << "document date " << str(j["document_date"]) << "\n"
    << "column        " << str(j["column"]);
  for (auto& c : j["column_candidates"])
    if (c["rejected"].is_null()) o << " (" << c["from"].get<std::string>() << "; " << j["column_confidence"].get<std::string>() << ")";
  o << "\n";
  weighed(j["column_candidates"]);
  o << "CMS           " << str(j["cms"]["name"]);
  for (auto& e : j["cms"]["evidence"]) o << "; " << e.get<std::string>();
  o << "\nlinks         " << j["links"]["count"].get<size_t>() << " (" << j["links"]["internal"].get<size_t>() << " internal, "
    << j["links"]["external"].get<size_t>() << " external)\n"
    << "pager         " << (j["pager"].is_null() ? "—" : std::to_string(j["pager"]["pages"].get<int>()) + " pages") << "\n"
    << "related       " << j["related"]["links"].size() << " links"
    << (j["related"]["loaded_by_script"].get<bool>() ? "; loaded by script at view time" : "") << "\n"
    << "messages      ";
  auto msg = [&](const nlohmann::json& m) {
    o << str(m["left"]) << "  " << (m["status"].get<std::string>().empty() ? "—" : m["status"].get<std::string>()) << "  replied "
      << str(m["replied"]) << "  " << m["title"].get<std::string>();
  };
  if (!j["message"].is_null()) {
    o << "this page is one message: ";
    msg(j["message"]);
  } else {
    o << j["messages"].size() << " in a list";
    for (size_t i = 0; i < j["messages"].size() && i < 5; ++i) {
      o << "\n              ";
      msg(j["messages"][i]);
    }
  }
}

// What the content rules look at: ID and phone numbers, hidden links, wording, identifiers, metas.
void content_lines(const nlohmann::json& j, std::ostream& o) {
  o << "\nID numbers    " << j["id_numbers"]["count"].get<size_t>();
  for (auto& s : j["id_numbers"]["seen"]) o << "\n              " << s["number"].get<std::string>() << "  " << s["context"].get<std::string>();
  if (j.contains("phone_numbers")) {
    o << "\nmobile nos.   " << j["phone_numbers"]["count"].get<size_t>() << " in the citizen's fields";
    for (auto& n : j["phone_numbers"]["seen"]) o << "\n              " << n.get<std::string>();
  }
  if (j.contains("stylesheets"))
    for (auto& css : j["stylesheets"])
      o << "\nstylesheet    " << css["url"].get<std::string>() << " (HTTP " << css["status"].get<long>() << ")";
  o << "\nhidden links  " << j["hidden_links"].size();
  for (auto& l : j["hidden_links"])
    o << "\n              " << l["url"].get<std::string>() << " (" << l["hidden_by"].get<std::string>() << ")"
      << (l.contains("judged") ? "  → " + l["judged"].get<std::string>() : "");
  o << "\nwording       ";
  if (j.contains("wording"))
    for (auto& w : j["wording"]) {
      auto& d = w["detail"];
      for (auto& e : d.contains("errors") ? d["errors"] : d["uses"])
        o << w["rule"].get<std::string>() << ": " << (e.contains("wrong") ? e["wrong"] : e["name"]).get<std::string>() << " → "
          << (e.contains("right") ? e["right"] : e["now"]).get<std::string>() << "  「" << e["sentence"].get<std::string>()
          << "」\n              ";
    }
  o << "\n"
    << "identifiers   ";
  // Each identifier with what shows it, and what was passed over where none does.
  if (j.contains("identifiers"))
    for (auto& [k, v] : j["identifiers"].items()) {
      o << "\n              " << k << ": " << (v.is_null() ? "none" : v.get<std::string>());
      if (j.contains("identifiers_passed_over") && j["identifiers_passed_over"].contains(k))
        for (auto& m : j["identifiers_passed_over"][k]) o << "\n                not: " << m.get<std::string>();
    }
  o << "\n"
    << "meta          ";
  for (auto& [k, v] : j["meta"].items()) o << k << "=" << v.get<std::string>() << "  ";
  o << "\n";
}

}  // namespace

std::string inspect_summary(const nlohmann::json& j) {
  std::ostringstream o;
  reading_lines(j, o);
  content_lines(j, o);
  return o.str();
}

}  // namespace govaudit
