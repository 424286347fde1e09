#include "crawler/engine/parse_job.hpp"

#include <cstdio>
#include <set>

#include "crawler/extract/charset.hpp"
#include "model/phone_number.hpp"
#include "model/url.hpp"
#include "model/text_codec.hpp"

namespace govaudit {

std::string remap_to_fetched(const Remap& remap, const std::string& u) {
  for (auto& [from, to] : remap)
    if (u.rfind(from, 0) == 0) return to + u.substr(from.size());
  return u;
}

std::string remap_to_production(const Remap& remap, const std::string& u) {
  for (auto& [from, to] : remap)
    if (u.rfind(to, 0) == 0) return from + u.substr(to.size());
  return u;
}

std::string digest(std::string_view s) {
  std::uint64_t h = 1469598103934665603ull;
  for (unsigned char c : s) {
    h ^= c;
    h *= 1099511628211ull;
  }
  char buf[17];
  std::snprintf(buf, sizeof buf, "%016llx", static_cast<unsigned long long>(h));
  return buf;
}

ParsedPage parse_page(const std::string& url, std::string& body, const std::string& content_type,
                      Exchange* exchange, const ParseSettings& settings) {
  static const Remap none;
  const Remap& remap = settings.remap ? *settings.remap : none;
  ParsedPage out;
  {
    auto dec = charset::decode(body, content_type);
    out.charset = std::move(dec.charset);
    out.charset_source = std::move(dec.source);
    extract::Limits lim;
    lim.max_links = settings.max_links;
    std::vector<std::string_view> css;
    for (auto& sheet : settings.stylesheets) css.push_back(*sheet);
    out.page = extract::parse(dec.text, url, lim, css);
  }
  extract::Page& page = out.page;
  // Resident ID numbers are reported, never kept: the stored text shows them masked.
  out.id_numbers = id_number::seen_in(page.text, settings.today);
  if (!out.id_numbers.empty()) {
    out.id_count = int(id_number::mask_all(page.text, settings.today));
    id_number::mask_all(page.title, settings.today);
    for (auto& l : page.links) id_number::mask_all(l.text, settings.today);
    for (auto& i : page.items) id_number::mask_all(i.title, settings.today);
  }
  // A citizen's mobile number is reported, never kept: masked wherever the page shows it, in its
  // text and in the payload its WARC record keeps.
  if (page.message && !page.message->phones.empty()) {
    const auto& numbers = page.message->phones;
    phone_number::mask(page.text, numbers);
    phone_number::mask(page.title, numbers);
    phone_number::mask(page.message->title, numbers);
    for (auto& l : page.links) phone_number::mask(l.text, numbers);
    phone_number::mask(body, numbers);
  }
  out.digest = digest(page.text);
  out.text_z = compress_text(page.text);
  out.base = url;
  if (!page.base_href.empty())
    if (auto b = url::resolve(url, page.base_href)) out.base = remap_to_production(remap, *b);
  auto resolve = [&](const std::string& href) -> std::optional<std::string> {
    auto to = url::resolve(out.base, href);
    if (to) *to = remap_to_production(remap, *to);
    return to;
  };
  out.link_to.reserve(page.links.size());
  for (auto& l : page.links) out.link_to.push_back(resolve(l.href));
  for (auto& i : page.items) out.item_to.push_back(resolve(i.href));
  for (auto& m : page.messages) out.message_to.push_back(resolve(m.href));
  if (exchange) {  // compressed here, beside the single writer
    exchange->body = std::move(body);
    exchange->packed = warc_pack(*exchange, settings.warc_gzip_level);
    exchange->body = std::string();
  }
  return out;
}

std::string probe_text(const std::string& url, const std::string& body, const std::string& content_type) {
  auto dec = charset::decode(body, content_type);
  auto page = extract::parse(dec.text, url);
  std::set<std::string> targets;
  for (auto& l : page.links)
    if (l.tag == "a" || l.tag == "area")
      if (auto to = url::resolve(url, l.href)) targets.insert(*to);
  std::string text = std::move(page.text);
  id_number::mask_all(text, Date::today_china());
  text += "\n";
  for (auto& u : targets) text += u + "\n";
  return text;
}

}  // namespace govaudit
