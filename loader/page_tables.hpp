// The page tables the kernel starts on (docs/boot-protocol.md, "Machine state at entry").
#pragma once

#include <boot/boot_info.hpp>
#include <hal/cpu_info.hpp>

#include "kernel_image.hpp"

namespace loader {

struct AddressSpace {
  u64 root;             // for CR3
  u64 direct_map_size;  // bytes of physical address space mapped at kDirectMapBase
  u64 stack_physical;   // the boot stack's pages
};

// Builds: kernel segments at their link addresses with their own permissions (W^X), the
// direct map of [0, direct_map_size) at kDirectMapBase (RW, NX, largest pages available),
// the boot stack below kBootStackTop with an unmapped guard page, and an identity mapping of
// the one page holding the handoff routine. Nothing else is mapped. 1 GiB pages for the
// direct map when `cpu` has them.
Expected<AddressSpace> build_address_space(const LoadedKernel& kernel, u64 highest_address,
                                           const hal::CpuInfo& cpu);

// The highest physical address the direct map must cover: all RAM the firmware reports,
// at least 4 GiB (local APIC, I/O APIC, HPET and other low MMIO live below it).
Expected<u64> highest_physical_address();

}  // namespace loader
