#include "crawler/net/fetcher.hpp"

#include <curl/curl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

#include <boost/asio/io_context.hpp>
#include <boost/asio/posix/stream_descriptor.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <spdlog/spdlog.h>
#include <map>
#include <thread>

#include "crawler/net/fd_watch.hpp"
#include "model/strings.hpp"
#include "model/url.hpp"

namespace govaudit {

namespace asio = boost::asio;

ConnectionBudget connection_budget(int configured, unsigned cores) {
  constexpr long kReserve = 256;
  ConnectionBudget b;
  rlimit rl{};
  if (getrlimit(RLIMIT_NOFILE, &rl) == 0) {
    if (rl.rlim_cur != rl.rlim_max) {
      rlimit raised = rl;
      raised.rlim_cur = rl.rlim_max;
      if (setrlimit(RLIMIT_NOFILE, &raised) == 0) rl = raised;
    }
    b.open_files = rl.rlim_cur == RLIM_INFINITY ? 1L << 20 : long(rl.rlim_cur);
  } else {
    b.open_files = 1024;
  }
  long room = std::max(8L, b.open_files - kReserve);
  b.automatic = configured == 0;
  if (cores == 0) cores = std::max(1u, std::thread::hardware_concurrency());
  long want = b.automatic ? std::min<long>(kAutoConnectionsMax, long(kAutoConnectionsPerCore) * cores) : configured;
  b.cut = !b.automatic && want > room;
  b.limit = int(std::min(want, room));
  return b;
}

namespace {
struct GlobalInit {
  GlobalInit() { curl_global_init(CURL_GLOBAL_DEFAULT); }
};
}  // namespace

struct Fetcher::Impl {
  static_assert(CURL_POLL_IN == FdWatch::kRead && CURL_POLL_OUT == FdWatch::kWrite);
  static_assert(CURL_CSELECT_IN == FdWatch::kRead && CURL_CSELECT_OUT == FdWatch::kWrite && CURL_CSELECT_ERR == FdWatch::kError);

  struct Transfer {
    Impl* impl = nullptr;
    std::unique_ptr<CURL, void (*)(CURL*)> easy{nullptr, curl_easy_cleanup};
    std::unique_ptr<curl_slist, void (*)(curl_slist*)> resolve{nullptr, curl_slist_free_all};
    std::unique_ptr<curl_slist, void (*)(curl_slist*)> headers{nullptr, curl_slist_free_all};
    FetchRequest req;
    FetchResult res;
    std::function<void(FetchResult)> done;
    std::int64_t max_body = 0;
    bool too_big = false;
    std::string refused;  // why the guard refused the connect
    char errbuf[CURL_ERROR_SIZE] = {0};
    std::chrono::steady_clock::time_point start;
  };

  asio::io_context& io;
  CrawlSettings settings;
  const NetGuard& guard;
  std::unique_ptr<CURLM, void (*)(CURLM*)> multi{nullptr, [](CURLM* m) { curl_multi_cleanup(m); }};
  asio::steady_timer timer;
  using Clock = asio::steady_timer::clock_type;
  Clock::time_point due = Clock::time_point::max();  // libcurl's current timeout
  bool timer_armed = false, kick_posted = false;
  std::map<curl_socket_t, std::shared_ptr<FdWatch>> socks;
  std::map<CURL*, std::unique_ptr<Transfer>> transfers;
  std::shared_ptr<bool> alive = std::make_shared<bool>(true);

