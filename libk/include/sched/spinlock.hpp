// Spinlocks whose guards own the interrupt flag. Pure logic over a small architecture
// interface, so the host tests drive it with a fake CPU; the kernel instantiates it with
// the real one (kernel/sync/spinlock.hpp: kernel::SpinLock, kernel::SpinLockGuard).
//
//   {
//     SpinLockGuard guard(lock);   // interrupts off, lock taken
//     ...                          // no interrupt handler on this CPU can run here
//   }                              // lock released, interrupt flag as it was before
//
// Why the guard disables interrupts: an interrupt handler that takes a lock its CPU already
// holds spins forever. With interrupts off while any spinlock is held, that cannot happen;
// restoring (not enabling) the flag makes guards nest.
//
// The Arch interface (static members):
//   using IrqState = ...;
//   IrqState irq_save_disable();   // returns the previous state, interrupts now off
//   void irq_restore(IrqState);
//   void relax();                  // the spin-wait hint (x86 `pause`)
//   [[noreturn]] void deadlock(const char* lock_name);  // reports a lock that never frees
#pragma once

#include <libk/types.hpp>

namespace sched {

template <typename Arch>
class BasicSpinLock {
 public:
  // While a lock is held its CPU has interrupts off and nothing else runs there: on one CPU
  // a held lock is never released to a spinner. Ember runs on one CPU, so finding the lock
  // held for this many spins means a self-deadlock (e.g. a recursive acquisition), reported
  // through Arch::deadlock instead of a silent hang. On several CPUs the bound would need to
  // exceed any legitimate hold time; it does by orders of magnitude.
  static constexpr u64 kSpinLimit = u64(1) << 26;

  constexpr explicit BasicSpinLock(const char* name) : name_(name) {}
  BasicSpinLock(const BasicSpinLock&) = delete;
  BasicSpinLock& operator=(const BasicSpinLock&) = delete;

  // Prefer the guard: these do not touch the interrupt flag.
  void lock() {
    for (u64 spins = 0; !try_lock(); ++spins) {
      if (spins == kSpinLimit) Arch::deadlock(name_);
      Arch::relax();
    }
  }
  bool try_lock() { return !__atomic_exchange_n(&locked_, true, __ATOMIC_ACQUIRE); }
  void unlock() { __atomic_store_n(&locked_, false, __ATOMIC_RELEASE); }

  bool is_locked() const { return __atomic_load_n(&locked_, __ATOMIC_RELAXED); }
  const char* name() const { return name_; }

 private:
  bool locked_ = false;
  const char* name_;
};

// Takes the lock with interrupts off for the guard's lifetime, then restores the interrupt
// flag. Neither copyable nor movable: a guard belongs to one scope.
template <typename Arch>
class [[nodiscard]] BasicSpinLockGuard {
 public:
  explicit BasicSpinLockGuard(BasicSpinLock<Arch>& lock)
      : lock_(lock), saved_(Arch::irq_save_disable()) {
    lock_.lock();
  }
  ~BasicSpinLockGuard() {
    lock_.unlock();
    Arch::irq_restore(saved_);
  }
  BasicSpinLockGuard(const BasicSpinLockGuard&) = delete;
  BasicSpinLockGuard& operator=(const BasicSpinLockGuard&) = delete;

  // The interrupt state the destructor will restore.
  typename Arch::IrqState saved_state() const { return saved_; }

 private:
  BasicSpinLock<Arch>& lock_;
  typename Arch::IrqState saved_;
};

}  // namespace sched
