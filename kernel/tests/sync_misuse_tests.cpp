// Deliberate misuse that must panic with a clear message (KTEST_MANUAL: each ends the boot;
// tests/qemu/boot_tests.py runs them one per boot and checks the message).
#include "ktest.hpp"
#include "sched/scheduler.hpp"
#include "sync/mutex.hpp"

namespace kernel {

namespace {

constinit Mutex misuse_mutex{"misuse"};

// The compiler's lock analysis rejects these patterns (that is its job): these functions
// make the mistakes on purpose, so that the run-time checks can be seen to catch them.
void unlock_someone_elses(void*) NO_THREAD_SAFETY_ANALYSIS { misuse_mutex.unlock(); }
void lock_twice() NO_THREAD_SAFETY_ANALYSIS {
  misuse_mutex.lock();
  misuse_mutex.lock();  // panics: "mutex "misuse": thread 1 "main" locks it again ..."
}
void lock_and_keep() NO_THREAD_SAFETY_ANALYSIS { misuse_mutex.lock(); }

}  // namespace

KTEST_MANUAL("sync.mutex.relock_panics") {
  lock_twice();
  KEXPECT(!"a second lock() returned");
}

KTEST_MANUAL("sync.mutex.unlock_by_non_owner_panics") {
  lock_and_keep();
  ThreadOptions high;
  high.priority = sched::kDefaultPriority + 1;  // runs at once
  auto r = thread::create("intruder", unlock_someone_elses, nullptr, high);
  KEXPECT(r.ok());
  KEXPECT(!"the intruder's unlock() returned");
}

}  // namespace kernel
