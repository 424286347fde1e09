#include "cli/console_server.hpp"

#include <utility>  // before Asio: its awaitable.hpp uses std::exchange

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <chrono>
#include <fstream>
#include <map>
#include <memory>
#include <stdexcept>

#include "model/strings.hpp"
#include "reports/console.hpp"

namespace govaudit {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
namespace ssl = asio::ssl;
using asio::ip::tcp;

namespace {

using Clock = std::chrono::steady_clock;

// Requests per client address: a token bucket, so that a script cannot flood the database. A request
// costs what it makes the server do: a whole report or a run's findings far more than one finding.
class RateLimit {
 public:
  explicit RateLimit(int per_second) : rate_(per_second) {}
  bool allow(const std::string& who, double cost) {
    auto now = Clock::now();
    if (++calls_ % 1024 == 0)  // addresses not heard from for a minute are forgotten: the table stays small
      std::erase_if(buckets_, [&](auto& e) { return now - e.second.last > std::chrono::minutes(1); });
    auto& b = buckets_[who];
    if (b.last == Clock::time_point{}) b.tokens = 2.0 * rate_;
    b.tokens = std::min(2.0 * rate_, b.tokens + rate_ * std::chrono::duration<double>(now - b.last).count());
    b.last = now;
    if (b.tokens < cost) {
      if (now - b.warned > std::chrono::seconds(10)) {
        spdlog::warn("console: {} exceeds {} requests/s: refused (429)", who, rate_);
        b.warned = now;
      }
      return false;
    }
    b.tokens -= cost;
    return true;
  }

 private:
  struct Bucket {
    double tokens = 0;
    Clock::time_point last{}, warned{};
  };
  double rate_;
  std::uint64_t calls_ = 0;
  std::map<std::string, Bucket> buckets_;
};

// Connections open per client address: one client holding many idle connections cannot take the
// descriptors everyone else needs.
class Clients {
 public:
  static constexpr int kPerClient = 16;
  bool admit(const std::string& who) {
    int& n = open_[who];
    if (n >= kPerClient) {
      if (n == kPerClient) spdlog::warn("console: {} holds {} connections: further ones are closed", who, n);
      return false;
    }
    ++n;
    return true;
  }
  void leave(const std::string& who) {
    if (auto it = open_.find(who); it != open_.end() && --it->second <= 0) open_.erase(it);
  }

