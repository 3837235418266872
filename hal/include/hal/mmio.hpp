// Memory-mapped device registers. Every device driver reaches its registers through map()
// so that there is one place deciding how device memory is mapped.
//
// Below 4 GiB, map() hands out addresses in the direct map (docs/boot-protocol.md). Until the
// kernel switches to its own page tables that is the loader's (write-back; the firmware's
// MTRRs make the device ranges below 4 GiB uncached); afterwards the kernel maps every non-RAM
// range below 4 GiB uncached there (kernel/memory/kernel_tables.cpp, docs/memory.md).
// Above 4 GiB the direct map holds only RAM, so device registers there (64-bit PCI BARs,
// ECAM windows) go through a mapper the kernel installs once its page tables run
// (kernel::vm::map_mmio: an uncached window in the MMIO area). Each such call makes a new
// mapping: map once and keep the pointer.
#pragma once

#include <libk/types.hpp>

namespace hal::mmio {

// Records the direct map the loader set up. Call once, before the first map().
void init(u64 direct_map_base, u64 direct_map_size);

// Maps device registers above 4 GiB: returns an uncached mapping or nullptr. Installed once
// the kernel's page tables are live; until then such ranges are not reachable.
using Mapper = volatile void* (*)(u64 phys, u64 size);
void set_high_mapper(Mapper mapper);

// A pointer through which the `size` bytes of device registers at physical `phys` can be
// accessed, or nullptr if they are not reachable.
volatile void* map(u64 phys, u64 size);

// Register accessors: exactly one access of the given width (volatile), as devices require.
inline u8 read8(volatile void* base, u64 offset) {
  return *(static_cast<volatile u8*>(base) + offset);
}
inline void write8(volatile void* base, u64 offset, u8 value) {
  *(static_cast<volatile u8*>(base) + offset) = value;
}
inline u16 read16(volatile void* base, u64 offset) {
  return *reinterpret_cast<volatile u16*>(static_cast<volatile u8*>(base) + offset);
}
inline void write16(volatile void* base, u64 offset, u16 value) {
  *reinterpret_cast<volatile u16*>(static_cast<volatile u8*>(base) + offset) = value;
}
inline u32 read32(volatile void* base, u64 offset) {
  return *reinterpret_cast<volatile u32*>(static_cast<volatile u8*>(base) + offset);
}
inline void write32(volatile void* base, u64 offset, u32 value) {
  *reinterpret_cast<volatile u32*>(static_cast<volatile u8*>(base) + offset) = value;
}
inline u64 read64(volatile void* base, u64 offset) {
  return *reinterpret_cast<volatile u64*>(static_cast<volatile u8*>(base) + offset);
}
inline void write64(volatile void* base, u64 offset, u64 value) {
  *reinterpret_cast<volatile u64*>(static_cast<volatile u8*>(base) + offset) = value;
}

}  // namespace hal::mmio
