// Spinlocks whose guards own the interrupt flag. Pure logic over a small architecture
// interface, so host tests drive it with a fake CPU and with real threads; the kernel
// instantiates it with the real one (kernel/sync/spinlock.hpp: kernel::SpinLock,
// kernel::SpinLockGuard).
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
// A ticket lock: each CPU that wants the lock takes the next ticket and waits until the
// lock serves that ticket, so CPUs get the lock in the order they asked for it and none is
// starved by faster ones (a test-and-set lock lets the CPU that just released it win
// again and again). The lock records which CPU holds it, so misuse is reported where it
// happens instead of hanging:
//  - taking it again on the CPU that holds it (recursion);
//  - waiting for it longer than kMaxWaitNs (its holder is stuck: a generous bound, since a
//    virtual CPU can be descheduled by its host for a long time);
//  - releasing it, or asserting it held (assert_held, debug builds), on a CPU that does
//    not hold it;
//  - in debug builds, taking it while holding a lock of the same or a higher rank
//    (sched::LockOrder): the order that, kept everywhere, makes deadlocks impossible.
// It is a Clang thread-safety capability (libk/include/libk/thread_safety.hpp).
//
// The Arch interface (static members):
//   using IrqState = ...;
//   IrqState irq_save_disable();   // returns the previous state, interrupts now off
//   void irq_restore(IrqState);
//   void relax();                  // the spin-wait hint (x86 `pause`); may do pending work
//   u32 cpu_id();                  // the calling CPU
//   u64 now_ns();                  // a monotonic clock, for the wait bound (0 if none yet)
//   LockOrder* lock_order();       // the calling CPU's held locks, or nullptr: no check
//   [[noreturn]] void lock_error(const LockReport&);   // reports misuse, never returns
#pragma once

#include <libk/assert.hpp>
#include <libk/atomic.hpp>
#include <libk/thread_safety.hpp>
#include <libk/types.hpp>
#include <sched/lock_order.hpp>

namespace sched {

enum class LockError : u8 {
  Recursion,       // taken by the CPU that already holds it: it would wait forever
  NeverReleased,   // waited for longer than kMaxWaitNs: its holder is stuck
  NotHeld,         // released, or asserted held, on a CPU that does not hold it
  OrderViolation,  // taken while holding a lock of the same or a higher rank
};

struct LockReport {
  const char* lock;
  LockError error;
  u32 owner;             // the CPU that holds it (kNoOwner: nobody)
  const char* function;  // who tried
  const char* held;      // OrderViolation: the held lock that forbids it
  LockRank rank, held_rank;
  u64 waited_ns;  // NeverReleased
};

inline constexpr u32 kNoOwner = ~u32{0};

template <typename Arch>
class CAPABILITY("spinlock") BasicSpinLock {
 public:
  static constexpr u64 kMaxWaitNs = 10'000'000'000;  // 10 s
  // The clock is read once per this many spins: rdtsc is cheap, but not free under TCG.
  static constexpr u32 kSpinsPerClockRead = 1024;
  static constexpr u32 kSpinsPerRelax = 16;
  static constexpr u32 kNoOwner = sched::kNoOwner;

  constexpr explicit BasicSpinLock(const char* name, LockRank rank = kUnranked)
      : name_(name), rank_(rank) {}
  BasicSpinLock(const BasicSpinLock&) = delete;
  BasicSpinLock& operator=(const BasicSpinLock&) = delete;

