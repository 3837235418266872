// kernel::SpinLock and kernel::SpinLockGuard: the ticket spinlock of
// libk/include/sched/spinlock.hpp on the real CPU. A guard takes the lock with interrupts
// off and restores the interrupt flag when it ends; it is [[nodiscard]] and neither
// copyable nor movable.
//
//   constinit SpinLock table_lock{"table", lock_rank::kTable};
//   constinit Table table GUARDED_BY(table_lock);
//   void add(Entry& e) {
//     SpinLockGuard guard(table_lock);
//     ...
//   }
//
// Every kernel lock has a rank (sync/lock_ranks.hpp); debug builds check that a CPU takes
// locks in increasing rank. Context: any, including interrupt handlers. Never block (sleep,
// wait, take a mutex) while holding one: the scheduler lock (kernel/sched/scheduler.hpp) is
// the only spinlock that may be held across a context switch, by design.
#pragma once

#include <hal/interrupts.hpp>
#include <libk/thread_safety.hpp>
#include <sched/spinlock.hpp>

#include "sync/lock_ranks.hpp"

namespace kernel {

namespace detail {

struct KernelLockArch {
  using IrqState = hal::interrupts::SavedState;
  static IrqState irq_save_disable() { return hal::interrupts::save_and_disable(); }
  static void irq_restore(IrqState state) { hal::interrupts::restore(state); }
  static void relax();
  static u32 cpu_id();
  static u64 now_ns();
  static sched::LockOrder* lock_order();
  // Panics, naming the lock, the misuse and the function that made it.
  [[noreturn]] static void lock_error(const sched::LockReport& report);
};

}  // namespace detail

using SpinLock = sched::BasicSpinLock<detail::KernelLockArch>;
using SpinLockGuard = sched::BasicSpinLockGuard<detail::KernelLockArch>;

// True once a CPU has begun stopping the others for a crash report or panic (panic.cpp).
bool world_stopped();

// Takes `lock` (waiting for another CPU if need be) unless this CPU holds it already: then
// the caller interrupted the code that holds it (an NMI, a machine check, an exception inside
// it) and must keep off what it guards; false. For the log and the console, which anything
// may use. Once a panic has stopped the world, another CPU may hold it for good: then only
// a free lock is taken. Context: interrupts off.
[[nodiscard]] inline bool lock_unless_held_here(SpinLock& lock)
    TRY_ACQUIRE(true, lock) NO_THREAD_SAFETY_ANALYSIS {
  if (lock.held_by_this_cpu()) return false;
  if (world_stopped()) return lock.try_lock();
  lock.lock();
  return true;
}

}  // namespace kernel
