#include "memory/dma.hpp"

#include <hal/cpu.hpp>
#include <libk/utility.hpp>

#include "boot.hpp"
#include "memory/pmm.hpp"
#include "memory/vm.hpp"

namespace kernel::dma {

namespace {

using hal::paging::Cache;

// CLFLUSH works on whole lines; 32 bytes is the smallest line an x86-64 CPU has, so this
// stride reaches every line whatever the real size (CPUID.1:EBX[15:8]).
constexpr u64 kFlushStride = 32;

bool valid_constraints(u64 size, const Constraints& c) {
  if (size == 0 || !libk::is_power_of_two(c.alignment)) return false;
  if (c.boundary != 0 && (!libk::is_power_of_two(c.boundary) || size > c.boundary)) return false;
  return true;
}

// A block of 2^order frames is aligned to its size, so it meets any alignment up to that and
// crosses no boundary at least as large.
u32 order_for(u64 size, const Constraints& c) {
  return pmm::order_for(libk::max(size, c.alignment));
}

void flush_lines(void* virt, u64 bytes) {
  auto* p = static_cast<volatile u8*>(virt);
  for (u64 off = 0; off < bytes; off += kFlushStride) hal::cpu::clflush(p + off);
  hal::cpu::mfence();
}

// Changes the memory type of the buffer's pages in the direct map, keeping the rest of the
// direct map's permissions (writable, not executable, global when the map is).
bool set_cache(void* virt, u64 bytes, Cache cache) {
  u64 va = reinterpret_cast<u64>(virt);
  auto t = vm::translate(va);
  if (!t) return false;
  vm::Permissions perms{
      .writable = true, .global = (t->flags & hal::paging::kGlobal) != 0, .cache = cache};
  return vm::protect(va, bytes, perms).ok();
}

}  // namespace

const char* dma_error_text(DmaError e) {
  switch (e) {
    case DmaError::BadConstraints: return "alignment, boundary and size do not fit together";
    case DmaError::NoMemory: return "no free memory under the device's address limit";
    case DmaError::MapFailed: return "cannot change the memory type";
  }
  return "?";
}

libk::Result<Buffer, DmaError> allocate(u64 size, const Constraints& c) {
  if (!valid_constraints(size, c)) return libk::unexpected(DmaError::BadConstraints);
  u32 order = order_for(size, c);
  auto phys = c.limit == kNoLimit ? pmm::allocate(order, pmm::Owner::Dma)
                                  : pmm::allocate_below(order, c.limit, pmm::Owner::Dma);
  if (!phys) return libk::unexpected(DmaError::NoMemory);
  u64 bytes = libk::kPageSize << order;
  Buffer b{*phys, boot_info::physical_to_virtual<void>(*phys), size, order, c.cache};
  if (c.cache != Cache::WriteBack) {
    // pmm zeroed the frames through the write-back direct map: flushing writes those zeros
    // to memory, and no dirty write-back line may land on the buffer later.
    flush_lines(b.virt, bytes);
    if (!set_cache(b.virt, bytes, c.cache)) {
      (void)set_cache(b.virt, bytes, Cache::WriteBack);
      pmm::free(*phys, order);
      return libk::unexpected(DmaError::MapFailed);
    }
  }
  return b;
}

void free(Buffer& b) {
  if (!b.valid()) return;
  u64 bytes = libk::kPageSize << b.order;
  if (b.cache != Cache::WriteBack) VERIFY(set_cache(b.virt, bytes, Cache::WriteBack));
  pmm::free(b.phys, b.order);
  b = {};
}

}  // namespace kernel::dma
