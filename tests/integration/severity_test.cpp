// A rule's severity has one source, the rule texts in config: changed in a --config file, it
// changes the stored findings, the report's veto items and --fail-on alike.
#include <unistd.h>

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <map>

#include "storage/store.hpp"
#include "tests/test_helpers.hpp"

namespace fs = std::filesystem;
using govaudit::test::run_govaudit;

namespace {

// Severity by rule among the findings of the newest audit run.
std::map<std::string, std::string> severities(const fs::path& db) {
  govaudit::Store s(db.string());
  std::map<std::string, std::string> out;
  for (auto& f : s.findings(s.latest_run(govaudit::RunKind::Audit)->id)) out[f.rule] = std::string(govaudit::name(f.severity));
  return out;
}

std::string slurp(const fs::path& p) {
  std::ifstream in(p);
  return {std::istreambuf_iterator<char>(in), {}};
}

}  // namespace

TEST(Severity, TheConfigIsTheOneSourceForFindingsReportAndFailOn) {
  fs::path tmp = fs::temp_directory_path() / ("govaudit-severity-" + std::to_string(getpid()));
  fs::remove_all(tmp);
  fs::create_directories(tmp);
  fs::path out = tmp / "out", db = out / "govaudit.db";
  ASSERT_EQ(run_govaudit({"demo", "--out", out.string()}, tmp / "demo.err").code, 0);
  auto def = severities(db);
  ASSERT_EQ(def.at("meta.missing"), "minor");
  ASSERT_EQ(def.at("site.unreachable"), "veto");
  EXPECT_NE(slurp(out / "report.html").find("单项否决：网站首页无法访问"), std::string::npos);
  std::vector<std::string> audit = {"audit", "--db", db.string(), "--out", (tmp / "re").string(), "--fail-on", "veto"};
  EXPECT_EQ(run_govaudit(audit, tmp / "a1.err").code, 1);

  // Every veto rule made minor, meta.missing made major.
  fs::path cfg = tmp / "severity.toml";
  std::ofstream(cfg) << "[rule.\"site.unreachable\"]\nseverity = \"minor\"\n[rule.\"homepage.stale\"]\nseverity = \"minor\"\n"
                        "[rule.\"meta.missing\"]\nseverity = \"major\"\n[rule.\"privacy.id_number\"]\nseverity = \"minor\"\n"
                        "[rule.\"wording.serious_error\"]\nseverity = \"minor\"\n[rule.\"interaction.unanswered\"]\n"
                        "severity = \"minor\"\n";
  auto with = audit;
  with.insert(with.end(), {"--config", cfg.string()});
  auto o = run_govaudit(with, tmp / "a2.err");
  EXPECT_EQ(o.code, 0) << o.err;
  auto changed = severities(db);
  EXPECT_EQ(changed.at("meta.missing"), "major");
  EXPECT_EQ(changed.at("site.unreachable"), "minor");
  EXPECT_EQ(slurp(tmp / "re" / "report.html").find("单项否决：网站首页无法访问"), std::string::npos);
  // `report` rewrites from what the audit stored, whatever today's config says.
  o = run_govaudit({"report", "--db", db.string(), "--out", (tmp / "again").string()}, tmp / "r.err");
  EXPECT_EQ(o.code, 0) << o.err;
  EXPECT_EQ(slurp(tmp / "again" / "report.html").find("单项否决：网站首页无法访问"), std::string::npos);
  if (!::testing::Test::HasFailure()) fs::remove_all(tmp);
}
