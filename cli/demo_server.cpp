#include "cli/demo_server.hpp"

#include <utility>  // before Asio: Boost 1.74 awaitable.hpp needs std::exchange
#include <atomic>
#include <boost/asio.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <future>
#include <mutex>
#include <map>
#include <thread>

namespace govaudit {

namespace asio = boost::asio;
namespace http = boost::beast::http;
using tcp = asio::ip::tcp;

struct DemoServer::Impl {
  DemoRoutes routes, routes_v6;
  std::map<std::string, int> hits;  // host + path -> requests, for fail_every
  std::vector<std::string> any;
  asio::io_context io;
  tcp::acceptor a4{io}, a6{io};
  bool v6 = false;
  std::atomic<size_t> count{0};
  mutable std::mutex by_host_mutex;
  std::map<std::string, size_t> by_host;
  std::thread thread;

  void accept(tcp::acceptor& a) {
    a.async_accept([this, &a](boost::system::error_code ec, tcp::socket s) {
      if (ec) return;
      serve(std::make_shared<tcp::socket>(std::move(s)));
      accept(a);
    });
  }

  void serve(std::shared_ptr<tcp::socket> s) { serve_next(s, std::make_shared<boost::beast::flat_buffer>()); }

  void serve_next(std::shared_ptr<tcp::socket> s, std::shared_ptr<boost::beast::flat_buffer> buf) {
    auto req = std::make_shared<http::request<http::string_body>>();
    http::async_read(*s, *buf, *req, [this, s, buf, req](boost::system::error_code ec, size_t) {
      if (ec) return;
      ++count;
      bool v6 = s->local_endpoint().address().is_v6();
      auto res = std::make_shared<http::response<http::string_body>>(respond(*req, v6));
      if (res->result_int() == 444) {  // like nginx's 444: close without answering
        boost::system::error_code ig;
        s->shutdown(tcp::socket::shutdown_both, ig);
        return;
      }
      http::async_write(*s, *res, [this, s, buf, res](boost::system::error_code ec2, size_t) {
        if (ec2 || res->need_eof()) {
          boost::system::error_code ig;
          s->shutdown(tcp::socket::shutdown_both, ig);
          return;
        }
        serve_next(s, buf);
      });
    });
  }

  http::response<http::string_body> respond(const http::request<http::string_body>& req, bool v6) {
    std::string host(req[http::field::host]);
    if (auto c = host.rfind(':'); c != std::string::npos && host.find(']') == std::string::npos) host.resize(c);
    {
      std::lock_guard lock(by_host_mutex);
      ++by_host[host];
    }
    std::string target(req.target());
    http::response<http::string_body> res;
    res.version(req.version());
    res.keep_alive(req.keep_alive());
    res.set(http::field::server, "govaudit-demo");
    const DemoResponse* r = nullptr;
    if (v6)
      if (auto h = routes_v6.find(host); h != routes_v6.end())
        if (auto p = h->second.find(target); p != h->second.end()) r = &p->second;
    if (auto h = routes.find(host); !r && h != routes.end()) {
      if (auto p = h->second.find(target); p != h->second.end()) r = &p->second;
      // A route serves its path whatever the query (a search page), unless the query has its own.
      else if (auto q = h->second.find(target.substr(0, target.find('?'))); q != h->second.end()) r = &q->second;
    }
    DemoResponse any_page{200, "text/html; charset=utf-8", "<html><body>ok</body></html>", ""};
    if (!r && std::find(any.begin(), any.end(), host) != any.end()) r = &any_page;
    if (!r) {
      res.result(http::status::not_found);
      res.set(http::field::content_type, "text/html");
      res.body() = "<html><body>404 Not Found</body></html>";
    } else if (r->fail_every > 0 && ++hits[host + target] % r->fail_every == 0) {
      res.result(http::status::service_unavailable);
      res.set(http::field::content_type, "text/html");
      res.body() = "<html><body>503</body></html>";
    } else {
      res.result(static_cast<http::status>(r->status));
      res.set(http::field::content_type, r->content_type);
      if (!r->location.empty()) res.set(http::field::location, r->location);
      if (req.method() != http::verb::head) res.body() = r->body;
    }
    res.prepare_payload();
    if (req.method() == http::verb::head) res.body().clear();
    return res;
  }
};

void DemoServer::set_routes(DemoRoutes routes, std::vector<std::string> any_hosts, DemoRoutes v6_routes) {
  std::promise<void> done;
  asio::post(impl_->io, [this, &done, r = std::move(routes), a = std::move(any_hosts), v6 = std::move(v6_routes)]() mutable {
    impl_->routes = std::move(r);
    impl_->routes_v6 = std::move(v6);
    impl_->any = std::move(a);
    done.set_value();
  });
  done.get_future().wait();
}

DemoServer::DemoServer() : impl_(std::make_unique<Impl>()) {
  auto& a4 = impl_->a4;
  tcp::endpoint e4(asio::ip::make_address("127.0.0.1"), 0);
  a4.open(e4.protocol());
  a4.set_option(tcp::acceptor::reuse_address(true));
  a4.bind(e4);
  a4.listen();
  unsigned short port = a4.local_endpoint().port();
  try {
    auto& a6 = impl_->a6;
    tcp::endpoint e6(asio::ip::make_address("::1"), port);
    a6.open(e6.protocol());
    a6.set_option(asio::ip::v6_only(true));
    a6.set_option(tcp::acceptor::reuse_address(true));
    a6.bind(e6);
    a6.listen();
    impl_->v6 = true;
    impl_->accept(a6);
  } catch (const std::exception&) {
    impl_->v6 = false;  // no IPv6 loopback here: serve IPv4 only
  }
  impl_->accept(a4);
  impl_->thread = std::thread([this] { impl_->io.run(); });
}

DemoServer::~DemoServer() {
  impl_->io.stop();
  impl_->thread.join();
}

unsigned short DemoServer::port() const { return impl_->a4.local_endpoint().port(); }
bool DemoServer::has_v6() const { return impl_->v6; }
size_t DemoServer::requests() const { return impl_->count.load(); }
size_t DemoServer::requests_to(const std::string& host) const {
  std::lock_guard lock(impl_->by_host_mutex);
  auto it = impl_->by_host.find(host);
  return it == impl_->by_host.end() ? 0 : it->second;
}

}  // namespace govaudit
