#pragma once
// The closed sets of values records and findings carry, as enums; they become strings only where
// they leave the process (SQLite columns, JSON, reports). from_name() of an unknown string throws
// std::invalid_argument naming it.
#include <cstdint>
#include <string_view>

namespace govaudit {

// What a stored page is: the homepage, a column's list, an article, another page of the site, or
// a URL only checked (an attachment, another host's link).
enum class PageKind : std::uint8_t { Home, List, Article, Page, Attachment, External };
std::string_view name(PageKind k);
PageKind page_kind_from(std::string_view s);

// How bad a finding is: veto fails the site outright; ordered, so that `a >= b` compares them.
enum class Severity : std::uint8_t { Minor, Major, Veto };
std::string_view name(Severity s);
Severity severity_from(std::string_view s);

// What a probe measures: the homepage over one IP family, second- and third-level links over
// IPv6, HTTPS (served, its certificate, HTTP sent over to it).
enum class ProbePurpose : std::uint8_t { Homepage, Link2, Link3, Https, HttpsCert, HttpRedirect, Search };
std::string_view name(ProbePurpose p);
ProbePurpose probe_purpose_from(std::string_view s);

// Why a fetch gave no usable answer; None when it did (an HTTP error status is Http on a record).
enum class ErrorKind : std::uint8_t { None, Dns, Connect, Refused, Tls, Timeout, Size, Network, Http, Loop, Robots, Challenge, Url };
std::string_view name(ErrorKind k);  // "" for None
ErrorKind error_kind_from(std::string_view s);

// A run is a crawl (what the sites served) or an audit (findings judged from a crawl run).
enum class RunKind : std::uint8_t { Crawl, Audit };
std::string_view name(RunKind k);
RunKind run_kind_from(std::string_view s);

// Running until finished; abandoned when a new run replaced an unfinished one.
enum class RunStatus : std::uint8_t { Running, Done, Failed, Abandoned };
std::string_view name(RunStatus s);
RunStatus run_status_from(std::string_view s);

}  // namespace govaudit
