#include "sync/irq_lock.hpp"

#include "panic.hpp"

namespace kernel {

void IrqLock::lock(const char* function) {
  if (hal::interrupts::enabled())
    PANIC("irq lock \"{}\": {}() takes it with interrupts enabled", name_, function);
  if (held_)
    PANIC("irq lock \"{}\": {}() takes it again while it is held (recursion)", name_, function);
  held_ = true;
}

void IrqLock::unlock(const char* function) {
  if (!held_) PANIC("irq lock \"{}\": {}() releases it, but it is not held", name_, function);
  held_ = false;
}

void IrqLock::assert_held(const char* function) const {
#if EMBER_DEBUG_ASSERTS
  if (!held_ || hal::interrupts::enabled())
    PANIC("irq lock \"{}\": {}() needs it held with interrupts off", name_, function);
#else
  (void)function;
#endif
}

}  // namespace kernel
