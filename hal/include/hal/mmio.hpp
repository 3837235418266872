// Memory-mapped device registers. Every device driver reaches its registers through map()
// so that there is one place deciding how device memory is mapped.
//
// Today map() hands out addresses in the loader's direct map (docs/boot-protocol.md): it is
// write-back in the page tables, and the firmware's MTRRs make the device ranges below 4 GiB
// uncached. FIXME(memory): once the kernel owns its page tables, map() must create explicit
// uncached (PCD|PWT) mappings instead of relying on the MTRRs.
#pragma once

#include <libk/types.hpp>

namespace hal::mmio {

// Records the direct map the loader set up. Call once, before the first map().
void init(u64 direct_map_base, u64 direct_map_size);

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
