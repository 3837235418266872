#include "sync/spinlock.hpp"

#include "panic.hpp"

namespace kernel::detail {

void KernelLockArch::lock_error(const char* lock_name, sched::LockError error, u32 owner,
                                const char* function) {
  switch (error) {
    case sched::LockError::Recursion:
      PANIC("spinlock \"{}\": {}() takes it again on CPU {}, which holds it (recursion)", lock_name,
            function, owner);
    case sched::LockError::NeverReleased:
      PANIC("spinlock \"{}\": {}() waited too long; CPU {} holds it and never releases it",
            lock_name, function, owner);
    case sched::LockError::NotHeld:
      if (owner == SpinLock::kNoOwner)
        PANIC("spinlock \"{}\": {}() needs it held, but it is free", lock_name, function);
      PANIC("spinlock \"{}\": {}() needs it held by CPU {}, but CPU {} holds it", lock_name,
            function, cpu_id(), owner);
  }
  VERIFY_NOT_REACHED();
}

}  // namespace kernel::detail
