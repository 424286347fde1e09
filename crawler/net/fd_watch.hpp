#pragma once
// Watching a socket that another library owns (libcurl's transfers, c-ares' queries) on the
// io_context: the library says what it waits for, the watch says when the socket is ready.
// Asio's epoll reactor is edge-triggered and a wait queued after the edge never fires: data that
// arrived before the wait (or that the library left unread) would stall until a timeout. So the
// kernel is asked first, level-triggered, and the watch acts at once when the socket is ready.
// io_context thread only. The fd is never closed here: its library closes it.
#include <boost/asio/io_context.hpp>
#include <boost/asio/posix/stream_descriptor.hpp>

#include <functional>
#include <memory>

namespace govaudit {

class FdWatch : public std::enable_shared_from_this<FdWatch> {
 public:
  enum Events { kRead = 1, kWrite = 2, kError = 4 };
  // Called with the Events the socket is ready for; the watch re-arms itself afterwards unless
  // it was released meanwhile.
  using Ready = std::function<void(int events)>;

  static std::shared_ptr<FdWatch> make(boost::asio::io_context& io, int fd, Ready on_ready);
  ~FdWatch();
  FdWatch(const FdWatch&) = delete;
  FdWatch& operator=(const FdWatch&) = delete;

  // What the library waits for now (a mask of kRead and kWrite; 0: nothing, not yet released).
  void want(int events);
  // Waits (again) for what is wanted; acts at once when the socket is ready already.
  void arm();
  // The library is done with the fd (and closes it): pending waits end without acting.
  void release();

 private:
  FdWatch(boost::asio::io_context& io, int fd, Ready on_ready);
  void act(int events);
  int ready_now() const;

  boost::asio::io_context& io_;
  boost::asio::posix::stream_descriptor d_;
  int fd_;
  Ready on_ready_;
  int want_ = 0;
  bool reading_ = false, writing_ = false, released_ = false;
  int immediate_ = 0;  // consecutive actions taken without waiting (bounded: no busy loop)
};

}  // namespace govaudit
