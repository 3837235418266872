// The kernel's Global Descriptor Table (Intel SDM Vol. 3A §3.4.5, §5.2.1 for 64-bit).
#pragma once

#include <libk/types.hpp>

namespace hal::gdt {

inline constexpr u16 kKernelCode = 0x08;
inline constexpr u16 kKernelData = 0x10;

// Loads Ember's GDT and reloads every segment register. Call once, early: the loader
// leaves the firmware's GDT in place, and its memory is not mapped in the kernel.
void init();

}  // namespace hal::gdt