  Impl(asio::io_context& i, const CrawlSettings& s, const NetGuard& g) : io(i), settings(s), guard(g), timer(i) {
    static GlobalInit init;
    multi.reset(curl_multi_init());
    if (!multi) throw std::runtime_error("libcurl: cannot create a multi handle");
    auto set = [&](CURLMoption opt, auto value, const char* name) {
      if (auto err = multi_error(curl_multi_setopt(multi.get(), opt, value), name)) throw std::runtime_error(*err);
    };
    set(CURLMOPT_SOCKETFUNCTION, &Impl::on_socket, "CURLMOPT_SOCKETFUNCTION");
    set(CURLMOPT_SOCKETDATA, this, "CURLMOPT_SOCKETDATA");
    set(CURLMOPT_TIMERFUNCTION, &Impl::on_timer, "CURLMOPT_TIMERFUNCTION");
    set(CURLMOPT_TIMERDATA, this, "CURLMOPT_TIMERDATA");
    // The crawler keeps each host to its own limit; libcurl's is only a backstop, so it must not
    // be below any host's override.
    long per_host = s.per_host_connections;
    for (auto& [name, h] : s.hosts) per_host = std::max(per_host, long(h.connections.value_or(0)));
    set(CURLMOPT_MAX_HOST_CONNECTIONS, per_host, "CURLMOPT_MAX_HOST_CONNECTIONS");
    set(CURLMOPT_MAX_TOTAL_CONNECTIONS, long(s.global_connections), "CURLMOPT_MAX_TOTAL_CONNECTIONS");
    set(CURLMOPT_MAXCONNECTS, long(s.global_connections), "CURLMOPT_MAXCONNECTS");
  }

  // After a failed curl_multi_socket_action libcurl's state cannot be trusted: every transfer
  // under way ends with the error (recorded on its page) instead of waiting for a timeout that may
  // never come. A socket libcurl no longer knows (CURLM_BAD_SOCKET) is only forgotten.
  void checked_action(curl_socket_t fd, int ev) {
    int running = 0;
    CURLMcode rc = curl_multi_socket_action(multi.get(), fd, ev, &running);
    if (rc == CURLM_BAD_SOCKET) {
      if (auto it = socks.find(fd); it != socks.end()) it->second->want(0);
    } else if (auto err = multi_error(rc, "curl_multi_socket_action")) {
      spdlog::error("{}; failing the {} transfers under way", *err, transfers.size());
      fail_all(*err);
    }
    drain();
  }

  void fail_all(const std::string& why) {
    auto all = std::move(transfers);
    transfers.clear();
    for (auto& [easy, t] : all) {
      curl_multi_remove_handle(multi.get(), easy);
      t->res.error_kind = ErrorKind::Network;
      t->res.error = why;
      asio::post(io, [d = std::move(t->done), r = std::move(t->res)]() mutable { d(std::move(r)); });
    }
  }

  ~Impl() {
    *alive = false;
    timer.cancel();
    for (auto& [easy, t] : transfers) curl_multi_remove_handle(multi.get(), easy);
    transfers.clear();
    multi.reset();  // closes cached connections through on_close
    for (auto& [fd, w] : socks) w->release();
  }

  // ---- libcurl callbacks: no exception may escape them, and none calls back into libcurl.

  static curl_socket_t on_open(void* clientp, curlsocktype purpose, curl_sockaddr* addr) {
    auto* t = static_cast<Transfer*>(clientp);
    if (purpose != CURLSOCKTYPE_IPCXN) return CURL_SOCKET_BAD;
    int fd = -1;
    try {
      if (!t->impl->guard.allowed(&addr->addr)) {
        char host[64] = {0};
        if (addr->family == AF_INET)
          inet_ntop(AF_INET, &reinterpret_cast<sockaddr_in*>(&addr->addr)->sin_addr, host, sizeof host);
        else if (addr->family == AF_INET6)
          inet_ntop(AF_INET6, &reinterpret_cast<sockaddr_in6*>(&addr->addr)->sin6_addr, host, sizeof host);
        t->refused = std::string(host) + " is " + t->impl->guard.refusal(host) + " (allow it with --allow-net)";
        return CURL_SOCKET_BAD;
      }
      fd = ::socket(addr->family, addr->socktype | SOCK_CLOEXEC, addr->protocol);
      if (fd < 0) return CURL_SOCKET_BAD;
      Impl* impl = t->impl;
      impl->socks[fd] = FdWatch::make(impl->io, fd, [impl, fd](int events) { impl->checked_action(fd, events); });
      return fd;
    } catch (const std::exception& e) {  // libcurl fails this connection attempt; the socket is not leaked
      spdlog::warn("fetch: cannot watch a new connection: {}", e.what());
      if (fd >= 0) ::close(fd);
      return CURL_SOCKET_BAD;
    }
  }

  static int on_close(void* clientp, curl_socket_t fd) {
    auto* self = static_cast<Impl*>(clientp);
    if (auto it = self->socks.find(fd); it != self->socks.end()) {
      it->second->release();
      self->socks.erase(it);
    }
    return ::close(fd);
  }

