#include "crawler/net/fd_watch.hpp"

#include <poll.h>

#include <boost/asio/post.hpp>

namespace govaudit {

namespace asio = boost::asio;

std::shared_ptr<FdWatch> FdWatch::make(asio::io_context& io, int fd, Ready on_ready) {
  return std::shared_ptr<FdWatch>(new FdWatch(io, fd, std::move(on_ready)));
}

FdWatch::FdWatch(asio::io_context& io, int fd, Ready on_ready) : io_(io), d_(io, fd), fd_(fd), on_ready_(std::move(on_ready)) {}

FdWatch::~FdWatch() { release(); }

void FdWatch::release() {
  if (released_) return;
  released_ = true;
  d_.release();  // cancels pending waits without closing the fd
}

void FdWatch::want(int events) { want_ = events; }

int FdWatch::ready_now() const {
  pollfd p{fd_, short(((want_ & kRead) ? POLLIN : 0) | ((want_ & kWrite) ? POLLOUT : 0)), 0};
  if (!p.events || ::poll(&p, 1, 0) <= 0) return 0;
  int ev = 0;
  if (p.revents & (POLLIN | POLLHUP)) ev |= kRead;
  if (p.revents & POLLOUT) ev |= kWrite;
  if (p.revents & POLLERR) ev |= kError;
  return ev;
}

void FdWatch::arm() {
  if (released_) return;
  if (int ev = ready_now(); ev && immediate_ < 10000) {
    ++immediate_;
    asio::post(io_, [self = shared_from_this(), ev] { self->act(ev); });
    return;
  }
  immediate_ = 0;
  if ((want_ & kRead) && !reading_) {
    reading_ = true;
    d_.async_wait(asio::posix::stream_descriptor::wait_read, [self = shared_from_this()](auto ec) {
      self->reading_ = false;
      if (!ec) self->act(kRead);
    });
  }
  if ((want_ & kWrite) && !writing_) {
    writing_ = true;
    d_.async_wait(asio::posix::stream_descriptor::wait_write, [self = shared_from_this()](auto ec) {
      self->writing_ = false;
      if (!ec) self->act(kWrite);
    });
  }
}

void FdWatch::act(int events) {
  if (released_) return;
  auto keep = shared_from_this();  // the callback may drop the owner's reference
  on_ready_(events);
  arm();  // the action may have changed what the library waits for, or released the watch
}

}  // namespace govaudit
