#include "crawler/net/dns.hpp"

#include "crawler/net/fd_watch.hpp"

#include <ares.h>
#include <arpa/nameser.h>
#include <arpa/inet.h>
#include <netinet/in.h>

#include <boost/asio/io_context.hpp>
#include <boost/asio/posix/stream_descriptor.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <spdlog/spdlog.h>
#include <chrono>
#include <map>

namespace govaudit {

namespace asio = boost::asio;

namespace {

struct Library {
  Library() { ares_library_init(ARES_LIB_INIT_ALL); }
  ~Library() { ares_library_cleanup(); }
};

std::string ip_text(int family, const void* addr) {
  char buf[INET6_ADDRSTRLEN] = {0};
  inet_ntop(family, addr, buf, sizeof buf);
  return buf;
}

}  // namespace

struct Resolver::Impl {
  struct Pending {
    HostAnswer answer;
    int outstanding = 2;
    std::chrono::steady_clock::time_point start;
    std::vector<std::function<void(const HostAnswer&)>> waiters;
  };

  asio::io_context& io;
  DnsSettings settings;
  ares_channel channel = nullptr;
  asio::steady_timer timer;
  std::map<int, std::shared_ptr<FdWatch>> socks;
  std::map<std::string, HostAnswer> cache;
  std::map<std::string, std::unique_ptr<Pending>> pending;
  std::shared_ptr<bool> alive = std::make_shared<bool>(true);

  Impl(asio::io_context& i, const DnsSettings& s) : io(i), settings(s), timer(i) {
    static Library lib;
    ares_options opts{};
    int mask = ARES_OPT_SOCK_STATE_CB | ARES_OPT_TIMEOUTMS | ARES_OPT_TRIES;
    opts.sock_state_cb = &Impl::on_sock_state;
    opts.sock_state_cb_data = this;
    opts.timeout = s.timeout_ms;
    opts.tries = s.tries;
    if (ares_init_options(&channel, &opts, mask) != ARES_SUCCESS) throw ConfigError("dns: cannot initialise c-ares");
    if (!s.servers.empty()) {
      std::string csv;
      for (auto& srv : s.servers) csv += (csv.empty() ? "" : ",") + srv;
      if (ares_set_servers_ports_csv(channel, csv.c_str()) != ARES_SUCCESS)
        throw ConfigError("dns.servers: cannot use '" + csv + "' (expected host:port, e.g. 127.0.0.1:5353)");
    }
  }

  ~Impl() {
    *alive = false;
    for (auto& [fd, w] : socks) w->release();
    socks.clear();
    ares_destroy(channel);  // fails outstanding queries with ARES_EDESTRUCTION; callbacks ignore them
  }

  static void on_sock_state(void* data, ares_socket_t fd, int readable, int writable) {
    auto* self = static_cast<Impl*>(data);
    if (!readable && !writable) {
      if (auto it = self->socks.find(fd); it != self->socks.end()) {
        it->second->release();  // c-ares closes the fd itself
        self->socks.erase(it);
      }
      return;
    }
    auto& w = self->socks[fd];
    if (!w) w = FdWatch::make(self->io, fd, [self, fd](int events) { self->on_ready(fd, events); });
    w->want((readable ? FdWatch::kRead : 0) | (writable ? FdWatch::kWrite : 0));
    w->arm();
  }

  void on_ready(int fd, int events) {
    bool r = events & (FdWatch::kRead | FdWatch::kError), w = events & FdWatch::kWrite;
    ares_process_fd(channel, r ? fd : ARES_SOCKET_BAD, w ? fd : ARES_SOCKET_BAD);
    arm_timer();
  }

  void arm_timer() {
    timeval tv{};
    timeval* t = ares_timeout(channel, nullptr, &tv);
    if (!t) {
      timer.cancel();
      return;
    }
    timer.expires_after(std::chrono::seconds(t->tv_sec) + std::chrono::microseconds(t->tv_usec));
    timer.async_wait([this, a = alive](auto ec) {
      if (!*a || ec) return;
      ares_process_fd(channel, ARES_SOCKET_BAD, ARES_SOCKET_BAD);
      arm_timer();
    });
  }

  struct QueryCtx {
    Impl* self;
    std::string host;
    int type;
    std::shared_ptr<bool> alive;
  };

  static void on_answer(void* arg, int status, int, unsigned char* abuf, int alen) {
    std::unique_ptr<QueryCtx> q(static_cast<QueryCtx*>(arg));
    if (!*q->alive || status == ARES_EDESTRUCTION) return;
    // No exception may cross into c-ares: an answer that cannot be read is an error of that host,
    // and its waiters are told so like any other.
    std::vector<std::string> addrs;
    std::string err;
    try {
      read_answer(q->type, status, abuf, alen, addrs, err);
    } catch (const std::exception& e) {
      addrs.clear();
      err = std::string("cannot read the DNS answer: ") + e.what();
    }
    try {
      q->self->answered(q->host, q->type, std::move(addrs), err);
    } catch (const std::exception& e) {
      spdlog::error("dns: {}: the answer was lost ({}); the host's waiters are not told", q->host, e.what());
    }
  }

