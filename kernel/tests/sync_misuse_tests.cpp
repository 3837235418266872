// Deliberate misuse that must panic with a clear message (KTEST_MANUAL: each ends the boot;
// tests/qemu/boot_tests.py runs them one per boot and checks the message).
#include <libk/optional.hpp>

#include "ktest.hpp"
#include "sched/scheduler.hpp"
#include "sched/wait_queue.hpp"
#include "sync/mutex.hpp"
#include "sync/spinlock.hpp"

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

constinit SpinLock misuse_spinlock{"misuse", lock_rank::kLeaf};
constinit WaitQueue misuse_queue;

void take_spinlock_twice() NO_THREAD_SAFETY_ANALYSIS {
  SpinLockGuard first(misuse_spinlock);
  SpinLockGuard second(misuse_spinlock);  // panics: recursion, naming this function
}

void wake_without_the_lock() NO_THREAD_SAFETY_ANALYSIS { (void)misuse_queue.wake_one_locked(); }

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

KTEST_MANUAL("sync.spinlock.recursion_panics") {
  take_spinlock_twice();
  KEXPECT(!"a second acquisition returned");
}

// The compiler rejects this call without the lock; debug builds also catch it at run time.
KTEST_MANUAL("sync.locked_function_without_lock_panics") {
  wake_without_the_lock();
  KEXPECT(!EMBER_DEBUG_ASSERTS);  // a release build has no run-time check to stop it
}

// A libk contract (here: reading an empty Optional) ends in a kernel panic naming it.
KTEST_MANUAL("libk.verify_failure_panics") {
  libk::Optional<int> none;
  KEXPECT(none.value() == 0);
  KEXPECT(!"reading an empty Optional returned");
}

}  // namespace kernel
