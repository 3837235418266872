// Inside kernel/drivers/pci: the configuration mechanism under its lock, for code that
// programs several registers in one go (MSI/MSI-X). Everyone else uses pci.hpp's accessors.
#pragma once

#include <hal/pci.hpp>

#include "sync/spinlock.hpp"

namespace kernel::pci::detail {

extern SpinLock config_lock;
extern hal::pci::ConfigAccess* access GUARDED_BY(config_lock);

// Runs `f(access)` with the "pci config" lock held (nothing if there is no mechanism).
template <typename F>
void with_config(F f) EXCLUDES(config_lock) {
  SpinLockGuard guard(config_lock);
  if (access) f(*access);
}

}  // namespace kernel::pci::detail
