#pragma once
// An HTTP client for the tests (libcurl) and `govaudit serve` run in the background for a test's length.
#include <curl/curl.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <string>
#include <thread>
#include <vector>

namespace govaudit::test {

namespace fs = std::filesystem;

struct Reply {
  long status = 0;
  std::string body, headers;
};

// `ca`: the certificate an https:// server's must be (else the system's trust store).
inline Reply http(const std::string& method, const std::string& url, const std::vector<std::string>& headers = {}, const std::string& body = "",
                  const std::string& ca = "") {
  Reply r;
  CURL* c = curl_easy_init();
  curl_slist* h = nullptr;
  for (auto& x : headers) h = curl_slist_append(h, x.c_str());
  auto sink = +[](char* p, size_t s, size_t n, void* out) { static_cast<std::string*>(out)->append(p, s * n); return s * n; };
  curl_easy_setopt(c, CURLOPT_URL, url.c_str());
  curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, method.c_str());
  curl_easy_setopt(c, CURLOPT_HTTPHEADER, h);
  if (method == "POST") curl_easy_setopt(c, CURLOPT_POSTFIELDS, body.c_str()), curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE, long(body.size()));
  curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, sink);
  curl_easy_setopt(c, CURLOPT_WRITEDATA, &r.body);
  curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, sink);
  curl_easy_setopt(c, CURLOPT_HEADERDATA, &r.headers);
  curl_easy_setopt(c, CURLOPT_TIMEOUT, 20L);
  if (!ca.empty()) curl_easy_setopt(c, CURLOPT_CAINFO, ca.c_str());
  if (curl_easy_perform(c) == CURLE_OK) curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &r.status);
  curl_slist_free_all(h);
  curl_easy_cleanup(c);
  return r;
}

// `govaudit serve` in the background for the test's length; over HTTPS when `ca` (its certificate) is
// given; with at most `max_fds` descriptors when that is not 0.
class Served {
 public:
  Served(const std::vector<std::string>& args, const fs::path& log, int port, const std::string& ca = "", rlim_t max_fds = 0)
      : base_((ca.empty() ? "http://127.0.0.1:" : "https://127.0.0.1:") + std::to_string(port)) {
    pid_ = fork();
    if (pid_ == 0) {
      rlimit fds{max_fds, max_fds};
      if (max_fds && setrlimit(RLIMIT_NOFILE, &fds) != 0) _exit(125);
      if (!freopen(log.c_str(), "w", stderr) || !freopen("/dev/null", "w", stdout)) _exit(126);
      std::vector<char*> argv{const_cast<char*>(GOVAUDIT_BIN), const_cast<char*>("serve")};
      for (auto& a : args) argv.push_back(const_cast<char*>(a.c_str()));
      argv.push_back(nullptr);
      execv(argv[0], argv.data());
      _exit(127);
    }
    for (int i = 0; i < 100 && http("GET", base_ + "/api/runs", {}, "", ca).status == 0; ++i)
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  ~Served() {
    kill(pid_, SIGTERM);
    int st = 0;
    waitpid(pid_, &st, 0);
  }
  const std::string& base() const { return base_; }
  pid_t pid() const { return pid_; }

 private:
  pid_t pid_ = -1;
  std::string base_;
};

}  // namespace govaudit::test
