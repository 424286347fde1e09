// govaudit-fetchonly PER_HOST ADDRESS < REQUESTS: the fetch-only client of bench/latency. It asks
// for every request in its input ("GET URL" or "HEAD URL", one a line) with libcurl's multi
// interface, at most PER_HOST requests of a host at a time (so at most PER_HOST connections, the
// limit govaudit keeps), every host resolved to ADDRESS, connections kept alive, bodies discarded: what
// a client that already knows every URL and does nothing else costs through the same proxy.
// Prints "requests failed seconds".
#include <curl/curl.h>

#include <chrono>
#include <cstdio>
#include <iostream>
#include <deque>
#include <map>
#include <string>

namespace {

size_t discard(char*, size_t size, size_t n, void*) { return size * n; }

// "http://host:port/…" -> "host:port"
std::string host_port(const std::string& url) {
  auto start = url.find("://");
  start = start == std::string::npos ? 0 : start + 3;
  return url.substr(start, url.find('/', start) - start);
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 3) {
    std::fprintf(stderr, "usage: govaudit-fetchonly PER_HOST ADDRESS < requests\n");
    return 2;
  }
  long per_host = std::stol(argv[1]);
  std::string address = argv[2];
  // Each host's requests in order, at most PER_HOST of them handed to curl at a time: a multi
  // handle given every request at once spends its time scanning its pending list.
  std::map<std::string, std::deque<std::pair<bool, std::string>>> queues;  // host:port -> (head, url)
  size_t total = 0;
  for (std::string method, url; std::cin >> method >> url; ++total) queues[host_port(url)].emplace_back(method == "HEAD", url);
  curl_global_init(CURL_GLOBAL_DEFAULT);
  curl_slist* resolve = nullptr;
  for (auto& [h, _] : queues) resolve = curl_slist_append(resolve, (h + ":" + address).c_str());
  CURLM* multi = curl_multi_init();
  curl_multi_setopt(multi, CURLMOPT_MAX_HOST_CONNECTIONS, per_host);
  curl_multi_setopt(multi, CURLMOPT_MAXCONNECTS, long(queues.size() * size_t(per_host)));
  auto start = std::chrono::steady_clock::now();
  auto next = [&](const std::string& host) {
    auto it = queues.find(host);
    auto& q = it->second;
    if (q.empty()) return;
    auto [head, url] = std::move(q.front());
    q.pop_front();
    CURL* e = curl_easy_init();
    curl_easy_setopt(e, CURLOPT_URL, url.c_str());
    curl_easy_setopt(e, CURLOPT_NOBODY, head ? 1L : 0L);
    curl_easy_setopt(e, CURLOPT_WRITEFUNCTION, discard);
    curl_easy_setopt(e, CURLOPT_RESOLVE, resolve);
    curl_easy_setopt(e, CURLOPT_TIMEOUT, 60L);
    curl_easy_setopt(e, CURLOPT_ACCEPT_ENCODING, "");
    curl_easy_setopt(e, CURLOPT_PRIVATE, &it->first);
    curl_multi_add_handle(multi, e);
  };
  for (auto& [h, _] : queues)
    for (long i = 0; i < per_host; ++i) next(h);
  int running = 1, failed = 0;
  while (running) {
    curl_multi_perform(multi, &running);
    int left = 0;
    while (CURLMsg* m = curl_multi_info_read(multi, &left))
      if (m->msg == CURLMSG_DONE) {
        failed += m->data.result != CURLE_OK;
        const std::string* host = nullptr;
        curl_easy_getinfo(m->easy_handle, CURLINFO_PRIVATE, &host);
        curl_multi_remove_handle(multi, m->easy_handle);
        curl_easy_cleanup(m->easy_handle);
        next(*host);
        running = 1;
      }
    if (running) curl_multi_poll(multi, nullptr, 0, 100, nullptr);
  }
  double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  std::printf("%zu %d %.2f\n", total, failed, seconds);
  curl_multi_cleanup(multi);
  curl_slist_free_all(resolve);
  curl_global_cleanup();
  return 0;
}
