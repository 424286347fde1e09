// bench/parse_stages: the parse thread's per-page work on saved pages, stage by stage, one thread.
//   govaudit-bench-parse DIR [ROUNDS]   (DIR: .html files, read recursively; up to 5,000 of them)
// Prints microseconds per page for each stage and for parse_page as the crawl calls it.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "crawler/extract/charset.hpp"
#include "crawler/extract/extract.hpp"
#include "crawler/extract/html_tree.hpp"
#include "crawler/engine/parse_job.hpp"
#include "model/text_codec.hpp"
#include "storage/warc.hpp"

using namespace govaudit;
using Clock = std::chrono::steady_clock;

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: govaudit-bench-parse DIR [ROUNDS]\n");
    return 2;
  }
  int rounds = argc > 2 ? std::atoi(argv[2]) : 3;
  std::vector<std::pair<std::string, std::string>> pages;  // url, body
  for (auto& e : std::filesystem::recursive_directory_iterator(argv[1])) {
    if (!e.is_regular_file() || e.path().extension() != ".html") continue;
    std::ifstream f(e.path(), std::ios::binary);
    std::stringstream ss;
    ss << f.rdbuf();
    pages.emplace_back("http://bench.test/" + e.path().lexically_relative(argv[1]).string(), ss.str());
    if (pages.size() == 5000) break;
  }
  if (pages.empty()) {
    std::fprintf(stderr, "bench: no .html files under %s\n", argv[1]);
    return 2;
  }
  size_t bytes = 0;
  for (auto& [u, b] : pages) bytes += b.size();
  std::printf("%zu pages, %.0f bytes each\n", pages.size(), double(bytes) / double(pages.size()));
  auto stage = [&](const char* name, auto&& fn) {
    std::vector<double> per;
    for (int r = 0; r < rounds; ++r) {
      auto t0 = Clock::now();
      for (auto& [u, b] : pages) fn(u, b);
      per.push_back(std::chrono::duration<double, std::micro>(Clock::now() - t0).count() / double(pages.size()));
    }
    std::sort(per.begin(), per.end());
    std::printf("%-22s %8.1f us/page\n", name, per[per.size() / 2]);
  };
  std::vector<std::string> decoded;
  for (auto& [u, b] : pages) decoded.push_back(charset::decode(b, "text/html").text);
  size_t i = 0;
  stage("charset::decode", [&](auto&, auto& b) { (void)charset::decode(b, "text/html"); });
  i = 0;
  stage("gumbo tree", [&](auto&, auto&) { extract::HtmlTree t(decoded[i++ % decoded.size()]); });
  i = 0;
  stage("extract::parse", [&](auto& u, auto&) { (void)extract::parse(decoded[i++ % decoded.size()], u); });
  stage("compress_text", [&](auto&, auto& b) { (void)compress_text(b); });
  stage("warc_pack", [&](auto& u, auto& b) {
    Exchange e;
    e.url = u;
    e.date = "2025-11-20T00:00:00Z";
    e.request_head = "GET / HTTP/1.1\r\nHost: bench.test\r\nUser-Agent: govaudit\r\nAccept: */*\r\n\r\n";
    e.response_head = "HTTP/1.1 200 OK\r\nServer: nginx\r\nContent-Type: text/html\r\nContent-Length: 100\r\n\r\n";
    e.body = b;
    (void)warc_pack(e, 1);
  });
  stage("parse_page", [&](auto& u, auto& b) {
    std::string body = b;
    Exchange e;
    e.url = u;
    e.request_head = "GET / HTTP/1.1\r\nHost: bench.test\r\n\r\n";
    e.response_head = "HTTP/1.1 200 OK\r\nContent-Type: text/html\r\n\r\n";
    (void)parse_page(u, body, "text/html", &e, ParseSettings{});
  });
}
