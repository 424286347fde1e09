#pragma once
// A frontier entry (Task), and a host's waiting tasks, first in, first out, in bounded memory.
// Once the crawl holds crawl.frontier_in_memory tasks in memory, a host past its first few sends
// plain tasks (pages and checks as discovered: no redirect chain, no evidence, no earlier answer,
// no one waiting on them) to the crawl's spill file and keeps their offsets, 8 bytes where a queued
// task and its URL held ~450: a large portal queues tens of thousands of URLs at once. They come
// back in order as the host's queue drains. A spill file that cannot be written leaves tasks in
// memory (and says so once).
#include <cstdint>
#include <deque>
#include <memory>
#include <string>
#include <vector>

#include "model/kinds.hpp"
#include "model/records.hpp"
#include "storage/prior_crawl.hpp"
#include "storage/warc.hpp"

namespace govaudit::engine {

// Home/Page: crawled and parsed; Check: an attachment or other host's link, only asked whether it
// answers; Probe: fetched over one IP family for the IPv6 measurements.
enum class Mode : std::int8_t { Home, Page, Check, Probe };
const char* mode_name(Mode m);
Mode mode_of(const std::string& s);

// A frontier entry: thousands wait in host queues, so the scalars are packed together and what
// only redirects and probes need stays empty (bench/frontier measures the bytes per queued URL).
struct Task {
  int site = 0;
  int depth = 0;
  int attempt = 0;
  Mode mode = Mode::Page;
  std::int8_t family = 0;  // Probe: 4 or 6
  bool head = false;
  bool asking = false;   // Check: this task fetches the answer others of the same URL wait for
  bool style = false;    // Check: a stylesheet that pages wait for before their parse
  const PriorPage* prior = nullptr;  // Page: asked with the validators of the earlier crawl's page
  std::string url;
  std::string origin;    // first URL of a redirect chain, once one is followed
  ProbePurpose purpose = ProbePurpose::Homepage;  // Probe only
  std::vector<Redirect> chain;
  std::shared_ptr<Exchange> exchange;  // the last answer, as WARC evidence
  const std::string& first_url() const { return origin.empty() ? url : origin; }
};

Task make_task(int site, const std::string& u, int depth, Mode mode, bool head);

class SpillFile {
 public:
  // An unnamed temporary file, made when first needed, once `bound` tasks are held in memory.
  explicit SpillFile(size_t bound) : bound_(bound) {}
  SpillFile(size_t bound, int fd) : bound_(bound), fd_(fd) {}  // tests: a given file (< 0: one that fails)
  size_t bound() const { return bound_; }
  ~SpillFile();
  SpillFile(const SpillFile&) = delete;
  SpillFile& operator=(const SpillFile&) = delete;

  static bool spillable(const Task& t);
  // Where `t` now is, or -1 when it could not be written.
  std::int64_t put(const Task& t);
  Task get(std::int64_t at);

  size_t in_memory = 0;  // tasks the queues hold in memory
  size_t spilled = 0;    // tasks in the file, not yet taken back

 private:
  void flush();
  static constexpr int kUnopened = -2;
  size_t bound_;
  int fd_ = kUnopened;
  bool failed_ = false;
  std::int64_t flushed_ = 0;  // bytes in the file; `tail_` follows them
  std::string tail_;
};

class TaskQueue {
 public:
  static constexpr size_t kKept = 32;     // a host's tasks kept in memory while the crawl spills
  static constexpr size_t kRefill = 256;  // taken back at once
  explicit TaskQueue(SpillFile* file = nullptr) : file_(file) {}
  ~TaskQueue();
  TaskQueue(const TaskQueue&) = delete;
  TaskQueue& operator=(const TaskQueue&) = delete;
  void attach(SpillFile* file) { file_ = file; }

  bool empty() const { return memory_.empty() && spilled_.empty(); }
  size_t size() const { return memory_.size() + spilled_.size(); }
  size_t in_memory() const { return memory_.size(); }
  Task& front();
  void pop_front();
  void push_back(Task t);
  void push_front(Task t);  // retries and redirect hops: in memory, first

 private:
  std::deque<Task> memory_;
  void refill();
  std::deque<std::int64_t> spilled_;  // after `memory_`, in order
  SpillFile* file_ = nullptr;
};

}  // namespace govaudit::engine