  // Prefer the guard: these do not touch the interrupt flag.
  void lock(const char* function = __builtin_FUNCTION()) ACQUIRE() {
    u32 self = Arch::cpu_id();
    if (held_by(self)) report(LockError::Recursion, self, function);
    check_order(function);
    u32 ticket = next_ticket_.fetch_add(1, libk::MemoryOrder::Relaxed);
    if (now_serving_.load(libk::MemoryOrder::Acquire) != ticket) wait_for(ticket, function);
    owner_.store(self, libk::MemoryOrder::Relaxed);
  }
  // Never waits: false if any CPU (this one included) holds the lock or waits for it.
  bool try_lock() TRY_ACQUIRE(true) {
    u32 serving = now_serving_.load(libk::MemoryOrder::Relaxed);
    u32 expected = serving;
    if (!next_ticket_.compare_exchange(expected, serving + 1, libk::MemoryOrder::Acquire))
      return false;
    if (auto* order = Arch::lock_order(); order && EMBER_DEBUG_ASSERTS)
      (void)order->acquire(this, name_, kUnranked);  // a try never waits: no order needed
    owner_.store(Arch::cpu_id(), libk::MemoryOrder::Relaxed);
    return true;
  }
  void unlock(const char* function = __builtin_FUNCTION()) RELEASE() {
    u32 self = Arch::cpu_id();
    if (!held_by(self)) report(LockError::NotHeld, owner(), function);
    if (auto* order = Arch::lock_order(); order && EMBER_DEBUG_ASSERTS) order->release(this);
    owner_.store(kNoOwner, libk::MemoryOrder::Relaxed);
    // Only the holder writes now_serving_: a plain increment published with release.
    now_serving_.store(now_serving_.load(libk::MemoryOrder::Relaxed) + 1,
                       libk::MemoryOrder::Release);
  }

  // Returns only if this CPU holds the lock: a `_locked` function's first line. Checked in
  // debug builds; to the static analysis it states the lock is held from here on.
  void assert_held(const char* function = __builtin_FUNCTION()) const ASSERT_CAPABILITY(this) {
#if EMBER_DEBUG_ASSERTS
    if (!held_by(Arch::cpu_id())) report(LockError::NotHeld, owner(), function);
#else
    (void)function;
#endif
  }

  // Held or waited for by some CPU (a snapshot).
  bool is_locked() const {
    return next_ticket_.load(libk::MemoryOrder::Relaxed) !=
           now_serving_.load(libk::MemoryOrder::Relaxed);
  }
  // True if CPU `cpu` holds the lock (exact for the calling CPU, a snapshot for others).
  bool held_by(u32 cpu) const { return is_locked() && owner() == cpu; }
  bool held_by_this_cpu() const { return held_by(Arch::cpu_id()); }
  // The CPU that holds it, or kNoOwner.
  u32 owner() const { return owner_.load(libk::MemoryOrder::Relaxed); }
  // CPUs waiting for it (a snapshot).
  u32 waiters() const {
    u32 queued = next_ticket_.load(libk::MemoryOrder::Relaxed) -
                 now_serving_.load(libk::MemoryOrder::Relaxed);
    return queued > 0 ? queued - 1 : 0;
  }
  const char* name() const { return name_; }
  LockRank rank() const { return rank_; }

 private:
  [[gnu::noinline]] void wait_for(u32 ticket, const char* function) {
    u64 started = Arch::now_ns();
    for (u32 spins = 1;; ++spins) {
      // The spin-wait hint once every few loads: on hardware it saves power and lets a
      // sibling hyperthread run; under QEMU's multi-threaded TCG each one leaves the
      // translated code, which costs far more than the load it paces.
      if (spins % kSpinsPerRelax == 0) Arch::relax();
      if (now_serving_.load(libk::MemoryOrder::Acquire) == ticket) return;
      if (spins % kSpinsPerClockRead != 0) continue;
      u64 now = Arch::now_ns();
      if (started != 0 && now - started > kMaxWaitNs)
        report(LockError::NeverReleased, owner(), function, now - started);
      if (started == 0) started = now;  // the clock was not running yet when we started
    }
  }

  void check_order(const char* function) {
#if EMBER_DEBUG_ASSERTS
    LockOrder* order = Arch::lock_order();
    if (order == nullptr) return;
    if (const LockOrder::Held* held = order->acquire(this, name_, rank_))
      Arch::lock_error(
          {name_, LockError::OrderViolation, owner(), function, held->name, rank_, held->rank, 0});
#else
    (void)function;
#endif
  }

  [[noreturn]] void report(LockError error, u32 owner, const char* function,
                           u64 waited_ns = 0) const {
    Arch::lock_error({name_, error, owner, function, nullptr, rank_, 0, waited_ns});
  }

  libk::Atomic<u32> next_ticket_{0};
  libk::Atomic<u32> now_serving_{0};
  libk::Atomic<u32> owner_{kNoOwner};  // written only by the holder, cleared before release
  const char* name_;
  LockRank rank_;
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
