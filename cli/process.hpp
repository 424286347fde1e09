#pragma once
// What the process sets up for itself, in one place: the allocator's settings (jemalloc's
// malloc_conf when built with it), giving freed memory back between the crawl and the audit, and
// the crash-testing hook.
namespace govaudit {

// Returns the allocator's free pages to the system (jemalloc purge, else glibc malloc_trim).
void release_free_memory();

// Crash testing: GOVAUDIT_FAULT=<point> kills the process with SIGKILL at that point, the way an
// OOM kill or a power cut would, so that tests can stop a run inside a given phase.
void fault_point(const char* point);

}  // namespace govaudit
