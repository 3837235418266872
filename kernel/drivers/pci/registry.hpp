// The PCI driver registry (docs/pci.md): which driver takes which function, by class or by
// vendor:device, bound once after enumeration.
#pragma once

#include "drivers/pci/pci.hpp"

namespace kernel::pci {

inline constexpr i32 kAny = -1;

struct Match {
  i32 vendor = kAny, device = kAny;
  i32 class_code = kAny, subclass = kAny, prog_if = kAny;
};

struct Driver {
  const char* name;
  Match match;
  // Takes the function; false (having logged why) leaves it unbound.
  bool (*attach)(Device& device);
};

bool matches(const Match& m, const libk::pci::Header& h);

// Offers every function to the drivers in the registry's order; the first that takes it is
// bound. Context: boot sequence, after the scheduler and interrupts run (drivers start
// threads and wait for their devices).
void bind_drivers();

}  // namespace kernel::pci
