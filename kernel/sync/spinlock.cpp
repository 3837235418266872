#include "sync/spinlock.hpp"

#include "cpu/ipi.hpp"
#include "cpu/percpu.hpp"
#include "panic.hpp"
#include "time.hpp"

namespace kernel::detail {

// A CPU waiting for a lock with interrupts off cannot take a shootdown IPI, and the CPU that
// holds the lock may be the one waiting for that shootdown: so the spin loop runs what other
// CPUs asked of this one (ipi::run_pending) while it waits.
void KernelLockArch::relax() {
  hal::cpu::pause();
  ipi::run_pending();
}
u32 KernelLockArch::cpu_id() { return this_cpu_index(); }
u64 KernelLockArch::now_ns() { return time::now_ns(); }
sched::LockOrder* KernelLockArch::lock_order() { return &this_cpu().held_locks; }

void KernelLockArch::lock_error(const sched::LockReport& r) {
  switch (r.error) {
    case sched::LockError::Recursion:
      PANIC("spinlock \"{}\": {}() takes it again on CPU {}, which holds it (recursion)", r.lock,
            r.function, r.owner);
    case sched::LockError::NeverReleased:
      PANIC("spinlock \"{}\": {}() waited {} ms; CPU {} holds it and never releases it", r.lock,
            r.function, r.waited_ns / 1'000'000, r.owner);
    case sched::LockError::NotHeld:
      if (r.owner == sched::kNoOwner)
        PANIC("spinlock \"{}\": {}() needs it held, but it is free", r.lock, r.function);
      PANIC("spinlock \"{}\": {}() needs it held by CPU {}, but CPU {} holds it", r.lock,
            r.function, cpu_id(), r.owner);
    case sched::LockError::OrderViolation:
      PANIC(
          "spinlock \"{}\" (rank {}): {}() takes it while holding \"{}\" (rank {}): locks "
          "must be taken in increasing rank",
          r.lock, r.rank, r.function, r.held, r.held_rank);
  }
  VERIFY_NOT_REACHED();
}

}  // namespace kernel::detail