  static int on_socket(CURL*, curl_socket_t fd, int what, void* userp, void*) {
    auto* self = static_cast<Impl*>(userp);
    try {
      auto it = self->socks.find(fd);
      if (it == self->socks.end()) return 0;  // not one of ours (cannot happen with on_open)
      it->second->want(what == CURL_POLL_REMOVE ? 0 : what);
      if (what == CURL_POLL_REMOVE) return 0;
      // Armed after libcurl returns: waits are started from the event loop, not from inside curl.
      asio::post(self->io, [w = std::weak_ptr<FdWatch>(it->second)] {
        if (auto watch = w.lock()) watch->arm();
      });
    } catch (const std::exception& e) {  // libcurl fails the transfers on -1: none is left waiting
      spdlog::error("socket {}: cannot watch it: {}", fd, e.what());
      return -1;
    }
    return 0;
  }

  // libcurl moves its timeout on nearly every transfer event. Re-arming the timer each time cost a
  // timerfd_settime per call (the crawl's costliest syscall), so the timer is only moved earlier;
  // firing before the current deadline, it waits again. 0 ("at once") is a post, never a direct
  // call into libcurl.
  static int on_timer(CURLM*, long timeout_ms, void* userp) {
    auto* self = static_cast<Impl*>(userp);
    try {
      self->due = timeout_ms <= 0 ? Clock::time_point::max() : Clock::now() + std::chrono::milliseconds(timeout_ms);
      if (timeout_ms == 0) {
        if (!self->kick_posted) {
          self->kick_posted = true;
          asio::post(self->io, [self, a = self->alive] {
            if (!*a) return;
            self->kick_posted = false;
            self->timeout_action();
          });
        }
      } else if (timeout_ms > 0 && (!self->timer_armed || self->due < self->timer.expiry())) {
        self->arm_timer();
      }
    } catch (const std::exception& e) {  // libcurl fails the transfers on -1: none is left waiting
      spdlog::error("cannot arm libcurl's timer: {}", e.what());
      return -1;
    }
    return 0;
  }

  void arm_timer() {
    timer_armed = true;
    timer.expires_at(due);
    timer.async_wait([this, a = alive](const boost::system::error_code& ec) {
      if (!*a || ec) return;  // aborted: moved earlier, and a new wait is pending
      timer_armed = false;
      if (due == Clock::time_point::max()) return;
      if (Clock::now() < due) return arm_timer();
      timeout_action();
    });
  }

  void quiesce() {
    if (!transfers.empty()) return;
    due = Clock::time_point::max();
    timer_armed = false;
    timer.cancel();
  }

  void timeout_action() {
    due = Clock::time_point::max();
    checked_action(CURL_SOCKET_TIMEOUT, 0);
  }

  static size_t on_write(char* data, size_t size, size_t n, void* userp) {
    auto* t = static_cast<Transfer*>(userp);
    size_t len = size * n;
    t->res.bytes += std::int64_t(len);
    if (std::int64_t(t->res.body.size() + len) > t->max_body) {
      t->too_big = true;
      return 0;  // aborts the transfer with CURLE_WRITE_ERROR
    }
    if (t->res.body.empty()) {  // one allocation of the announced size, not doublings up to twice it
      curl_off_t announced = -1;
      if (curl_easy_getinfo(t->easy.get(), CURLINFO_CONTENT_LENGTH_DOWNLOAD_T, &announced) == CURLE_OK && announced > 0)
        t->res.body.reserve(size_t(std::min<curl_off_t>(announced, t->max_body)));
    }
    t->res.body.append(data, len);
    return len;
  }

  // Raw headers for the WARC records: the last response's header block (a 100 Continue or an
  // earlier attempt on a dead connection is replaced by the answer that counts).
  static size_t on_header(char* data, size_t size, size_t n, void* userp) {
    auto* t = static_cast<Transfer*>(userp);
    std::string_view line(data, size * n);
    if (line.rfind("HTTP/", 0) == 0) t->res.response_head.clear();
    // A header line with a control character inside (a bare CR smuggling a second header, NUL …) is
    // not kept: every audited site is untrusted, and its headers are replayed as evidence.
    std::string_view value = line.substr(0, line.find_last_not_of("\r\n") + 1);
    if (std::any_of(value.begin(), value.end(), is_control)) {
      ++t->res.refused_headers;
      return size * n;
    }
    t->res.response_head.append(line);
    return size * n;
  }

