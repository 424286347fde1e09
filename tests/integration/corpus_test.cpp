// Serves ../shared/corpus/sample2 with its own nginx + dnsmasq, runs the govaudit binary on it the
// way the corpus scores it, and checks score.py per rule for the rules implemented so far.
#include <gtest/gtest.h>

#include "tests/test_helpers.hpp"

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>

namespace fs = std::filesystem;

using govaudit::test::sh;

TEST(Corpus, SampleScoresPerRule) {
  fs::path corpus = GOVAUDIT_SHARED_DIR "/corpus";
  if (!fs::exists(corpus / "sample2" / "truth.jsonl")) GOVAUDIT_NEED_SHARED("corpus");
  if (sh("command -v nginx >/dev/null && command -v dnsmasq >/dev/null") != 0)
    GOVAUDIT_NEED_TOOL("nginx/dnsmasq missing: run scripts/install-deps");
  fs::path work = fs::temp_directory_path() / ("govaudit_corpus_" + std::to_string(::getpid()));
  fs::remove_all(work);
  fs::create_directories(work);
  ASSERT_EQ(sh("cp -r '" + (corpus / "sample2").string() + "' '" + (work / "c").string() + "'"), 0);
  // A DNS port of our own so a concurrently served corpus cannot collide.
  std::string env = "DNS_PORT=5399 ";
  ASSERT_EQ(sh(env + "'" + (corpus / "serve").string() + "' '" + (work / "c").string() + "' >/dev/null"), 0);
  std::string out = (work / "out").string();
  int rc = sh("'" GOVAUDIT_BIN "' run -q --sites '" + (work / "c/sites.json").string() +
              "' --dns 127.0.0.1:5399 --today 2025-11-20 --allow-net 127.0.0.0/8,::1/128 --out '" + out + "'");
  // Every rule of CONTRACT.md govaudit builds, each held to precision >= 0.98 and recall >= 0.95.
  const char* built =
      "site.unreachable,homepage.stale,columns.missing,columns.empty,columns.stale,interpretation.missing,"
      "interpretation.late,interpretation.unlinked,ipv6.no_aaaa,ipv6.unreachable,ipv6.content_mismatch,"
      "ipv6.link_support_low,links.broken,footer.missing_site_id,footer.missing_icp,footer.missing_psb,"
      "footer.missing_conac,footer.missing_jiucuo,meta.missing,annual_report.missing,privacy.id_number,"
      "security.hidden_link,wording.serious_error,wording.outdated_name";
  int score = sh("python3 '" + (corpus / "score.py").string() + "' '" + out + "/findings.jsonl' '" +
                 (work / "c/truth.jsonl").string() + "' --per-rule --rules " + built + " --min-precision 0.98 --min-recall 0.95 > '" +
                 (work / "score.txt").string() + "'");
  sh(env + "'" + (corpus / "serve").string() + "' --stop '" + (work / "c").string() + "' >/dev/null");
  std::ifstream in(work / "score.txt");
  std::stringstream ss;
  ss << in.rdbuf();
  EXPECT_EQ(rc, 0);
  EXPECT_EQ(score, 0) << ss.str();
  EXPECT_NE(ss.str().find("overall"), std::string::npos) << ss.str();

  // The IPv6 cases one by one, as the corpus drew them (scenarios.json is read here only to
  // check; govaudit never sees it): no AAAA, AAAA without service, placeholder homepage,
  // near-identical homepage (a counter and a comment: not a mismatch), links to a v4-only host.
  std::map<std::string, std::set<std::string>> ipv6;
  std::ifstream findings(out + "/findings.jsonl");
  for (std::string line; std::getline(findings, line);) {
    auto j = nlohmann::json::parse(line);
    if (j["rule"].get<std::string>().rfind("ipv6.", 0) == 0) ipv6[j["site"]].insert(j["rule"]);
  }
  std::ifstream sc(work / "c/scenarios.json");
  auto scenarios = nlohmann::json::parse(sc);
  std::map<std::string, std::set<std::string>> expect = {
      {"no_aaaa", {"ipv6.no_aaaa", "ipv6.link_support_low"}},
      {"v6_broken", {"ipv6.unreachable", "ipv6.link_support_low"}},
      {"v6_mismatch", {"ipv6.content_mismatch"}},
      {"dual_nearid", {}},
      {"dual", {}},
      {"v4only_links", {"ipv6.link_support_low"}}};
  int checked = 0;
  for (auto& s : scenarios["sites"]) {
    if (s["unreachable"].get<bool>()) continue;
    std::string mode = s["ipv6"];
    if (!expect.count(mode)) continue;
    EXPECT_EQ(ipv6[s["id"]], expect[mode]) << s["id"] << " (" << mode << ")";
    ++checked;
  }
  EXPECT_GE(checked, 6);
  fs::remove_all(work);
}
