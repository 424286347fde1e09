// govaudit-delayproxy LISTEN_PORT UPSTREAM_PORT DELAY_MS: the corpus's delayproxy.py in C++ for
// runs of a thousand sites, where the Python proxy's own ceiling (~600 requests/s on two cores)
// would be what is measured. Same behaviour: on 127.0.0.1 and ::1, every chunk is delivered
// DELAY_MS after it arrived, in order, each way, and the upstream connect waits one round trip
// (the handshake). One thread, one event loop (Boost.Asio coroutines).
#include <utility>  // before Asio: its awaitable.hpp uses std::exchange

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ip/v6_only.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>

#include <sys/resource.h>

#include <chrono>
#include <cstdio>
#include <deque>
#include <memory>
#include <string>

namespace asio = boost::asio;
using asio::awaitable;
using asio::ip::tcp;
using Clock = std::chrono::steady_clock;

namespace {

std::chrono::milliseconds delay;

// One direction of a connection: chunks read from `from` wait in `queue` until their time.
struct Direction {
  tcp::socket& from;
  tcp::socket& to;
  asio::steady_timer timer;
  std::deque<std::pair<Clock::time_point, std::string>> queue;  // an empty chunk: end of stream
  Direction(tcp::socket& f, tcp::socket& t) : from(f), to(t), timer(f.get_executor()) {}
};

struct Session : std::enable_shared_from_this<Session> {
  tcp::socket client, upstream;
  Direction up{client, upstream}, down{upstream, client};
  explicit Session(tcp::socket c) : client(std::move(c)), upstream(client.get_executor()) {}

  void close() {
    boost::system::error_code ec;
    client.close(ec);
    upstream.close(ec);
  }

  static awaitable<void> read(std::shared_ptr<Session> /*keeps it alive*/, Direction& d) {
    char buf[65536];
    for (;;) {
      boost::system::error_code ec;
      size_t n = co_await d.from.async_read_some(asio::buffer(buf), asio::redirect_error(asio::use_awaitable, ec));
      bool was_empty = d.queue.empty();
      d.queue.emplace_back(Clock::now() + delay, ec ? std::string() : std::string(buf, n));
      if (was_empty) d.timer.cancel();
      if (ec) co_return;
    }
  }

  static awaitable<void> write(std::shared_ptr<Session> s, Direction& d) {
    for (;;) {
      boost::system::error_code ec;
      d.timer.expires_at(d.queue.empty() ? Clock::time_point::max() : d.queue.front().first);
      co_await d.timer.async_wait(asio::redirect_error(asio::use_awaitable, ec));
      if (d.queue.empty() || Clock::now() < d.queue.front().first) continue;
      std::string chunk = std::move(d.queue.front().second);
      d.queue.pop_front();
      if (chunk.empty()) {
        d.to.shutdown(tcp::socket::shutdown_send, ec);
        co_return;
      }
      co_await asio::async_write(d.to, asio::buffer(chunk), asio::redirect_error(asio::use_awaitable, ec));
      if (ec) {
        s->close();  // the readers end, and queue the ends that stop the writers
        co_return;
      }
    }
  }

  static awaitable<void> run(std::shared_ptr<Session> s, tcp::endpoint target) {
    asio::steady_timer handshake(s->client.get_executor(), 2 * delay);
    boost::system::error_code ec;
    co_await handshake.async_wait(asio::redirect_error(asio::use_awaitable, ec));
    co_await s->upstream.async_connect(target, asio::redirect_error(asio::use_awaitable, ec));
    if (ec) {
      s->close();
      co_return;
    }
    s->upstream.set_option(tcp::no_delay(true), ec);
    auto ex = s->client.get_executor();
    asio::co_spawn(ex, read(s, s->up), asio::detached);
    asio::co_spawn(ex, write(s, s->up), asio::detached);
    asio::co_spawn(ex, read(s, s->down), asio::detached);
    asio::co_spawn(ex, write(s, s->down), asio::detached);
  }
};

awaitable<void> listen(tcp::acceptor& acceptor, tcp::endpoint target) {
  for (;;) {
    boost::system::error_code ec;
    tcp::socket c = co_await acceptor.async_accept(asio::redirect_error(asio::use_awaitable, ec));
    if (ec) {  // EMFILE and the like: back off a little instead of spinning
      asio::steady_timer pause(acceptor.get_executor(), std::chrono::milliseconds(10));
      co_await pause.async_wait(asio::redirect_error(asio::use_awaitable, ec));
      continue;
    }
    c.set_option(tcp::no_delay(true), ec);
    auto s = std::make_shared<Session>(std::move(c));
    asio::co_spawn(acceptor.get_executor(), Session::run(s, target), asio::detached);
  }
}

void open(tcp::acceptor& a, const char* addr, unsigned short port) {
  tcp::endpoint ep(asio::ip::make_address(addr), port);
  a.open(ep.protocol());
  a.set_option(tcp::acceptor::reuse_address(true));
  if (ep.protocol() == tcp::v6()) a.set_option(asio::ip::v6_only(true));
  a.bind(ep);
  a.listen(4096);
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 4) {
    std::fprintf(stderr, "usage: govaudit-delayproxy LISTEN_PORT UPSTREAM_PORT DELAY_MS\n");
    return 2;
  }
  auto listen_port = static_cast<unsigned short>(std::stoi(argv[1]));
  auto up_port = static_cast<unsigned short>(std::stoi(argv[2]));
  delay = std::chrono::milliseconds(std::stoi(argv[3]));
  rlimit rl{};  // two sockets per connection: a thousand sites need more than the default 1,024
  if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < rl.rlim_max) {
    rl.rlim_cur = rl.rlim_max;
    setrlimit(RLIMIT_NOFILE, &rl);
  }
  try {
    asio::io_context io(1);
    tcp::acceptor a4(io), a6(io);
    open(a4, "127.0.0.1", listen_port);
    open(a6, "::1", listen_port);
    asio::co_spawn(io, listen(a4, {asio::ip::make_address("127.0.0.1"), up_port}), asio::detached);
    asio::co_spawn(io, listen(a6, {asio::ip::make_address("::1"), up_port}), asio::detached);
    asio::signal_set stop(io, SIGINT, SIGTERM);
    stop.async_wait([&](auto, int) { io.stop(); });
    io.run();
  } catch (const std::exception& e) {
    std::fprintf(stderr, "govaudit-delayproxy: %s\n", e.what());
    return 1;
  }
}
