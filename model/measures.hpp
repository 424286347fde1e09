#pragma once
// What the audit measured of a site besides its findings: the figures the reports and the console
// show (IPv6, message boxes, accessibility, search, pages counted, availability) and where the
// evidence of its findings was stored. The audit stores them beside its findings, so reports read
// what was measured rather than judging the crawl again.
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "model/date.hpp"
#include "model/records.hpp"

namespace govaudit {

// The IPv6 figures as the national IPv6 monitoring measures them.
struct Ipv6Measure {
  std::string host;
  bool has_aaaa = false;
  std::vector<std::string> aaaa;
  int home_v4_ok = 0, home_v4_total = 0, home_v6_ok = 0, home_v6_total = 0;
  double similarity = -1;  // -1 when not measurable
  int link2_ok = 0, link2_total = 0, link3_ok = 0, link3_total = 0;
  std::vector<std::string> link2_failures;  // first few
  std::string zone;                         // the zone whose NS set was found
  int ns_total = 0, ns_with_aaaa = 0;       // its name servers, and those with an IPv6 address
};

// One message box (互动交流) as the report shows it.
struct MessageBox {
  std::string name, url;  // name as its page gives it; its (first) list page
  int messages = 0, answered = 0;
  std::optional<Date> newest_reply;
  double median_days = -1;  // left → replied, over answered messages with both dates; -1 when none
  std::vector<MessageRecord> unanswered;  // open past the limit (the rule's findings)
  bool excluded = false;                  // a box the indicators do not judge (网上信访)
};

// The static GB/T 37668 counts of the homepage and the article pages (功能设计).
struct AccessibilityCounts {
  int pages = 0, images = 0, images_without_alt = 0, fields = 0, fields_unlabeled = 0;
  int pages_without_lang = 0, pages_without_title = 0;
  bool entry = false;  // the homepage's 无障碍 / 适老化 entry
};

enum class SearchState { None, Works, Broken, Manual };

struct SiteMeasures {
  std::string status;  // done, unreachable (both audited); not_audited, pending (not)
  std::string error;   // unreachable: why; not_audited: why not (in Chinese)
  std::vector<std::string> limits;
  Ipv6Measure ipv6;
  std::vector<std::pair<std::string, std::string>> redirects;  // from -> final, as information
  std::map<std::string, std::string> warc;  // URL a finding points at -> its WARC record
  std::vector<MessageBox> boxes;
  AccessibilityCounts a11y;
  SearchState search = SearchState::None;
  int pages = 0;    // HTML pages fetched
  int checked = 0;  // other fetched URLs (attachments, other hosts)
  int probes = 0, probes_failed = 0;  // availability in the window before the audit date
};

// The limit among a site's crawl limits that left pages of it unfetched ("pages per site (…)",
// "depth (…)"), or "" when its crawl reached every page it found. Such a site is not judged 合格:
// what was not fetched was not measured.
std::string crawl_cut_short(const std::vector<std::string>& limits);

// As stored (JSON); parse throws std::runtime_error on text that is not a stored measure.
std::string measures_json(const SiteMeasures& m);
SiteMeasures parse_measures(const std::string& json);

}  // namespace govaudit
