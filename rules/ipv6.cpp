#include "rules/ipv6.hpp"

#include <algorithm>
#include <unicode/uchar.h>
#include <unicode/unistr.h>

#include <cmath>
#include <nlohmann/json.hpp>
#include <unordered_set>

namespace govaudit {
namespace {

std::unordered_set<std::uint64_t> bigrams(const std::string& s) {
  icu::UnicodeString u = icu::UnicodeString::fromUTF8(s);
  std::vector<UChar32> cps;
  for (int32_t i = 0; i < u.length();) {
    UChar32 c = u.char32At(i);
    i += U16_LENGTH(c);
    if (u_isUWhiteSpace(c) || u_isdigit(c)) continue;
    cps.push_back(c);
  }
  std::unordered_set<std::uint64_t> out;
  for (size_t i = 0; i + 1 < cps.size(); ++i) out.insert((std::uint64_t(std::uint32_t(cps[i])) << 32) | std::uint32_t(cps[i + 1]));
  if (cps.size() == 1) out.insert(std::uint32_t(cps[0]));
  return out;
}

bool ok(const ProbeRecord& p) { return p.error.empty() && p.status >= 200 && p.status < 400; }

}  // namespace

double text_similarity(const std::string& a, const std::string& b) {
  auto A = bigrams(a), B = bigrams(b);
  if (A.empty() && B.empty()) return 1.0;
  size_t inter = 0;
  for (auto x : A) inter += B.count(x);
  return double(inter) / double(A.size() + B.size() - inter);
}

Ipv6Measure measure_ipv6(const SiteView& site) {
  Ipv6Measure m;
  m.host = homepage_host(site);
  for (auto& d : site.dns)
    if (d.host == m.host && d.type == "AAAA") m.aaaa = d.answers;
  m.has_aaaa = !m.aaaa.empty();
  for (auto& d : site.dns)
    if (d.type == "NS" && (m.host.size() > d.host.size() && m.host.compare(m.host.size() - d.host.size(), d.host.size(), d.host) == 0) &&
        d.host.size() > m.zone.size() && !d.answers.empty()) {
      m.zone = d.host;
      m.ns_total = int(d.answers.size());
      m.ns_with_aaaa = 0;
      for (auto& ns : d.answers)
        for (auto& a : site.dns)
          if (a.host == ns && a.type == "AAAA" && !a.answers.empty()) ++m.ns_with_aaaa;
    }
  const ProbeRecord* v4 = nullptr;
  const ProbeRecord* v6 = nullptr;
  for (auto& p : site.probes) {
    bool good = ok(p);
    if (p.purpose == ProbePurpose::Homepage) {
      (p.family == 6 ? m.home_v6_total : m.home_v4_total)++;
      if (good) {
        (p.family == 6 ? m.home_v6_ok : m.home_v4_ok)++;
        auto& best = p.family == 6 ? v6 : v4;
        if (!best) best = &p;
      }
    } else if (p.purpose == ProbePurpose::Link2) {
      ++m.link2_total;
      if (good) ++m.link2_ok;
      else m.link2_failures.push_back(p.url + " (" + p.error + ")");
    } else if (p.purpose == ProbePurpose::Link3) {
      ++m.link3_total;
      m.link3_ok += good;
    }
  }
  // The first ten by URL, whichever order the probes ran in.
  std::sort(m.link2_failures.begin(), m.link2_failures.end());
  if (m.link2_failures.size() > 10) m.link2_failures.resize(10);
  if (v6) {
    std::string v4_text = v4 ? v4->text : (site.homepage() ? site.homepage()->text : "");
    if (!v4_text.empty()) m.similarity = text_similarity(v4_text, v6->text);
  }
  return m;
}

std::vector<Finding> Ipv6Rule::check(const SiteView& site, const RuleContext& ctx) const {
  Ipv6Measure m = measure_ipv6(site);
  std::vector<Finding> out;
  const auto& t = ctx.config->thresholds;
  auto add = [&](const char* rule, nlohmann::json d) {
    out.push_back({site.site.id, rule, m.host, site.site.homepage, d.dump()});
  };
  if (!m.has_aaaa) {
    std::string err;
    for (auto& d : site.dns)
      if (d.host == m.host && d.type == "AAAA") err = d.error;
    add("ipv6.no_aaaa", {{"aaaa", nlohmann::json::array()}, {"dns_error", err}});
  } else if (m.home_v6_ok == 0 && m.home_v6_total > 0) {
    add("ipv6.unreachable", {{"aaaa", m.aaaa}, {"v6_success", m.home_v6_ok}, {"v6_attempts", m.home_v6_total}});
  } else if (m.similarity >= 0 && m.similarity < t.ipv6_similarity_min) {
    add("ipv6.content_mismatch", {{"similarity", std::round(m.similarity * 1000) / 1000}, {"limit", t.ipv6_similarity_min}});
  }
  if (m.link2_total > 0) {
    double share = double(m.link2_ok) / m.link2_total;
    if (share < t.ipv6_link_support_min)
      add("ipv6.link_support_low", {{"share", std::round(share * 1000) / 1000}, {"ok", m.link2_ok}, {"links", m.link2_total},
                                    {"limit", t.ipv6_link_support_min}, {"failures", m.link2_failures},
                                    {"third_level_ok", m.link3_ok}, {"third_level_links", m.link3_total}});
  }
  return out;
}

}  // namespace govaudit
