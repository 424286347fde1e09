// Frontier entries and the host queues that hold them in bounded memory (task.hpp).
#include "crawler/engine/task.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <spdlog/spdlog.h>
#include <stdexcept>

namespace govaudit::engine {

const char* mode_name(Mode m) {
  return m == Mode::Home ? "home" : m == Mode::Page ? "page" : m == Mode::Check ? "check" : "probe";
}

Mode mode_of(const std::string& s) {
  return s == "home" ? Mode::Home : s == "check" ? Mode::Check : s == "probe" ? Mode::Probe : Mode::Page;
}

Task make_task(int site, const std::string& u, int depth, Mode mode, bool head) {
  Task t;
  t.site = site;
  t.url = u;
  t.depth = depth;
  t.mode = mode;
  t.head = head;
  return t;
}

namespace {
// A spilled task: its scalars, then its URL.
struct Head {
  std::int32_t site, depth, attempt;
  std::int8_t mode, family, head;
  std::uint8_t purpose;
  std::uint32_t url_bytes;
};
}  // namespace

bool SpillFile::spillable(const Task& t) {
  return !t.prior && !t.asking && !t.style && t.origin.empty() && t.chain.empty() && !t.exchange;
}

SpillFile::~SpillFile() {
  if (fd_ >= 0) ::close(fd_);
}

std::int64_t SpillFile::put(const Task& t) {
  if (failed_) return -1;
  if (fd_ == kUnopened) {
    const char* dir = std::getenv("TMPDIR");
    std::string path = std::string(dir && *dir ? dir : "/tmp") + "/govaudit-frontier-XXXXXX";
    fd_ = ::mkstemp(path.data());
    if (fd_ >= 0) ::unlink(path.c_str());  // gone with the process
  }
  if (fd_ < 0) {
    failed_ = true;
    spdlog::warn("the frontier's spill file could not be made ({}): queued URLs stay in memory", std::strerror(errno));
    return -1;
  }
  std::int64_t at = flushed_ + std::int64_t(tail_.size());
  Head h{t.site, t.depth, t.attempt, std::int8_t(t.mode), t.family, std::int8_t(t.head), std::uint8_t(t.purpose),
         std::uint32_t(t.url.size())};
  tail_.append(reinterpret_cast<const char*>(&h), sizeof h).append(t.url);
  ++spilled;
  if (tail_.size() >= (64u << 10)) flush();
  return at;
}

// Written in blocks; a block that cannot be written stays in `tail_` (nothing is lost), and no
// more tasks spill.
void SpillFile::flush() {
  size_t done = 0;
  while (done < tail_.size()) {
    ssize_t n = ::pwrite(fd_, tail_.data() + done, tail_.size() - done, flushed_ + std::int64_t(done));
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      failed_ = true;
      spdlog::warn("the frontier's spill file could not be written ({}): queued URLs stay in memory", std::strerror(errno));
      tail_.erase(0, done);
      flushed_ += std::int64_t(done);
      return;
    }
    done += size_t(n);
  }
  flushed_ += std::int64_t(tail_.size());
  tail_.clear();
}

Task SpillFile::get(std::int64_t at) {
  Head h{};
  std::string url;
  auto read = [&](char* to, size_t n, std::int64_t from) {
    if (from >= flushed_) {
      std::memcpy(to, tail_.data() + (from - flushed_), n);
      return;
    }
    for (size_t done = 0; done < n;) {
      ssize_t got = ::pread(fd_, to + done, n - done, from + std::int64_t(done));
      if (got < 0 && errno == EINTR) continue;
      if (got <= 0) throw std::runtime_error(std::string("the frontier's spill file could not be read: ") + std::strerror(errno));
      done += size_t(got);
    }
  };
  read(reinterpret_cast<char*>(&h), sizeof h, at);
  url.resize(h.url_bytes);
  read(url.data(), url.size(), at + std::int64_t(sizeof h));
  Task t = make_task(h.site, url, h.depth, Mode(h.mode), h.head != 0);
  t.attempt = h.attempt;
  t.family = h.family;
  t.purpose = ProbePurpose(h.purpose);
  if (--spilled == 0 && !failed_) {  // all taken back: the file starts again
    if (fd_ >= 0 && ::ftruncate(fd_, 0) == 0) flushed_ = 0;
    if (flushed_ == 0) tail_.clear();
  }
  return t;
}

TaskQueue::~TaskQueue() {
  if (file_) file_->in_memory -= memory_.size(), file_->spilled -= spilled_.size();
}

// Behind tasks already spilled, a plain task spills too; one that cannot (a retry's redirect
// chain …) stays in memory and goes before them: order within a host is politeness, not meaning.
void TaskQueue::push_back(Task t) {
  if (file_ && SpillFile::spillable(t) &&
      (!spilled_.empty() || (file_->in_memory >= file_->bound() && memory_.size() >= kKept)))
    if (auto at = file_->put(t); at >= 0) {
      spilled_.push_back(at);
      return;
    }
  memory_.push_back(std::move(t));
  if (file_) ++file_->in_memory;
}

void TaskQueue::push_front(Task t) {
  memory_.push_front(std::move(t));
  if (file_) ++file_->in_memory;
}

void TaskQueue::refill() {
  for (size_t n = 0; n < kRefill && !spilled_.empty(); ++n) {
    memory_.push_back(file_->get(spilled_.front()));
    spilled_.pop_front();
    ++file_->in_memory;
  }
}

Task& TaskQueue::front() {
  if (memory_.empty()) refill();
  return memory_.front();
}

void TaskQueue::pop_front() {
  front();
  memory_.pop_front();
  if (file_) --file_->in_memory;
}

}  // namespace govaudit::engine
