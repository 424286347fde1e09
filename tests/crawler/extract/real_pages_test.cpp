// Every page of the real-page development set (tests/data/real/manifest.json, and the pages of
// ../shared/real-pages that it names) is read as the manifest says a careful reader sees it: the
// publication date, the document's date, the column, the related links and each identifier. The
// reading is the one `inspect`, the crawler and the rules share. And none of these real pages — all
// from sites nobody has reported — gives a content-safety finding, unless its entry lists one
// ("content"): share menus, vendor credits and cited old documents are not injected links or
// outdated names.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>

#include "config/config.hpp"
#include "crawler/inspect.hpp"
#include "crawler/extract/page_record.hpp"
#include "model/url.hpp"
#include "rules/content.hpp"
#include "rules/footer.hpp"
#include "tests/test_helpers.hpp"

namespace fs = std::filesystem;
using nlohmann::json;

namespace {

std::string slurp(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

fs::path locate(const std::string& file) {
  if (file.rfind("tree:", 0) == 0) return fs::path(GOVAUDIT_SOURCE_DIR "/tests/data/real") / file.substr(5);
  if (file.rfind("shared:", 0) == 0) return fs::path(GOVAUDIT_SHARED_DIR "/real-pages") / file.substr(7);
  return {};
}

// The project's manifest and every labels.json under ../shared/real-pages (files named relative to
// it), so that pages added there are read at once. A page named twice is read once.
struct Entry {
  json labels;
  fs::path file;
  std::string name;
};

std::vector<Entry> development_set(int& missing) {
  std::vector<Entry> out;
  std::set<fs::path> seen;
  auto add = [&](json e, fs::path p, std::string name) {
    std::error_code ec;
    fs::path key = fs::weakly_canonical(p, ec);
    if (seen.insert(key).second) out.push_back({std::move(e), std::move(p), std::move(name)});
  };
  json manifest = json::parse(slurp(GOVAUDIT_SOURCE_DIR "/tests/data/real/manifest.json"));
  for (auto& e : manifest["pages"]) {
    std::string file = e["file"];
    fs::path p = locate(file);
    EXPECT_FALSE(p.empty()) << file << ": a file is named tree:… or shared:…";
    if (p.empty()) continue;
    if (!fs::exists(p)) {
      EXPECT_EQ(file.rfind("shared:", 0), 0u) << file << " is missing from the tree";
      ++missing;  // ../shared is not beside the project
      continue;
    }
    add(e, p, file);
  }
  fs::path shared = GOVAUDIT_SHARED_DIR "/real-pages";
  if (!fs::is_directory(shared)) {
    ++missing;
    return out;
  }
  std::vector<fs::path> label_files;
  for (auto& f : fs::recursive_directory_iterator(shared))
    if (f.path().filename() == "labels.json") label_files.push_back(f.path());
  std::sort(label_files.begin(), label_files.end());
  for (auto& lf : label_files) {
    json labels = json::parse(slurp(lf));
    for (auto& e : labels["pages"]) {
      fs::path p = lf.parent_path() / e["file"].get<std::string>();
      EXPECT_TRUE(fs::exists(p)) << lf << " names " << p << ", which is missing";
      if (fs::exists(p)) add(e, p, fs::relative(p, shared).string());
    }
  }
  return out;
}

}  // namespace

TEST(RealPages, EachPageReadsAsTheManifestSays) {
  int skipped = 0, disputed = 0;
  std::vector<Entry> set = development_set(skipped);
  // Labels this project argues are wrong (tests/data/real/disputed.json says why): not asserted.
  std::set<std::pair<std::string, std::string>> dispute;
  json disputes = json::parse(slurp(GOVAUDIT_SOURCE_DIR "/tests/data/real/disputed.json"));
  for (auto& d : disputes["disputed"])
    dispute.emplace(d["file"].get<std::string>(), d["field"].get<std::string>());
  govaudit::Config cfg = govaudit::load_config();
  int pages = 0;
  std::map<std::string, std::pair<int, int>> score;  // field -> {right, asked}
  auto check = [&](const std::string& field, bool ok, const std::string& why) {
    auto& s = score[field];
    ++s.second;
    s.first += ok;
    EXPECT_TRUE(ok) << why;
  };
  for (auto& [e, p, file] : set) {
    ++pages;
    govaudit::extract::Page page;
    json j = govaudit::inspect_page(slurp(p), "", e["url"], &page);
    auto say = [&](const char* what, const json& got) { return file + ": " + what + " read as " + got.dump(); };
    auto same = [](const json& want, const json& got) { return want == got; };
    if (e.contains("published")) check("published", same(e["published"], j["published"]), say("published", j["published"]) + ", not " + e["published"].dump() + " (" + j["published_source"].dump() + ")");
    for (auto& src : e.value("not_source", json::array()))
      check("published", j["published_source"] != src, say("published_source", j["published_source"]));
    if (e.contains("document_date")) check("document_date", same(e["document_date"], j["document_date"]), say("document_date", j["document_date"]));
    if (e.contains("charset")) {  // GB2312 and GBK pages are read as their superset GB18030
      auto family = [](std::string c) {
        std::transform(c.begin(), c.end(), c.begin(), ::tolower);
        return c == "gb2312" || c == "gbk" ? std::string("gb18030") : c;
      };
      check("charset", family(e["charset"]) == family(j["charset"]), say("charset", j["charset"]));
    }
    if (e.contains("column")) check("column", same(e["column"], j["column"]), say("column", j["column"]));
    if (dispute.count({file, "related"})) {
      ++disputed;
    } else if (e.contains("related")) {
      std::vector<std::string> texts;
      for (auto& r : j["related"]["links"]) texts.push_back(r["text"]);
      bool ok = texts.size() == e["related"].size();
      for (auto& want : e["related"])
        ok = ok && std::any_of(texts.begin(), texts.end(), [&](auto& t) { return t.find(want.get<std::string>()) != std::string::npos; });
      check("related", ok, say("related", j["related"]["links"]));
    }
    if (e.contains("related_by_script"))
      check("related", e["related_by_script"] == j["related"]["loaded_by_script"], say("related loaded_by_script", j["related"]["loaded_by_script"]));
    {
      govaudit::SiteView v;
      v.site.id = "real";
      v.site.homepage = e["url"];
      v.site.hosts = {govaudit::url::host_of(e["url"])};
      govaudit::PageRecord pr;
      govaudit::fill_record(pr, page, false);
      pr.url = pr.final_url = e["url"];
      pr.status = 200;
      pr.text = page.text;
      v.pages.push_back(pr);
      v.links = govaudit::link_records(page, "real", e["url"]);
      govaudit::RuleContext ctx{govaudit::Date(2026, 6, 1), &cfg};
      std::set<std::string> got, want;
      for (auto& f : govaudit::HiddenLinkRule().check(v, ctx)) got.insert(f.rule + " " + f.subject);
      for (auto& f : govaudit::WordingRule(cfg.content).check(v, ctx))
        if (f.rule != "wording.suspected_error") got.insert(f.rule + " " + f.subject);
      for (auto& w : e.value("content", json::array())) want.insert(w.get<std::string>());
      check("content", got == want, file + ": content findings " + json(got).dump());
      check("content", j["id_numbers"]["count"] == 0, say("id_numbers", j["id_numbers"]));
    }
    if (e.contains("identifiers")) {
      auto shown = govaudit::identifiers_shown(cfg, page.text, govaudit::link_records(page, "", e["url"]));
      for (auto& [key, want] : e["identifiers"].items()) {
        if (want.is_null()) continue;  // not decidable from this copy
        ASSERT_TRUE(shown.count(key)) << key;
        check("identifiers", want.get<bool>() == !shown[key].empty(), file + ": identifier " + key + (shown[key].empty() ? " not found" : " found as " + shown[key]));
      }
    }
  }
  EXPECT_GE(pages, 2);
  std::cout << "[ real     ] " << pages << " pages read, " << skipped << " skipped (../shared absent), " << disputed
            << " disputed labels not asserted";
  for (auto& [field, s] : score) std::cout << "; " << field << " " << s.first << "/" << s.second;
  std::cout << "\n";
  if (skipped) GOVAUDIT_NEED_SHARED("real-pages (" + std::to_string(skipped) + " missing)");
}
