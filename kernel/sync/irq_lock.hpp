// kernel::IrqLock: a lock whose only mechanism is "interrupts off on this CPU". On one CPU
// that is mutual exclusion between threads and interrupt handlers; on several it is none.
// Every data structure protected this way names its own IrqLock, so that
//  - the compiler checks that the data is touched only with it held (GUARDED_BY, REQUIRES:
//    libk/include/libk/thread_safety.hpp), and
//  - the list of what must become a real lock for SMP is the list of IrqLock objects
//    (docs/scheduling.md, "What still relies on interrupts being off").
//
//   constinit IrqLock pool_lock{"pmm"};
//   constinit Pool pool GUARDED_BY(pool_lock);
//   { IrqLockGuard guard(pool_lock); pool.take(); }
//
// A lock taken again while held is recursion and panics (a spinlock would spin forever
// there); so does releasing one that is not held. Context: any but NMI and machine-check
// handlers, which ignore the interrupt flag: they must not take an IrqLock.
#pragma once

#include <hal/interrupts.hpp>
#include <libk/thread_safety.hpp>

namespace kernel {

class CAPABILITY("irq lock") IrqLock {
 public:
  constexpr explicit IrqLock(const char* name) : name_(name) {}
  IrqLock(const IrqLock&) = delete;
  IrqLock& operator=(const IrqLock&) = delete;

  // Interrupts must already be off (IrqLockGuard turns them off).
  void lock(const char* function = __builtin_FUNCTION()) ACQUIRE();
  void unlock(const char* function = __builtin_FUNCTION()) RELEASE();
  // Returns only if the lock is held (checked in debug builds): a `_locked` function's
  // first line, and how code reached with the lock held (a callback) tells the analysis.
  void assert_held(const char* function = __builtin_FUNCTION()) const ASSERT_CAPABILITY(this);

  bool held() const { return held_; }
  const char* name() const { return name_; }

 private:
  const char* name_;
  bool held_ = false;
};

// Disables interrupts, takes the lock; releases it and restores the interrupt flag.
class [[nodiscard]] SCOPED_CAPABILITY IrqLockGuard {
 public:
  explicit IrqLockGuard(IrqLock& lock, const char* function = __builtin_FUNCTION()) ACQUIRE(lock)
      : lock_(lock), saved_(hal::interrupts::save_and_disable()) {
    lock_.lock(function);
  }
  ~IrqLockGuard() RELEASE() {
    lock_.unlock();
    hal::interrupts::restore(saved_);
  }
  IrqLockGuard(const IrqLockGuard&) = delete;
  IrqLockGuard& operator=(const IrqLockGuard&) = delete;

 private:
  IrqLock& lock_;
  hal::interrupts::SavedState saved_;
};

}  // namespace kernel
