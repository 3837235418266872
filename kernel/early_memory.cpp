#include "early_memory.hpp"

#include "boot.hpp"
#include "memory/pmm.hpp"

namespace kernel::early_memory {

namespace {
constinit boot::EarlyAllocator allocator;

// Once pmm runs it owns the arena's remaining pages: later callers get whole buddy blocks
// (aligned to their size, so to `align` too), never freed, like early allocations.
libk::Optional<u64> allocate_from_pmm(u64 bytes, u64 align) {
  auto phys = pmm::allocate(pmm::order_for(libk::max(bytes, align)), pmm::Owner::Early);
  if (phys)
    __builtin_memset(boot_info::physical_to_virtual<void>(*phys), 0,
                     libk::align_up(bytes, libk::kPageSize));
  return phys;
}
}  // namespace

bool init() { return allocator.init(boot_info::memory_map()); }

libk::Optional<u64> allocate(u64 bytes, u64 align) {
  if (pmm::ready()) return allocate_from_pmm(bytes, align);
  auto phys = allocator.allocate(bytes, align);
  if (phys)
    __builtin_memset(boot_info::physical_to_virtual<void>(*phys), 0,
                     libk::align_up(bytes, libk::kPageSize));
  return phys;
}

libk::Span<const boot::EarlyAllocator::Range> allocated() { return allocator.allocated(); }

}  // namespace kernel::early_memory
