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
  SpinLockGuard guard(Scheduler::lock());
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
  SpinLockGuard guard(Scheduler::lock());
  LockResult r = core_.try_lock(Scheduler::current());
  if (r == LockResult::AlreadyOwner) report_relock();
  return r == LockResult::Acquired;
}

void Mutex::unlock_locked() {
  Thread& self = Scheduler::current();
  switch (core_.unlock(self)) {
    case UnlockResult::Released: return;
    case UnlockResult::HandedOff: Scheduler::wake_locked(*as_thread(core_.owner())); return;
    case UnlockResult::NotOwner: break;
  }
  Thread* owner = as_thread(core_.owner());
  if (owner == nullptr)
    PANIC("mutex \"{}\": thread {} \"{}\" unlocks it, but it is not locked", name_, self.id(),
          self.name());
  PANIC("mutex \"{}\": thread {} \"{}\" unlocks it, but thread {} \"{}\" holds it", name_,
        self.id(), self.name(), owner->id(), owner->name());
}

void Mutex::unlock() {
  {
    SpinLockGuard guard(Scheduler::lock());
    unlock_locked();
  }
  Scheduler::preempt_if_needed();
}

Thread* Mutex::owner() const { return as_thread(core_.owner()); }

bool Mutex::held_by_current() const {
  return Scheduler::running() && core_.owner() == &Scheduler::current();
}

}  // namespace kernel