  static void read_answer(int type, int status, unsigned char* abuf, int alen, std::vector<std::string>& addrs, std::string& err) {
    if (status == ARES_SUCCESS) {
      if (type == ns_t_a) {
        ares_addrttl ttls[32];
        int n = 32;
        int rc = ares_parse_a_reply(abuf, alen, nullptr, ttls, &n);
        if (rc == ARES_SUCCESS)
          for (int i = 0; i < n; ++i) addrs.push_back(ip_text(AF_INET, &ttls[i].ipaddr));
        else if (rc != ARES_ENODATA) err = ares_strerror(rc);
      } else {
        ares_addr6ttl ttls[32];
        int n = 32;
        int rc = ares_parse_aaaa_reply(abuf, alen, nullptr, ttls, &n);
        if (rc == ARES_SUCCESS)
          for (int i = 0; i < n; ++i) addrs.push_back(ip_text(AF_INET6, &ttls[i].ip6addr));
        else if (rc != ARES_ENODATA) err = ares_strerror(rc);
      }
    } else if (status != ARES_ENODATA) {
      err = ares_strerror(status);  // NXDOMAIN ("Domain name not found"), timeout, refused …
    }
  }

  void answered(const std::string& host, int type, std::vector<std::string> addrs, const std::string& err) {
    auto it = pending.find(host);
    if (it == pending.end()) return;
    Pending& p = *it->second;
    (type == ns_t_a ? p.answer.v4 : p.answer.v6) = std::move(addrs);
    (type == ns_t_a ? p.answer.error4 : p.answer.error6) = err;
    if (--p.outstanding > 0) return;
    p.answer.elapsed_ms = int(std::chrono::duration_cast<std::chrono::milliseconds>(
                                  std::chrono::steady_clock::now() - p.start).count());
    auto done = std::move(it->second);
    pending.erase(it);
    cache[host] = done->answer;
    // Callers are told after c-ares has returned: never re-enter c-ares from its own callback.
    for (auto& w : done->waiters) asio::post(io, [w, ans = done->answer] { w(ans); });
  }

  void resolve(const std::string& host, std::function<void(const HostAnswer&)> cb) {
    if (auto c = cache.find(host); c != cache.end()) {
      asio::post(io, [cb, ans = c->second] { cb(ans); });
      return;
    }
    if (auto p = pending.find(host); p != pending.end()) {
      p->second->waiters.push_back(std::move(cb));
      return;
    }
    HostAnswer fixed;
    fixed.host = host;
    std::string bare = host.size() > 2 && host.front() == '[' ? host.substr(1, host.size() - 2) : host;
    in_addr a4;
    in6_addr a6;
    if (auto st = settings.static_hosts.find(host); st != settings.static_hosts.end()) {
      fixed.from_static = true;
      for (auto& a : st->second) (a.find(':') == std::string::npos ? fixed.v4 : fixed.v6).push_back(a);
    } else if (inet_pton(AF_INET, bare.c_str(), &a4) == 1) {
      fixed.from_static = true;
      fixed.v4.push_back(bare);
    } else if (inet_pton(AF_INET6, bare.c_str(), &a6) == 1) {
      fixed.from_static = true;
      fixed.v6.push_back(bare);
    }
    if (fixed.from_static) {
      cache[host] = fixed;
      asio::post(io, [cb, fixed] { cb(fixed); });
      return;
    }
    auto p = std::make_unique<Pending>();
    p->answer.host = host;
    p->start = std::chrono::steady_clock::now();
    p->waiters.push_back(std::move(cb));
    pending[host] = std::move(p);
    ares_query(channel, host.c_str(), ns_c_in, ns_t_a, &Impl::on_answer, new QueryCtx{this, host, ns_t_a, alive});
    if (pending.count(host))
      ares_query(channel, host.c_str(), ns_c_in, ns_t_aaaa, &Impl::on_answer, new QueryCtx{this, host, ns_t_aaaa, alive});
    arm_timer();
  }
};

namespace {
struct NsCtx {
  asio::io_context* io;
  std::function<void(std::vector<std::string>, std::string)> done;
  std::shared_ptr<bool> alive;
};
void on_ns(void* arg, int status, int, unsigned char* abuf, int alen) {
  std::unique_ptr<NsCtx> c(static_cast<NsCtx*>(arg));
  if (!*c->alive || status == ARES_EDESTRUCTION) return;
  std::vector<std::string> names;
  std::string err;
  try {
    if (status == ARES_SUCCESS) {
      hostent* h = nullptr;
      int rc = ares_parse_ns_reply(abuf, alen, &h);
      if (rc == ARES_SUCCESS && h) {
        for (char** a = h->h_aliases; a && *a; ++a) names.push_back(*a);
        ares_free_hostent(h);
      } else if (rc != ARES_ENODATA) {
        err = ares_strerror(rc);
      }
    } else if (status != ARES_ENODATA) {
      err = ares_strerror(status);
    }
  } catch (const std::exception& e) {  // no exception may cross into c-ares: the caller hears of it
    names.clear();
    err = std::string("cannot read the DNS answer: ") + e.what();
  }
  asio::post(*c->io, [d = std::move(c->done), names = std::move(names), err]() mutable { d(std::move(names), err); });
}
}  // namespace

void Resolver::name_servers(const std::string& zone, std::function<void(std::vector<std::string>, std::string)> done) {
  if (impl_->settings.static_hosts.count(zone) || zone.empty()) {
    asio::post(impl_->io, [done] { done({}, "not asked (fixed answers)"); });
    return;
  }
  ares_query(impl_->channel, zone.c_str(), ns_c_in, ns_t_ns, &on_ns, new NsCtx{&impl_->io, std::move(done), impl_->alive});
  impl_->arm_timer();
}

Resolver::Resolver(asio::io_context& io, const DnsSettings& s) : impl_(std::make_unique<Impl>(io, s)) {}
Resolver::~Resolver() = default;
void Resolver::resolve(const std::string& host, std::function<void(const HostAnswer&)> done) {
  impl_->resolve(host, std::move(done));
}

}  // namespace govaudit
