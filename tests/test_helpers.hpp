#pragma once
// Test helpers: a PageRecord made the way the crawler makes one from a saved page; running a command.
#include <sys/wait.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "crawler/charset.hpp"
#include "crawler/extract.hpp"
#include "storage/records.hpp"

namespace govaudit::test {

// Runs a shell command; its exit status, or -1 when it did not exit normally.
inline int sh(const std::string& cmd) {
  int rc = std::system(cmd.c_str());
  return WIFEXITED(rc) ? WEXITSTATUS(rc) : -1;
}

// A fetched page (HTTP 200) as the crawler records one.
inline PageRecord page(const std::string& url, const std::string& kind, const std::string& title = "") {
  PageRecord p;
  p.url = p.final_url = url;
  p.status = 200;
  p.kind = kind;
  p.title = title;
  return p;
}

inline PageRecord page_from_file(const std::filesystem::path& f, const std::string& url) {
  std::ifstream in(f, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  auto dec = charset::decode(ss.str(), "text/html");
  auto page = extract::parse(dec.text, url);
  PageRecord p;
  p.url = p.final_url = url;
  p.status = 200;
  p.kind = page.is_list ? "list" : page.is_article ? "article" : "page";
  p.title = page.title;
  p.meta = page.meta;
  p.published = page.published;
  p.published_source = page.published_source;
  p.text = page.text;
  p.charset = dec.charset;
  return p;
}

}  // namespace govaudit::test
