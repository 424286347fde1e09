#include "model/threads.hpp"

#include <pthread.h>
#include <sched.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>

namespace govaudit {

void background_thread() {
  thread_local bool done = false;
  if (done) return;
  done = true;
  sched_param none{};
  pthread_setschedparam(pthread_self(), SCHED_BATCH, &none);
  setpriority(PRIO_PROCESS, pid_t(syscall(SYS_gettid)), 5);  // may fail (a container's limits): harmless
}

}  // namespace govaudit
