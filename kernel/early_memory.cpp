#include "early_memory.hpp"

#include "boot.hpp"

namespace kernel::early_memory {

namespace {
constinit boot::EarlyAllocator allocator;
}

bool init() { return allocator.init(boot_info::memory_map()); }

libk::Optional<u64> allocate(u64 bytes, u64 align) {
  auto phys = allocator.allocate(bytes, align);
  if (phys) __builtin_memset(boot_info::physical_to_virtual<void>(*phys), 0, libk::align_up(bytes, libk::kPageSize));
  return phys;
}

libk::Span<const boot::EarlyAllocator::Range> allocated() { return allocator.allocated(); }

}  // namespace kernel::early_memory
