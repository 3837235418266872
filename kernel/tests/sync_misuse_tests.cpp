// Deliberate misuse that must panic with a clear message (KTEST_MANUAL: each ends the boot;
// tests/qemu/boot_tests.py runs them one per boot and checks the message).
#include "ktest.hpp"
#include "sched/scheduler.hpp"
#include "sync/mutex.hpp"

namespace kernel {

namespace {

constinit Mutex misuse_mutex{"misuse"};

void unlock_someone_elses(void*) { misuse_mutex.unlock(); }

}  // namespace

KTEST_MANUAL("sync.mutex.relock_panics") {
  misuse_mutex.lock();
  misuse_mutex.lock();  // panics: "mutex "misuse": thread 1 "main" locks it again ..."
  KEXPECT(!"a second lock() returned");
}

KTEST_MANUAL("sync.mutex.unlock_by_non_owner_panics") {
  misuse_mutex.lock();
  ThreadOptions high;
  high.priority = sched::kDefaultPriority + 1;  // runs at once
  auto r = thread::create("intruder", unlock_someone_elses, nullptr, high);
  KEXPECT(r.ok());
  KEXPECT(!"the intruder's unlock() returned");
}

}  // namespace kernel
