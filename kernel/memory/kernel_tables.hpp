// Building the kernel's page tables (private to kernel/memory).
#pragma once

#include <boot/boot_info.hpp>
#include <hal/paging.hpp>
#include <libk/extent_allocator.hpp>

#include "boot.hpp"
#include "memory/pmm.hpp"
#include "memory/vm.hpp"
#include "sync/spinlock.hpp"

namespace kernel::vm::detail {

// Table frames from pmm (which zeroes them), reached through the direct map.
class PmmTableMemory final : public hal::paging::TableMemory {
 public:
  constexpr PmmTableMemory() = default;
  libk::Optional<u64> allocate_table() override { return pmm::allocate(0, pmm::Owner::PageTable); }
  u64* table_at(u64 phys) override { return boot_info::physical_to_virtual<u64>(phys); }
  void free_table(u64 phys) override { pmm::free(phys, 0); }
};

// The memory type the direct map uses for a range of the memory map: RAM write-back,
// device memory and reserved ranges uncached, the framebuffer write-combining.
hal::paging::Cache direct_map_cache(boot::MemoryType type);

// Maps, into fresh `tables`: the kernel's sections W^X, the direct map, and the loader's
// boot stack (at the same address, with its guard page). Returns false after logging why.
bool build_kernel_tables(hal::paging::PageTables& tables, bool global_pages);

// vm.cpp's state, for the other vm_*.cpp files, under the spinlock "vm". Lock order: vm
// before pmm (page tables and area pages come from pmm with the vm lock held).
extern SpinLock vm_lock;
hal::paging::PageTables& kernel_tables() REQUIRES(vm_lock);
libk::ExtentAllocator& area_allocator(Area area) REQUIRES(vm_lock);
AreaStats& area_counters(Area area) REQUIRES(vm_lock);

}  // namespace kernel::vm::detail
