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
// The lock records which CPU holds it, so misuse is reported where it happens instead of
// hanging: taking it again on the CPU that holds it (recursion), releasing it on a CPU that
// does not hold it, and, in debug builds, a `_locked` function called without it
// (assert_held). It is a Clang thread-safety capability (libk/include/libk/thread_safety.hpp).
//
// The Arch interface (static members):
//   using IrqState = ...;
//   IrqState irq_save_disable();   // returns the previous state, interrupts now off
//   void irq_restore(IrqState);
//   void relax();                  // the spin-wait hint (x86 `pause`)
//   u32 cpu_id();                  // the calling CPU
//   [[noreturn]] void lock_error(const char* lock_name, LockError error, u32 owner,
//                                const char* function);   // reports misuse, never returns
#pragma once

#include <libk/assert.hpp>
#include <libk/atomic.hpp>
#include <libk/thread_safety.hpp>
#include <libk/types.hpp>

namespace sched {

enum class LockError : u8 {
  Recursion,      // taken by the CPU that already holds it: it would spin forever
  NeverReleased,  // held by another CPU for kSpinLimit spins
  NotHeld,        // released, or asserted held, on a CPU that does not hold it
};

template <typename Arch>
class CAPABILITY("spinlock") BasicSpinLock {
 public:
  // While a lock is held its CPU has interrupts off, so a holder is never preempted and a
  // lock found held for this many spins means its holder is stuck. Ember runs on one CPU;
  // on several the bound exceeds any legitimate hold time by orders of magnitude.
  static constexpr u64 kSpinLimit = u64(1) << 26;
  static constexpr u32 kNoOwner = ~u32{0};

  constexpr explicit BasicSpinLock(const char* name) : name_(name) {}
  BasicSpinLock(const BasicSpinLock&) = delete;
  BasicSpinLock& operator=(const BasicSpinLock&) = delete;

  // Prefer the guard: these do not touch the interrupt flag.
  void lock(const char* function = __builtin_FUNCTION()) ACQUIRE() {
    u32 self = Arch::cpu_id();
    if (held_by(self)) Arch::lock_error(name_, LockError::Recursion, self, function);
    for (u64 spins = 0; !take(); ++spins) {
      if (spins == kSpinLimit) Arch::lock_error(name_, LockError::NeverReleased, owner(), function);
      Arch::relax();
    }
    owner_.store(self, libk::MemoryOrder::Relaxed);
  }
  // Never spins: false if any CPU (this one included) holds the lock.
  bool try_lock() TRY_ACQUIRE(true) {
    if (!take()) return false;
    owner_.store(Arch::cpu_id(), libk::MemoryOrder::Relaxed);
    return true;
  }
  void unlock(const char* function = __builtin_FUNCTION()) RELEASE() {
    u32 self = Arch::cpu_id();
    if (!held_by(self)) Arch::lock_error(name_, LockError::NotHeld, owner(), function);
    owner_.store(kNoOwner, libk::MemoryOrder::Relaxed);
    locked_.store(false, libk::MemoryOrder::Release);
  }

  // Returns only if this CPU holds the lock: a `_locked` function's first line. Checked in
  // debug builds; to the static analysis it states the lock is held from here on.
  void assert_held(const char* function = __builtin_FUNCTION()) const ASSERT_CAPABILITY(this) {
#if EMBER_DEBUG_ASSERTS
    if (!held_by(Arch::cpu_id())) Arch::lock_error(name_, LockError::NotHeld, owner(), function);
#else
    (void)function;
#endif
  }

  bool is_locked() const { return locked_.load(libk::MemoryOrder::Relaxed); }
  // True if CPU `cpu` holds the lock (exact for the calling CPU, a snapshot for others).
  bool held_by(u32 cpu) const { return is_locked() && owner() == cpu; }
  bool held_by_this_cpu() const { return held_by(Arch::cpu_id()); }
  // The CPU that holds it, or kNoOwner.
  u32 owner() const { return owner_.load(libk::MemoryOrder::Relaxed); }
  const char* name() const { return name_; }

 private:
  bool take() { return !locked_.exchange(true, libk::MemoryOrder::Acquire); }

  libk::Atomic<bool> locked_{false};
  libk::Atomic<u32> owner_{kNoOwner};  // written only by the holder, cleared before release
  const char* name_;
};

// Takes the lock with interrupts off for the guard's lifetime, then restores the interrupt
// flag. Neither copyable nor movable: a guard belongs to one scope.
template <typename Arch>
class [[nodiscard]] SCOPED_CAPABILITY BasicSpinLockGuard {
 public:
  explicit BasicSpinLockGuard(BasicSpinLock<Arch>& lock,
                              const char* function = __builtin_FUNCTION()) ACQUIRE(lock)
      : lock_(lock), saved_(Arch::irq_save_disable()) {
    lock_.lock(function);
  }
  ~BasicSpinLockGuard() RELEASE() {
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
