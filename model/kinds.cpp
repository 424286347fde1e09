#include "model/kinds.hpp"

#include <array>
#include <stdexcept>
#include <string>

namespace govaudit {
namespace {

template <class E, size_t N>
E from(const std::array<std::string_view, N>& names, std::string_view s, const char* what) {
  for (size_t i = 0; i < N; ++i)
    if (names[i] == s) return E(i);
  throw std::invalid_argument(std::string("unknown ") + what + " '" + std::string(s) + "'");
}

constexpr std::array<std::string_view, 6> kPageKinds = {"home", "list", "article", "page", "attachment", "external"};
constexpr std::array<std::string_view, 3> kSeverities = {"minor", "major", "veto"};
constexpr std::array<std::string_view, 7> kPurposes = {"homepage", "link2", "link3", "https", "https_cert", "http_redirect", "search"};

constexpr std::array<std::string_view, 13> kErrorKinds = {"",        "dns",  "connect", "refused", "tls",    "timeout",  "size",
                                                         "network", "http", "loop",    "robots",  "challenge", "url"};
constexpr std::array<std::string_view, 2> kRunKinds = {"crawl", "audit"};
constexpr std::array<std::string_view, 4> kRunStatuses = {"running", "done", "failed", "abandoned"};

}  // namespace

std::string_view name(ErrorKind k) { return kErrorKinds[size_t(k)]; }
ErrorKind error_kind_from(std::string_view s) { return from<ErrorKind>(kErrorKinds, s, "error kind"); }

std::string_view name(RunKind k) { return kRunKinds[size_t(k)]; }
RunKind run_kind_from(std::string_view s) { return from<RunKind>(kRunKinds, s, "run kind"); }
std::string_view name(RunStatus s) { return kRunStatuses[size_t(s)]; }
RunStatus run_status_from(std::string_view s) { return from<RunStatus>(kRunStatuses, s, "run status"); }

std::string_view name(PageKind k) { return kPageKinds[size_t(k)]; }
PageKind page_kind_from(std::string_view s) { return from<PageKind>(kPageKinds, s, "page kind"); }
std::string_view name(Severity s) { return kSeverities[size_t(s)]; }
Severity severity_from(std::string_view s) { return from<Severity>(kSeverities, s, "severity"); }
std::string_view name(ProbePurpose p) { return kPurposes[size_t(p)]; }
ProbePurpose probe_purpose_from(std::string_view s) { return from<ProbePurpose>(kPurposes, s, "probe purpose"); }

}  // namespace govaudit
