// Memory a device reads and writes by DMA (docs/memory.md, "DMA memory"): whole frames from
// pmm under a physical-address limit (a device without 64-bit addressing reaches only the low
// 4 GiB), aligned and never crossing a boundary the device cannot cross (xHCI rings must not
// cross 64 KiB), zeroed, with a cache type.
//
// Cache types: x86 PCI(e) DMA snoops the CPU caches, so write-back memory is coherent and is
// what drivers normally use (reached through the direct map). Uncached and write-combining
// buffers are for devices that do not snoop: the direct map's pages for the buffer change
// type (after their cache lines are flushed) so that no mapping with another type aliases
// them (SDM Vol. 3A §11.12.4), and change back when the buffer is freed.
//
// Context: thread or boot (takes the vm and pmm locks); not from interrupt handlers.
#pragma once

#include <hal/paging.hpp>
#include <libk/result.hpp>

namespace kernel::dma {

inline constexpr u64 kNoLimit = ~u64{0};
inline constexpr u64 kLimit4G = u64{1} << 32;

struct Constraints {
  u64 limit = kNoLimit;  // the buffer must end at or below this physical address
  u64 alignment = 64;    // a power of two (buffers are page-aligned at least)
  u64 boundary = 0;      // a power of two the buffer must not cross; 0 for none
  hal::paging::Cache cache = hal::paging::Cache::WriteBack;
};

struct Buffer {
  u64 phys = 0;
  void* virt = nullptr;  // in the direct map
  u64 size = 0;          // as requested
  u32 order = 0;         // pmm block order
  hal::paging::Cache cache = hal::paging::Cache::WriteBack;

  bool valid() const { return virt != nullptr; }
  template <typename T>
  T* as() const {
    return static_cast<T*>(virt);
  }
};

enum class DmaError : u8 {
  BadConstraints,  // alignment or boundary not a power of two, or the size crosses the boundary
  NoMemory,        // no free block fits under the limit
  MapFailed,       // the cache type could not be applied
};
const char* dma_error_text(DmaError e);

[[nodiscard]] libk::Result<Buffer, DmaError> allocate(u64 size, const Constraints& constraints);
// Frees a buffer from allocate() (restoring write-back caching) and clears it; an invalid
// buffer is ignored.
void free(Buffer& buffer);

}  // namespace kernel::dma
