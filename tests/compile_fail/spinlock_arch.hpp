// A do-nothing CPU for the spinlock compile checks.
#pragma once

#include <sched/spinlock.hpp>

struct NoCpu {
  using IrqState = bool;
  static IrqState irq_save_disable() { return false; }
  static void irq_restore(IrqState) {}
  static void relax() {}
  static u32 cpu_id() { return 0; }
  static u64 now_ns() { return 0; }
  static sched::LockOrder* lock_order() { return nullptr; }
  [[noreturn]] static void lock_error(const sched::LockReport&) { __builtin_trap(); }
};

using Lock = sched::BasicSpinLock<NoCpu>;
using Guard = sched::BasicSpinLockGuard<NoCpu>;
