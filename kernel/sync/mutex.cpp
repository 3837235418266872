#include "sync/mutex.hpp"

#include <hal/cpu.hpp>

#include "cpu/percpu.hpp"
#include "panic.hpp"
#include "sched/scheduler.hpp"
#include "time.hpp"

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

// How long lock() spins for a mutex whose owner runs on another CPU before it queues and
// sleeps: a running owner will probably unlock soon, and sleeping costs the waiter a switch
// and the owner a wake-up IPI at unlock ("optimistic spinning"). Short, so that a thread
// that queues behind a spinner waits little longer than it would have.
constexpr u64 kSpinNs = 20 * time::kNsPerUs;

// True if `owner`, holding the mutex, runs on another CPU and nobody is queued for it: then
// spinning is cheaper than sleeping. A waiter that finds others queued takes its place in
// line, so the hand-off order among sleepers holds.
bool Mutex::worth_spinning_locked(const Thread* owner) const {
  scheduler_lock.assert_held();
  return owner != nullptr && core_.waiters().empty() &&
         owner->state() == sched::ThreadState::Running && owner->cpu() != this_cpu_index();
}

// Queues `self` (or takes the mutex if it came free) and sleeps until unlock hands it over.
void Mutex::wait_locked(Thread& self) {
  scheduler_lock.assert_held();
  switch (core_.lock(self)) {
    case LockResult::Acquired: return;
    case LockResult::AlreadyOwner: report_relock();
    case LockResult::MustWait: break;
  }
  Scheduler::block_locked();
  // Woken by unlock's hand-off: the mutex is ours already.
  VERIFY(core_.owner() == &self);
}

// Spins, with interrupts on and no lock held, while the owner runs on another CPU; true if it
// took the mutex. The owner is looked at only under the scheduler lock (it might otherwise
// exit and be freed under us); between looks only the owner pointer is compared, which is
// enough to see the mutex change hands.
bool Mutex::spin_until_free(Thread& self) {
  u64 give_up = time::now_ns() + kSpinNs;
  for (;;) {
    Thread* seen;
    {
      SpinLockGuard guard(scheduler_lock);
      seen = as_thread(core_.owner());
      if (seen != nullptr && !worth_spinning_locked(seen)) return false;
    }
    while (owner() == seen && seen != nullptr) {
      if (time::now_ns() >= give_up) return false;
      hal::cpu::pause();
    }
    if (core_.try_acquire(self)) return true;
  }
}

void Mutex::lock() {
  Scheduler::check_can_block("mutex lock");
  Thread& self = Scheduler::current();
  if (core_.try_acquire(self)) return;  // free: taken without any lock
  if (owner() == &self) report_relock();
  contended_.fetch_add(1, libk::MemoryOrder::Relaxed);
  if (cpu_count() > 1 && spin_until_free(self)) return;
  SpinLockGuard guard(scheduler_lock);
  wait_locked(self);
}

bool Mutex::try_lock() {
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
void Mutex::report_not_owner(const char* what) const {
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
  if (core_.release_if_uncontended(Scheduler::current())) return;  // nobody waits
  {
    SpinLockGuard guard(scheduler_lock);
    unlock_locked();
  }
  Scheduler::preempt_if_needed();
}

// A snapshot: only the owner itself (comparing it with itself) gets an exact answer.
Thread* Mutex::owner() const { return as_thread(core_.owner()); }

bool Mutex::held_by_current() const {
  return Scheduler::running() && owner() == &Scheduler::current();
}

}  // namespace kernel
