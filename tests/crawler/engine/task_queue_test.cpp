// Host queues in bounded memory: past the crawl's bound, plain tasks wait in the spill file and come
// back in order; tasks that cannot be spilled, and a spill file that cannot be written, lose nothing.
#include <gtest/gtest.h>

#include "crawler/engine/task.hpp"

using namespace govaudit;
using namespace govaudit::engine;

namespace {

std::string url(int i) { return "http://www.x.gov.cn/art/2025/" + std::to_string(i) + ".html"; }

std::vector<std::string> drain(TaskQueue& q) {
  std::vector<std::string> out;
  while (!q.empty()) {
    out.push_back(q.front().url);
    q.pop_front();
  }
  return out;
}

}  // namespace

TEST(TaskQueue, PastTheBoundPlainTasksWaitInTheFileAndComeBackInOrder) {
  SpillFile file(100);
  TaskQueue a(&file), b(&file);
  std::vector<std::string> want_a, want_b;
  for (int i = 0; i < 2000; ++i) {
    Task t = make_task(3, url(i), 2, i % 3 ? Mode::Page : Mode::Check, i % 3 == 0);
    t.attempt = i % 4;
    (i % 2 ? a : b).push_back(std::move(t));
    (i % 2 ? want_a : want_b).push_back(url(i));
  }
  EXPECT_EQ(a.size() + b.size(), 2000u);
  EXPECT_LE(file.in_memory, 100u + 2 * TaskQueue::kKept);  // the rest is in the file
  EXPECT_EQ(file.spilled, 2000u - file.in_memory);
  // Every field a spilled task needs comes back.
  Task& first = b.front();
  EXPECT_EQ(first.site, 3);
  EXPECT_EQ(first.depth, 2);
  EXPECT_EQ(first.mode, Mode::Check);
  EXPECT_TRUE(first.head);
  EXPECT_EQ(drain(a), want_a);
  EXPECT_EQ(drain(b), want_b);
  EXPECT_EQ(file.in_memory, 0u);
  EXPECT_EQ(file.spilled, 0u);
}

TEST(TaskQueue, RetriesGoFirstAndTasksThatCannotSpillStayInMemory) {
  SpillFile file(0);  // spill from the first task past a host's few
  TaskQueue q(&file);
  for (int i = 0; i < 100; ++i) q.push_back(make_task(0, url(i), 1, Mode::Page, false));
  Task hop = make_task(0, url(1000), 1, Mode::Page, false);
  hop.chain.push_back({url(999), 301});  // a redirect's next hop: not spilled
  q.push_back(hop);
  q.push_front(make_task(0, url(-1), 1, Mode::Page, false));  // a retry
  auto got = drain(q);
  ASSERT_EQ(got.size(), 102u);
  EXPECT_EQ(got.front(), url(-1));
  EXPECT_NE(std::find(got.begin(), got.end(), url(1000)), got.end());
  std::vector<std::string> plain;
  for (auto& u : got)
    if (u != url(-1) && u != url(1000)) plain.push_back(u);
  for (int i = 0; i < 100; ++i) EXPECT_EQ(plain[size_t(i)], url(i));
}

TEST(TaskQueue, ASpillFileThatCannotBeWrittenKeepsTasksInMemory) {
  SpillFile file(0, -1);
  TaskQueue q(&file);
  for (int i = 0; i < 200; ++i) q.push_back(make_task(0, url(i), 1, Mode::Page, false));
  EXPECT_EQ(file.spilled, 0u);
  EXPECT_EQ(q.in_memory(), 200u);
  auto got = drain(q);
  ASSERT_EQ(got.size(), 200u);
  EXPECT_EQ(got[199], url(199));
}
