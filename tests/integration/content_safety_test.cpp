// Content safety end to end on a served corpus: the leaks, hidden links, wording errors and
// articles published twice are found, and no full resident ID number and no leaked citizen's
// mobile number is left anywhere govaudit writes — database (compressed page text included), WARC
// evidence, reports (the XLSX too) or its log.
#include <gtest/gtest.h>
#include <zip.h>
#include <zlib.h>

#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>

#include "crawler/attachment/attachment.hpp"
#include "model/id_number.hpp"
#include "model/phone_number.hpp"
#include "model/strings.hpp"
#include "model/text_codec.hpp"
#include "storage/sqlite.hpp"
#include "tests/integration/served_corpus.hpp"

namespace govaudit {
namespace {

namespace fs = std::filesystem;
using test::ServedCorpus;
using test::sh;

const Date kToday(2025, 11, 20);

size_t ids_in(const std::string& s) { return id_number::find(s, kToday, false).size(); }

std::string gunzip(const fs::path& p) {
  gzFile f = gzopen(p.c_str(), "rb");
  std::string out;
  char buf[1 << 16];
  for (int n; f && (n = gzread(f, buf, sizeof buf)) > 0;) out.append(buf, size_t(n));
  if (f) gzclose(f);
  return out;
}

std::string zip_members(const fs::path& p) {
  int err = 0;
  zip_t* z = zip_open(p.c_str(), ZIP_RDONLY, &err);
  std::string out;
  if (!z) return out;
  for (zip_int64_t i = 0; i < zip_get_num_entries(z, 0); ++i) {
    zip_file_t* f = zip_fopen_index(z, zip_uint64_t(i), 0);
    char buf[1 << 16];
    for (zip_int64_t n; f && (n = zip_fread(f, buf, sizeof buf)) > 0;) out.append(buf, size_t(n));
    if (f) zip_fclose(f);
  }
  zip_close(z);
  return out;
}

// Every value of every table, page text decompressed.
std::string database_text(const fs::path& db) {
  sqlite::Connection c(db.string(), false);
  std::vector<std::string> tables;
  auto t = c.prepare("SELECT name FROM sqlite_master WHERE type='table'");
  while (t.step()) tables.push_back(t.text(0));
  std::string out;
  for (auto& name : tables) {
    auto st = c.prepare("SELECT * FROM \"" + name + "\"");
    while (st.step())
      for (int i = 0; i < st.columns(); ++i) {
        if (st.is_null(i)) continue;
        std::string v = st.blob(i);
        out += st.column_name(i) == std::string("text_z") && !v.empty() ? decompress_text(v) : v;
        out += '\n';
      }
  }
  return out;
}

TEST(ContentSafety, LeaksAreFoundAndNoFullIdNumberIsKept) {
  ServedCorpus corpus("content", 18094, 5394);
  GOVAUDIT_NEED_CORPUS(corpus);
  // The corpus does publish ID numbers (else this test could not fail): in pages and in 名单 files.
  size_t served = 0;
  for (auto& e : fs::recursive_directory_iterator(corpus.www())) {
    if (!e.is_regular_file()) continue;
    std::string ext = e.path().extension().string();
    std::string body = read_file(e.path());
    if (ext == ".html") served += ids_in(body);
    else if (ext == ".xlsx" || ext == ".docx") served += ids_in(attachment::read(body, ext.substr(1), {}).text);
  }
  ASSERT_GT(served, 0u);
  // The citizens' mobile numbers the corpus's message pages leak (by its truth).
  std::set<std::string> mobiles;
  std::ifstream truth(corpus.dir() / "c" / "truth.jsonl");
  for (std::string line; std::getline(truth, line);) {
    auto t = nlohmann::json::parse(line);
    if (t["rule"] != "privacy.phone_number") continue;
    std::string u = t["subject"];
    u = u.substr(u.find("//") + 2);
    fs::path page = corpus.www() / (u.substr(0, u.find(':')) + u.substr(u.find('/')));
    for (auto& n : phone_number::find(read_file(page))) mobiles.insert(n);
  }
  ASSERT_FALSE(mobiles.empty());
  auto mobiles_in = [&](const std::string& s) {
    size_t n = 0;
    for (auto& m : mobiles) n += s.find(m) != std::string::npos;
    return n;
  };

  fs::path out = corpus.dir() / "out", log = corpus.dir() / "govaudit.log";
  ASSERT_EQ(sh(corpus.command("run", out) + " -v 2> '" + log.string() + "'"), 0);
  std::set<std::string> rules;
  std::ifstream in(out / "findings.jsonl");
  for (std::string line; std::getline(in, line);) rules.insert(nlohmann::json::parse(line)["rule"].get<std::string>());
  for (const char* r : {"privacy.id_number", "privacy.phone_number", "security.hidden_link", "wording.serious_error",
                        "wording.outdated_name", "content.duplicate_article"})
    EXPECT_TRUE(rules.count(r)) << r;

  std::map<std::string, size_t> found, phones;
  size_t warc_files = 0;
  auto look = [&](const std::string& name, const std::string& content) {
    found[name] = ids_in(content);
    phones[name] = mobiles_in(content);
  };
  for (auto& e : fs::recursive_directory_iterator(out)) {
    if (!e.is_regular_file()) continue;
    const fs::path& p = e.path();
    std::string name = p.filename().string();
    if (name.find(".warc.gz") != std::string::npos) look(name, gunzip(p)), ++warc_files;
    else if (p.extension() == ".xlsx") look(name, zip_members(p));
    else if (p.extension() == ".db") look(name, database_text(p));
    else if (p.extension() != ".db-wal" && p.extension() != ".db-shm") look(name, read_file(p));
  }
  look("govaudit.log", read_file(log));
  EXPECT_GT(warc_files, 0u);
  EXPECT_TRUE(found.count("govaudit.db"));
  EXPECT_TRUE(found.count("report.html"));
  for (auto& [file, n] : found) EXPECT_EQ(n, 0u) << file << " keeps " << n << " full ID numbers";
  for (auto& [file, n] : phones) EXPECT_EQ(n, 0u) << file << " keeps " << n << " leaked mobile numbers";
}

}  // namespace
}  // namespace govaudit
