#pragma once
// Thread priority for work that must not keep the event loop waiting.

namespace govaudit {

// Marks the calling thread as background work (SCHED_BATCH, nice 5), once per thread: on a machine
// with few cores the event loop then gets the CPU as soon as a transfer needs it, instead of
// waiting behind parsing and writing.
void background_thread();

}  // namespace govaudit