  static int on_debug(CURL*, curl_infotype type, char* data, size_t size, void* userp) {
    if (type != CURLINFO_HEADER_OUT) return 0;
    auto* t = static_cast<Transfer*>(userp);
    t->res.request_head.assign(data, size);  // one block per request sent; the last one counts
    return 0;
  }

  // ---- event loop side

  void drain() {
    int left = 0;
    while (CURLMsg* m = curl_multi_info_read(multi.get(), &left)) {
      if (m->msg != CURLMSG_DONE) continue;
      CURL* easy = m->easy_handle;
      CURLcode rc = m->data.result;
      auto it = transfers.find(easy);
      if (it == transfers.end()) continue;
      auto t = std::move(it->second);
      transfers.erase(it);
      finish(*t, rc);  // reads the transfer's info before the handle leaves the multi
      if (auto err = multi_error(curl_multi_remove_handle(multi.get(), easy), "curl_multi_remove_handle"))
        spdlog::warn("{}: {}", t->req.url, *err);  // the result stands; only the handle's cleanup failed
      auto done = std::move(t->done);
      asio::post(io, [done = std::move(done), res = std::move(t->res)]() mutable { done(std::move(res)); });
    }
  }

  void finish(Transfer& t, CURLcode rc) {
    auto& r = t.res;
    if (r.refused_headers > 0)
      spdlog::warn("{}: {} response header line(s) with a control character inside not kept", t.req.url, r.refused_headers);
    r.elapsed_ms = int(std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - t.start).count());
    long code = 0;
    curl_easy_getinfo(t.easy.get(), CURLINFO_RESPONSE_CODE, &code);
    r.status = int(code);
    char* ct = nullptr;
    if (curl_easy_getinfo(t.easy.get(), CURLINFO_CONTENT_TYPE, &ct) == CURLE_OK && ct) {
      r.content_type = ct;  // cut at a control character: libcurl keeps a bare CR inside the value
      r.content_type.erase(std::find_if(r.content_type.begin(), r.content_type.end(), is_control), r.content_type.end());
    }
    char* loc = nullptr;
    if (curl_easy_getinfo(t.easy.get(), CURLINFO_REDIRECT_URL, &loc) == CURLE_OK && loc) r.location = loc;
    char* ip = nullptr;
    if (curl_easy_getinfo(t.easy.get(), CURLINFO_PRIMARY_IP, &ip) == CURLE_OK && ip) r.primary_ip = ip;
    for (auto [name, out] : {std::pair{"ETag", &r.etag}, std::pair{"Last-Modified", &r.last_modified}}) {
      curl_header* h = nullptr;  // of the last response (a redirect's hop is a response of its own)
      if (curl_easy_header(t.easy.get(), name, 0, CURLH_HEADER, -1, &h) == CURLHE_OK && h && h->value && std::strlen(h->value) < 256 &&
          std::none_of(h->value, h->value + std::strlen(h->value), [](char c) { return c == '\t' || is_control(c); }))
        *out = h->value;
    }
    curl_off_t ra = 0;
    if (curl_easy_getinfo(t.easy.get(), CURLINFO_RETRY_AFTER, &ra) == CURLE_OK) r.retry_after_s = long(ra);
    if (t.req.cert_info) {
      curl_certinfo* ci = nullptr;
      if (curl_easy_getinfo(t.easy.get(), CURLINFO_CERTINFO, &ci) == CURLE_OK && ci && ci->num_of_certs > 0)
        for (curl_slist* l = ci->certinfo[0]; l; l = l->next) {
          std::string line = l->data;
          if (line.rfind("Expire date:", 0) == 0) r.cert_expire = line.substr(12);
          if (line.rfind("Subject:", 0) == 0) r.cert_subject = line.substr(8);
        }
    }
    if (rc == CURLE_OK) return;
    std::string msg = t.errbuf[0] ? t.errbuf : curl_easy_strerror(rc);
    // "… port 80 after 12 ms: …": the time is recorded on its own; the message stays the same for the same fault.
    if (auto a = msg.find(" after "); a != std::string::npos)
      if (auto ms = msg.find(" ms", a + 7); ms != std::string::npos && ms > a + 7 &&
                                              msg.find_first_not_of("0123456789", a + 7) == ms)
        msg.erase(a, ms + 3 - a);
    if (!t.refused.empty()) {
      r.error_kind = ErrorKind::Refused;
      r.error = "not connecting: " + t.refused;
    } else if (t.too_big || rc == CURLE_FILESIZE_EXCEEDED) {
      r.error_kind = ErrorKind::Size;
      r.error = "body larger than " + std::to_string(t.max_body) + " bytes";
      r.cut = true;
    } else {
      switch (rc) {
        case CURLE_COULDNT_RESOLVE_HOST: r.error_kind = ErrorKind::Dns; break;
        case CURLE_COULDNT_CONNECT: {
          r.error_kind = ErrorKind::Connect;
          long os_errno = 0;
          r.connection_refused = curl_easy_getinfo(t.easy.get(), CURLINFO_OS_ERRNO, &os_errno) == CURLE_OK && os_errno == ECONNREFUSED;
          break;
        }
        case CURLE_OPERATION_TIMEDOUT: r.error_kind = ErrorKind::Timeout; break;
        case CURLE_SSL_CONNECT_ERROR: case CURLE_PEER_FAILED_VERIFICATION: case CURLE_SSL_CERTPROBLEM:
        case CURLE_SSL_CIPHER: case CURLE_SSL_CACERT_BADFILE: case CURLE_SSL_ISSUER_ERROR:
          r.error_kind = ErrorKind::Tls; break;
        default: r.error_kind = ErrorKind::Network; break;
      }
      r.error = msg;
      // libcurl says "Out of memory" when a header line passes its 100 KB limit.
      if (rc == CURLE_OUT_OF_MEMORY || rc == CURLE_WEIRD_SERVER_REPLY)
        r.error = "unreadable answer header (a header line over 100 KB, or not HTTP): " + msg;
    }
  }

