#include <boot/memory_map.hpp>

#include "boot.hpp"
#include "early_memory.hpp"
#include "ktest.hpp"
#include "memory/pmm.hpp"

namespace kernel {

// Tests run after pmm::init, so early_memory forwards to the page allocator.
KTEST("boot.early_memory.allocates_usable_zeroed_ram") {
  u64 early_pages = pmm::pages_owned_by(pmm::Owner::Early);
  auto phys = early_memory::allocate(3 * libk::kPageSize);
  if (!KEXPECT(phys.has_value())) return;
  bool inside_ram = false;
  for (const boot::MemoryRange& r : boot_info::memory_map())
    if (boot::is_ram(r.type) && r.base <= *phys && *phys + 3 * libk::kPageSize <= r.end())
      inside_ram = true;
  KEXPECT(inside_ram);
  auto* bytes = boot_info::physical_to_virtual<u8>(*phys);
  bool zero = true;
  for (u64 i = 0; i < 3 * libk::kPageSize; ++i) zero &= bytes[i] == 0;
  KEXPECT(zero);
  KEXPECT(pmm::pages_owned_by(pmm::Owner::Early) >= early_pages + 3);
  // What early_memory handed out before pmm started stays out of the pool.
  for (const auto& r : early_memory::allocated())
    KEXPECT(!libk::ranges_overlap(r.base, r.base + r.length, *phys, *phys + 3 * libk::kPageSize));
}

}  // namespace kernel
