#include "memory_probe.hpp"

#include <hal/registers.hpp>

#include "boot.hpp"

namespace kernel::memory_probe {

namespace {

// Reaches page-table frames through the direct map; never allocates.
class DirectMapTables final : public hal::paging::TableMemory {
 public:
  libk::Optional<u64> allocate_table() override { return libk::nullopt; }
  u64* table_at(u64 phys) override { return boot_info::physical_to_virtual<u64>(phys); }
};

}  // namespace

libk::Optional<hal::paging::Translation> translate(u64 address) {
  DirectMapTables memory;
  hal::paging::PageTables tables(memory, hal::Cr3::read().base());
  return tables.translate(address);
}

bool mapped(u64 address, u64 length) {
  if (length == 0) return true;
  u64 last = 0;
  if (!libk::checked_add<u64>(address, length - 1, last)) return false;
  // Every page, not only the first and the last: the range may span an unmapped one.
  u64 last_page = libk::align_down(last, libk::kPageSize);
  for (u64 page = libk::align_down(address, libk::kPageSize);; page += libk::kPageSize) {
    if (!translate(page)) return false;
    if (page == last_page) return true;
  }
}

}  // namespace kernel::memory_probe
