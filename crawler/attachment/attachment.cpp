#include "crawler/attachment/attachment.hpp"

#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>

#include "crawler/attachment/attachment_wire.hpp"
#include "model/strings.hpp"

namespace govaudit::attachment {

namespace wire {
namespace {
bool wait_fd(int fd, short events, Deadline deadline) {
  while (true) {
    auto left = std::chrono::ceil<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now()).count();
    if (left <= 0) return false;
    pollfd p{fd, events, 0};
    int r = poll(&p, 1, int(left));
    if (r < 0 && errno == EINTR) continue;
    return r > 0;
  }
}
}  // namespace

bool send_all(int fd, const void* data, size_t n, Deadline deadline) {
  auto* p = static_cast<const char*>(data);
  while (n > 0) {
    if (!wait_fd(fd, POLLOUT, deadline)) return false;
    ssize_t k = ::send(fd, p, n, MSG_NOSIGNAL);
    if (k < 0 && (errno == EINTR || errno == EAGAIN)) continue;
    if (k <= 0) return false;
    p += k;
    n -= size_t(k);
  }
  return true;
}
bool recv_all(int fd, void* data, size_t n, Deadline deadline) {
  auto* p = static_cast<char*>(data);
  while (n > 0) {
    if (!wait_fd(fd, POLLIN, deadline)) return false;
    ssize_t k = ::recv(fd, p, n, 0);
    if (k < 0 && (errno == EINTR || errno == EAGAIN)) continue;
    if (k <= 0) return false;
    p += k;
    n -= size_t(k);
  }
  return true;
}
bool send_string(int fd, std::string_view s, Deadline d) {
  std::uint64_t n = s.size();
  return send_all(fd, &n, sizeof n, d) && send_all(fd, s.data(), s.size(), d);
}
bool recv_string(int fd, std::string& s, std::uint64_t max, Deadline d) {
  std::uint64_t n = 0;
  if (!recv_all(fd, &n, sizeof n, d) || n > max) return false;
  s.resize(n);
  return recv_all(fd, s.data(), n, d);
}

}  // namespace wire

std::string format_of(std::string_view ext, std::string_view content_type) {
  std::string e = ascii_lower(ext);
  for (const char* f : {"xlsx", "docx", "pdf", "csv", "txt"})
    if (e == f) return f;
  std::string ct = ascii_lower(content_type);
  if (ct.find("spreadsheetml.sheet") != std::string::npos) return "xlsx";
  if (ct.find("wordprocessingml.document") != std::string::npos) return "docx";
  if (ct.find("application/pdf") != std::string::npos) return "pdf";
  if (ct.find("text/csv") != std::string::npos) return "csv";
  if (ct.find("text/plain") != std::string::npos) return "txt";
  return "";
}

namespace {

using namespace wire;

// The reader program: GOVAUDIT_READER (the test programs, which run from elsewhere in the build
// tree, set it), else beside this one (built and installed together).
std::string reader_path() {
  if (const char* env = std::getenv("GOVAUDIT_READER"); env && *env) return env;
  std::error_code ec;
  return (std::filesystem::read_symlink("/proc/self/exe", ec).parent_path() / "govaudit-reader").string();
}

// One reader child per calling thread, started on first use and again after it failed.
class Helper {
 public:
  ~Helper() { stop(); }
  Text read(std::string_view body, std::string_view format, const Limits& limits) {
    Text t;
    if (pid_ < 0)
      if (std::string why = start(); !why.empty()) {
        t.note = "not read: cannot start the reader: " + why;
        return t;
      }
    auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(limits.timeout_ms);
    char ok = 0;
    if (send_all(fd_, &limits, sizeof limits, deadline) && send_string(fd_, format, deadline) && send_string(fd_, body, deadline) && recv_all(fd_, &ok, 1, deadline) &&
        recv_string(fd_, t.note, 1 << 20, deadline) && recv_string(fd_, t.text, std::uint64_t(limits.max_text) + 16, deadline)) {
      t.read = ok == 1;
      return t;
    }
    bool late = std::chrono::steady_clock::now() >= deadline;
    int status = stop();
    int sig = WIFSIGNALED(status) ? WTERMSIG(status) : 0;
    t = Text{};
    t.note = late                            ? "not read: the reader took longer than " + std::to_string(limits.timeout_ms) + " ms"
             : sig == SIGXCPU                ? "not read: the reader used too much time"
             : sig                           ? "not read: the reader failed on this file (signal " + std::to_string(sig) + ")"
                                             : "not read: the reader failed on this file";
    return t;
  }

 private:
  // The child is the reader program (govaudit-reader), a process image of its own: it inherits no
  // lock another thread held, as a bare fork would, and none of this program's memory.
  // "" once it runs, else why not.
  std::string start() {
    int sv[2];
    if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) != 0) return std::strerror(errno);
    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_adddup2(&fa, sv[1], 3);  // the duplicate loses close-on-exec
    std::string path = reader_path();
    char name[] = "govaudit-reader";
    char* argv[] = {name, nullptr};
    pid_t pid = -1;
    int rc = posix_spawn(&pid, path.c_str(), &fa, nullptr, argv, environ);
    posix_spawn_file_actions_destroy(&fa);
    close(sv[1]);
    if (rc != 0) {
      close(sv[0]);
      return path + ": " + std::strerror(rc);
    }
    pid_ = pid;
    fd_ = sv[0];
    return "";
  }
  // Ends the child; its wait status.
  int stop() {
    int status = 0;
    if (fd_ >= 0) close(fd_);
    if (pid_ > 0) {
      kill(pid_, SIGKILL);
      while (waitpid(pid_, &status, 0) < 0 && errno == EINTR) {
      }
    }
    fd_ = pid_ = -1;
    return status;
  }
  pid_t pid_ = -1;
  int fd_ = -1;
};

}  // namespace

Text read_isolated(std::string_view body, std::string_view format, const Limits& limits) {
  thread_local Helper helper;
  return helper.read(body, format, limits);
}

}  // namespace govaudit::attachment
