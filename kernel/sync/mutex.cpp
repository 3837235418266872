#include "sync/mutex.hpp"

#include "panic.hpp"
#include "sched/scheduler.hpp"

namespace kernel {

namespace {

using LockResult = sched::MutexCore::LockResult;
using UnlockResult = sched::MutexCore::UnlockResult;

Thread* as_thread(sched::Entity* e) { return static_cast<Thread*>(e); }

}  // namespace

void Mutex::report_relock() const {
  Thread& self = Scheduler::current();
  PANIC("mutex \"{}\": thread {} \"{}\" locks it again while holding it (self-deadlock)", name_,
        self.id(), self.name());
}

void Mutex::lock() {
  Scheduler::check_can_block("mutex lock");
  SpinLockGuard guard(scheduler_lock);
  Thread& self = Scheduler::current();
  switch (core_.lock(self)) {
    case LockResult::Acquired: return;
    case LockResult::AlreadyOwner: report_relock();
    case LockResult::MustWait: break;
  }
  ++contended_;
  Scheduler::block_locked();
  // Woken by unlock's hand-off: the mutex is ours already.
  VERIFY(core_.owner() == &self);
}

bool Mutex::try_lock() {
  SpinLockGuard guard(scheduler_lock);
  LockResult r = core_.try_lock(Scheduler::current());
  if (r == LockResult::AlreadyOwner) report_relock();
  return r == LockResult::Acquired;
}

void Mutex::unlock_locked() {
  scheduler_lock.assert_held();
  Thread& self = Scheduler::current();
  switch (core_.unlock(self)) {
    case UnlockResult::Released: return;
    case UnlockResult::HandedOff: Scheduler::wake_locked(*as_thread(core_.owner())); return;
    case UnlockResult::NotOwner: break;
  }
  report_not_owner("unlocks it");
}

// Reads the owner without the lock: the report only names it.
void Mutex::report_not_owner(const char* what) const NO_THREAD_SAFETY_ANALYSIS {
  Thread& self = Scheduler::current();
  Thread* owner = as_thread(core_.owner());
  if (owner == nullptr)
    PANIC("mutex \"{}\": thread {} \"{}\" {}, but it is not locked", name_, self.id(), self.name(),
          what);
  PANIC("mutex \"{}\": thread {} \"{}\" {}, but thread {} \"{}\" holds it", name_, self.id(),
        self.name(), what, owner->id(), owner->name());
}

void Mutex::assert_held() const {
  if (!held_by_current()) report_not_owner("needs it held");
}

void Mutex::unlock() {
  {
    SpinLockGuard guard(scheduler_lock);
    unlock_locked();
  }
  Scheduler::preempt_if_needed();
}

// A snapshot, so no lock: the owner pointer changes only under the scheduler lock, and a
// thread comparing it with itself gets an exact answer (only it can make itself owner).
Thread* Mutex::owner() const NO_THREAD_SAFETY_ANALYSIS { return as_thread(core_.owner()); }

bool Mutex::held_by_current() const {
  return Scheduler::running() && owner() == &Scheduler::current();
}

}  // namespace kernel
