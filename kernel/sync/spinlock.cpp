#include "sync/spinlock.hpp"

#include "panic.hpp"

namespace kernel::detail {

void KernelLockArch::deadlock(const char* lock_name) {
  PANIC("spinlock \"{}\" is held and never released: a self-deadlock (taken twice?)", lock_name);
}

}  // namespace kernel::detail
