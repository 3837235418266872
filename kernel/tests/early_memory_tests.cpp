#include <boot/memory_map.hpp>

#include "../boot.hpp"
#include "../early_memory.hpp"
#include "../ktest.hpp"

namespace kernel {

KTEST("boot.early_memory.allocates_usable_zeroed_ram") {
  auto phys = early_memory::allocate(3 * libk::kPageSize);
  if (!KEXPECT(phys.has_value())) return;
  bool inside_usable = false;
  for (const boot::MemoryRange& r : boot_info::memory_map())
    if (r.type == boot::MemoryType::Usable && r.base <= *phys && *phys + 3 * libk::kPageSize <= r.end())
      inside_usable = true;
  KEXPECT(inside_usable);
  auto* bytes = boot_info::physical_to_virtual<u8>(*phys);
  bool zero = true;
  for (u64 i = 0; i < 3 * libk::kPageSize; ++i) zero &= bytes[i] == 0;
  KEXPECT(zero);
  bool recorded = false;
  for (const auto& r : early_memory::allocated())
    recorded |= r.base <= *phys && *phys + 3 * libk::kPageSize <= r.base + r.length;
  KEXPECT(recorded);
}

}  // namespace kernel
