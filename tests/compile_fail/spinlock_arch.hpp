// A do-nothing CPU for the spinlock compile checks.
#pragma once

#include <sched/spinlock.hpp>

struct NoCpu {
  using IrqState = bool;
  static IrqState irq_save_disable() { return false; }
  static void irq_restore(IrqState) {}
  static void relax() {}
  static u32 cpu_id() { return 0; }
  [[noreturn]] static void lock_error(const char*, sched::LockError, u32, const char*) {
    __builtin_trap();
  }
};

using Lock = sched::BasicSpinLock<NoCpu>;
using Guard = sched::BasicSpinLockGuard<NoCpu>;