 private:
  std::map<std::string, int> open_;
};

// What a request costs in the rate limit's tokens: pages that read or render a whole run weigh more.
double cost_of(std::string_view target) {
  auto path = target.substr(0, target.find('?'));
  auto ends = [&](std::string_view tail) { return path.size() >= tail.size() && path.substr(path.size() - tail.size()) == tail; };
  if (path.rfind("/runs/", 0) == 0 && ends("/report")) return 10;
  if (path == "/api/findings" || path == "/api/runs" || path == "/" || (path.rfind("/runs/", 0) == 0 && path.find('/', 6) == std::string_view::npos))
    return 4;
  return 1;
}

// Requests on one connection until the client closes it, goes quiet, or an answer says close.
template <class Stream>
asio::awaitable<void> exchange(Stream& stream, const std::string& peer, Console& console, RateLimit& limit) {
  beast::flat_buffer buffer(16 * 1024);
  for (;;) {
    http::request_parser<http::string_body> parser;
    parser.header_limit(16 * 1024);
    parser.body_limit(64 * 1024);  // a review is a few hundred bytes
    beast::get_lowest_layer(stream).expires_after(std::chrono::seconds(30));  // slow clients lose the connection
    boost::system::error_code ec;
    co_await http::async_read(stream, buffer, parser, asio::redirect_error(asio::use_awaitable, ec));
    if (ec == http::error::end_of_stream || ec == beast::error::timeout || ec == asio::ssl::error::stream_truncated) break;
    HttpResponse out;
    bool keep = false;
    unsigned version = 11;
    if (ec) {
      out.status = ec == http::error::body_limit || ec == http::error::header_limit ? 413 : 400;
      out.content_type = "text/plain; charset=utf-8";
      out.body = ec.message() + "\n";
    } else {
      auto& req = parser.get();
      keep = req.keep_alive();
      version = req.version();
      if (!limit.allow(peer, cost_of(std::string_view(req.target().data(), req.target().size())))) {
        out.status = 429;
        out.content_type = "text/plain; charset=utf-8";
        out.body = "too many requests\n";
        out.headers.push_back({"Retry-After", "1"});
      } else {
        HttpRequest in;
        in.peer = peer;
        in.method = std::string(req.method_string());
        in.target = std::string(req.target());
        for (auto& f : req) in.headers[ascii_lower(std::string(f.name_string()))] = std::string(f.value());
        in.body = req.body();
        out = console.handle(in);
        if (in.method == "HEAD") out.body.clear();
        spdlog::debug("{} {} {} -> {}", peer, in.method, in.target, out.status);
      }
    }
    http::response<http::string_body> res{static_cast<http::status>(out.status), version};
    res.set(http::field::server, "govaudit");
    // Beast sends a value as it is given: one with a control character inside would split the head.
    auto clean = [&](const std::string& v) {
      if (std::none_of(v.begin(), v.end(), is_control)) return true;
      spdlog::error("console: a header value with a control character was not sent ({} {})", out.status, peer);
      return false;
    };
    if (out.status != 303) res.set(http::field::content_type, clean(out.content_type) ? out.content_type : "text/plain; charset=utf-8");
    for (auto& [k, v] : out.headers)
      if (clean(k) && clean(v)) res.set(k, v);
    res.body() = std::move(out.body);
    res.keep_alive(keep);
    res.prepare_payload();
    co_await http::async_write(stream, res, asio::redirect_error(asio::use_awaitable, ec));
    if (ec || !keep) break;
  }
}

asio::awaitable<void> session(tcp::socket socket, std::string peer, Console& console, RateLimit& limit, Clients& clients, ssl::context* tls) {
  struct Leave {
    Clients& c;
    const std::string& who;
    ~Leave() { c.leave(who); }
  } leave{clients, peer};
  boost::system::error_code ec;
  if (!tls) {
    beast::tcp_stream stream(std::move(socket));
    co_await exchange(stream, peer, console, limit);
    stream.socket().shutdown(tcp::socket::shutdown_send, ec);
    co_return;
  }
  beast::ssl_stream<beast::tcp_stream> stream(beast::tcp_stream(std::move(socket)), *tls);
  beast::get_lowest_layer(stream).expires_after(std::chrono::seconds(10));
  co_await stream.async_handshake(ssl::stream_base::server, asio::redirect_error(asio::use_awaitable, ec));
  if (ec) {  // a plain-HTTP client, a scanner, a certificate the browser refused
    spdlog::debug("console: TLS handshake with {} failed: {}", peer, ec.message());
    co_return;
  }
  co_await exchange(stream, peer, console, limit);
  beast::get_lowest_layer(stream).expires_after(std::chrono::seconds(5));
  co_await stream.async_shutdown(asio::redirect_error(asio::use_awaitable, ec));
}

asio::awaitable<void> accept(tcp::acceptor& acceptor, Console& console, RateLimit& limit, Clients& clients, ssl::context* tls) {
  for (;;) {
    boost::system::error_code ec;
    tcp::socket s = co_await acceptor.async_accept(asio::redirect_error(asio::use_awaitable, ec));
    if (ec) {  // out of descriptors (EMFILE/ENFILE) or the like: wait instead of spinning on it
      spdlog::warn("console: cannot accept a connection: {}", ec.message());
      asio::steady_timer pause(acceptor.get_executor(), std::chrono::milliseconds(200));
      co_await pause.async_wait(asio::redirect_error(asio::use_awaitable, ec));
      continue;
    }
    auto ep = s.remote_endpoint(ec);
    std::string peer = ec ? "?" : ep.address().to_string();
    if (!clients.admit(peer)) {
      s.close(ec);
      continue;
    }
    asio::co_spawn(acceptor.get_executor(), session(std::move(s), std::move(peer), console, limit, clients, tls), asio::detached);
  }
}

}  // namespace

void serve_console(const ServeOptions& o, Campaign& store, const Config& config, ReportLoader reports) {
  auto colon = o.listen.rfind(':');
  if (colon == std::string::npos) throw std::invalid_argument("--listen: HOST:PORT expected, got " + o.listen);
  std::string host = o.listen.substr(0, colon);
  if (host.size() > 2 && host.front() == '[' && host.back() == ']') host = host.substr(1, host.size() - 2);
  boost::system::error_code ec;
  auto addr = asio::ip::make_address(host, ec);
  if (ec) throw std::invalid_argument("--listen: not an IP address: " + host);
  int port = std::atoi(o.listen.c_str() + colon + 1);
  if (port <= 0 || port > 65535) throw std::invalid_argument("--listen: bad port in " + o.listen);

  ConsoleOptions co;
  if (!o.token_file.empty()) {
    std::ifstream in(o.token_file);
    if (!in) throw std::invalid_argument("--token-file: cannot read " + o.token_file.string());
    std::getline(in, co.token);
    while (!co.token.empty() && (co.token.back() == '\r' || co.token.back() == ' ')) co.token.pop_back();
    if (co.token.size() < 16) throw std::invalid_argument("--token-file: the token must be at least 16 characters");
  } else if (!addr.is_loopback() && store.accounts().empty()) {
    throw std::invalid_argument("--listen " + o.listen + " is reachable from other machines: add accounts (govaudit user add) or give --token-file (see README)");
  }
  if (addr.is_loopback())  // a page of another site cannot reach the console through a rebound name
    for (const char* name : {"127.0.0.1", "localhost", "[::1]"}) co.hosts.insert(std::string(name) + ":" + std::to_string(port));
  co.warc_root = o.warc_root;
  co.session_idle = o.session_idle;
  co.session_max = o.session_max;
  std::unique_ptr<ssl::context> tls;
  if (o.tls_cert.empty() != o.tls_key.empty()) throw std::invalid_argument("--tls-cert and --tls-key go together");
  if (!o.tls_cert.empty()) {
    tls = std::make_unique<ssl::context>(ssl::context::tls_server);
    tls->set_options(ssl::context::default_workarounds | ssl::context::no_sslv2 | ssl::context::no_sslv3 | ssl::context::no_tlsv1 |
                     ssl::context::no_tlsv1_1 | ssl::context::single_dh_use);
    try {
      tls->use_certificate_chain_file(o.tls_cert.string());
      tls->use_private_key_file(o.tls_key.string(), ssl::context::pem);
    } catch (const boost::system::system_error& e) {
      throw std::invalid_argument("--tls-cert/--tls-key: cannot use " + o.tls_cert.filename().string() + " and " +
                                  o.tls_key.filename().string() + " (" + e.code().message() + ")");
    }
    co.secure_cookies = true;
  } else if (!addr.is_loopback()) {
    spdlog::warn("console: {} is served without TLS: tokens and session cookies cross the network in clear (give --tls-cert and --tls-key)", o.listen);
  }
  Console console(store, config, co, std::move(reports));
  RateLimit limit(o.requests_per_second);
  Clients clients;
  asio::io_context io(1);
  tcp::acceptor acceptor(io);
  tcp::endpoint ep(addr, static_cast<unsigned short>(port));
  acceptor.open(ep.protocol());
  acceptor.set_option(tcp::acceptor::reuse_address(true));
  acceptor.bind(ep);
  acceptor.listen();
  asio::co_spawn(io, accept(acceptor, console, limit, clients, tls.get()), asio::detached);
  asio::signal_set stop(io, SIGINT, SIGTERM);
  stop.async_wait([&](auto, int) { io.stop(); });
  auto accounts = store.accounts().size();
  spdlog::info("console on {}://{}/ over {}{}", tls ? "https" : "http", o.listen, o.db,
               accounts ? " (" + std::to_string(accounts) + " accounts)" : co.token.empty() ? " (open: loopback only, no accounts)" : " (token required)");
  io.run();
}

}  // namespace govaudit