  void fetch(FetchRequest req, std::function<void(FetchResult)> done) {
    auto parts = url::parts(req.url);
    if (std::string why = parts ? NetGuard::refused_name(parts->host) : ""; !why.empty()) {
      FetchResult r;
      r.error_kind = ErrorKind::Refused;
      r.error = "not connecting: " + why;
      boost::asio::post(io, [done = std::move(done), r = std::move(r)]() mutable { done(std::move(r)); });
      return;
    }
    auto t = std::make_unique<Transfer>();
    t->impl = this;
    t->req = std::move(req);
    t->done = std::move(done);
    t->max_body = t->req.max_body > 0 ? t->req.max_body : settings.max_body_bytes;
    t->start = std::chrono::steady_clock::now();
    t->easy.reset(curl_easy_init());
    CURL* e = t->easy.get();
    for (auto& r : t->req.resolve) t->resolve.reset(curl_slist_append(t->resolve.release(), r.c_str()));
    for (auto& h : t->req.headers) t->headers.reset(curl_slist_append(t->headers.release(), h.c_str()));
    curl_easy_setopt(e, CURLOPT_URL, t->req.url.c_str());
    curl_easy_setopt(e, CURLOPT_PRIVATE, t.get());
    curl_easy_setopt(e, CURLOPT_PROTOCOLS_STR, "http,https");
    curl_easy_setopt(e, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(e, CURLOPT_USERAGENT, settings.user_agent.c_str());
    curl_easy_setopt(e, CURLOPT_ACCEPT_ENCODING, "");
    curl_easy_setopt(e, CURLOPT_FOLLOWLOCATION, 0L);
    curl_easy_setopt(e, CURLOPT_CONNECTTIMEOUT_MS, long(settings.connect_timeout_ms));
    curl_easy_setopt(e, CURLOPT_TIMEOUT_MS, long(settings.total_timeout_ms));
    if (settings.low_speed_bytes_per_s > 0) {
      curl_easy_setopt(e, CURLOPT_LOW_SPEED_LIMIT, long(settings.low_speed_bytes_per_s));
      curl_easy_setopt(e, CURLOPT_LOW_SPEED_TIME, long(settings.low_speed_time_ms / 1000));
    }
    curl_easy_setopt(e, CURLOPT_MAXFILESIZE_LARGE, curl_off_t(t->max_body));
    curl_easy_setopt(e, CURLOPT_ERRORBUFFER, t->errbuf);
    curl_easy_setopt(e, CURLOPT_WRITEFUNCTION, &Impl::on_write);
    curl_easy_setopt(e, CURLOPT_WRITEDATA, t.get());
    curl_easy_setopt(e, CURLOPT_OPENSOCKETFUNCTION, &Impl::on_open);
    curl_easy_setopt(e, CURLOPT_OPENSOCKETDATA, t.get());
    curl_easy_setopt(e, CURLOPT_CLOSESOCKETFUNCTION, &Impl::on_close);
    curl_easy_setopt(e, CURLOPT_CLOSESOCKETDATA, this);
    if (t->resolve) curl_easy_setopt(e, CURLOPT_RESOLVE, t->resolve.get());
    if (t->headers) curl_easy_setopt(e, CURLOPT_HTTPHEADER, t->headers.get());
    if (t->req.head) curl_easy_setopt(e, CURLOPT_NOBODY, 1L);
    if (!settings.ca_file.empty()) curl_easy_setopt(e, CURLOPT_CAINFO, settings.ca_file.c_str());
    if (!t->req.verify_tls) {
      curl_easy_setopt(e, CURLOPT_SSL_VERIFYPEER, 0L);
      curl_easy_setopt(e, CURLOPT_SSL_VERIFYHOST, 0L);
    }
    if (t->req.cert_info) {  // certificates are only seen in a handshake: never a reused connection
      curl_easy_setopt(e, CURLOPT_CERTINFO, 1L);
      curl_easy_setopt(e, CURLOPT_FRESH_CONNECT, 1L);
      curl_easy_setopt(e, CURLOPT_FORBID_REUSE, 1L);
    }
    if (!t->req.cookies.empty()) curl_easy_setopt(e, CURLOPT_COOKIE, t->req.cookies.c_str());
    if (t->req.keep_heads) {
      curl_easy_setopt(e, CURLOPT_HEADERFUNCTION, &Impl::on_header);
      curl_easy_setopt(e, CURLOPT_HEADERDATA, t.get());
      curl_easy_setopt(e, CURLOPT_DEBUGFUNCTION, &Impl::on_debug);
      curl_easy_setopt(e, CURLOPT_DEBUGDATA, t.get());
      curl_easy_setopt(e, CURLOPT_VERBOSE, 1L);  // makes libcurl call on_debug; nothing is printed
    }
    if (t->req.ip_family == 4) curl_easy_setopt(e, CURLOPT_IPRESOLVE, CURL_IPRESOLVE_V4);
    if (t->req.ip_family == 6) curl_easy_setopt(e, CURLOPT_IPRESOLVE, CURL_IPRESOLVE_V6);
    transfers[e] = std::move(t);
    if (auto err = multi_error(curl_multi_add_handle(multi.get(), e), "curl_multi_add_handle")) {
      auto failed = std::move(transfers[e]);
      transfers.erase(e);
      failed->res.error_kind = ErrorKind::Network;
      failed->res.error = *err;
      asio::post(io, [d = std::move(failed->done), r = std::move(failed->res)]() mutable { d(std::move(r)); });
    }
  }
};

std::optional<std::string> multi_error(CURLMcode rc, const char* call) {
  if (rc == CURLM_OK || rc == CURLM_CALL_MULTI_PERFORM) return std::nullopt;
  return std::string("libcurl: ") + call + ": " + curl_multi_strerror(rc);
}

Fetcher::Fetcher(asio::io_context& io, const CrawlSettings& s, const NetGuard& g) : impl_(std::make_unique<Impl>(io, s, g)) {}
Fetcher::~Fetcher() = default;
void Fetcher::fetch(FetchRequest req, std::function<void(FetchResult)> done) { impl_->fetch(std::move(req), std::move(done)); }
void Fetcher::quiesce() { impl_->quiesce(); }

}  // namespace govaudit
