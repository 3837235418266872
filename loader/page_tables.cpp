#include "page_tables.hpp"

#include <boot/memory_map.hpp>
#include <hal/paging.hpp>
#include <hal/registers.hpp>

#include "files.hpp"
#include "firmware_map.hpp"

extern "C" void ember_handoff(u64 cr3, u64 stack_top, u64 entry, u64 boot_info);

namespace loader {

namespace {

using hal::paging::PageSize;
using hal::paging::Permissions;

// Table frames come straight from the firmware; boot-time memory is identity-mapped.
class FirmwareTableMemory final : public hal::paging::TableMemory {
 public:
  libk::Optional<u64> allocate_table() override {
    auto page = allocate_pages(libk::kPageSize, "page tables");
    if (!page) return libk::nullopt;
    return page.value();
  }
  u64* table_at(u64 phys) override { return reinterpret_cast<u64*>(phys); }
};

Expected<void> check(libk::Result<void, hal::paging::MapError> r, const char* what) {
  if (!r)
    return fail(EFI_OUT_OF_RESOURCES, "cannot map the {}: {}", what,
                hal::paging::map_error_text(r.error()));
  return {};
}

Permissions segment_permissions(const libk::elf::Segment& s) {
  return {.writable = s.writable(), .executable = s.executable()};
}

// Each segment at its run address (link address + slide).
Expected<void> map_kernel(hal::paging::PageTables& tables, const LoadedKernel& kernel) {
  for (const libk::elf::Segment& s : kernel.plan.loadable()) {
    u64 begin = libk::align_down(s.vaddr, libk::kPageSize);
    u64 end = libk::align_up(s.vaddr + s.memsz, libk::kPageSize);
    for (u64 link = begin; link < end; link += libk::kPageSize) {
      u64 va = link + kernel.slide;
      if (tables.translate(va)) continue;  // a page shared with an earlier, same-flag segment
      TRY(check(
          tables.map(va, kernel.physical_of_link(link), libk::kPageSize, segment_permissions(s)),
          "kernel image"));
    }
  }
  return {};
}

}  // namespace

Expected<u64> highest_physical_address() {
  MapSizing sizing = TRY(size_memory_map());
  void* buffer = nullptr;
  EFI_STATUS s = firmware.boot->AllocatePool(EfiLoaderData, sizing.capacity, &buffer);
  if (EFI_ERROR(s)) return fail(s, "out of memory for the memory map");
  MapSnapshot map{};
  s = read_memory_map(buffer, sizing.capacity, map);
  u64 highest = 4 * libk::GiB;
  for (UINTN off = 0; !EFI_ERROR(s) && off + map.descriptor_size <= map.size;
       off += map.descriptor_size) {
    boot::UefiMemoryDescriptor d;
    __builtin_memcpy(&d, static_cast<u8*>(buffer) + off, sizeof(d));
    if (!boot::is_ram(boot::classify_uefi(d.type, d.attribute))) continue;
    u64 end = 0;
    if (d.number_of_pages < (u64{1} << 40) &&
        libk::checked_add(d.physical_start, d.number_of_pages * libk::kPageSize, end))
      highest = libk::max(highest, end);
  }
  firmware.boot->FreePool(buffer);
  if (EFI_ERROR(s)) return fail(s, "cannot read the memory map ({})", Status{s});
  return highest;
}

Expected<AddressSpace> build_address_space(const LoadedKernel& kernel, u64 highest_address,
                                           const hal::CpuInfo& cpu) {
  static FirmwareTableMemory memory;
  auto created = hal::paging::PageTables::create(memory);
  if (!created) return fail(EFI_OUT_OF_RESOURCES, "out of memory for page tables");
  hal::paging::PageTables tables = created.release_value();
  AddressSpace space{tables.root(), libk::align_up(highest_address, libk::GiB), 0};

  TRY(map_kernel(tables, kernel));

  TRY(check(tables.map(boot::kDirectMapBase, 0, space.direct_map_size, {.writable = true},
                       cpu.huge_pages_1g ? PageSize::Size1G : PageSize::Size2M),
            "direct map"));

  space.stack_physical = TRY(allocate_pages(boot::kBootStackSize, "boot stack"));
  TRY(check(tables.map(boot::kBootStackTop - boot::kBootStackSize, space.stack_physical,
                       boot::kBootStackSize, {.writable = true}),
            "boot stack"));

  u64 handoff_page = libk::align_down(reinterpret_cast<u64>(&ember_handoff), libk::kPageSize);
  TRY(check(tables.map(handoff_page, handoff_page, libk::kPageSize, {.executable = true}),
            "handoff routine"));
  return space;
}

}  // namespace loader
