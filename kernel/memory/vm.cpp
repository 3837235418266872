#include "memory/vm.hpp"

#include <hal/pat.hpp>
#include <hal/registers.hpp>
#include <hal/tlb.hpp>
#include <libk/extent_allocator.hpp>

#include "cpu/info.hpp"
#include "cpu/tlb.hpp"
#include "log.hpp"
#include "memory/kernel_tables.hpp"
#include "memory/layout.hpp"
#include "panic.hpp"

namespace kernel::vm {

constinit SpinLock detail::vm_lock{"vm", lock_rank::kVm};

namespace {

using hal::paging::PageState;
using hal::paging::PageTables;
using libk::ExtentAllocator;

constexpr u32 kAreaCount = u32(Area::Count);
constexpr u64 kExtentPages = 4;  // extent table per area: 1024 free ranges

constinit detail::PmmTableMemory table_memory;
constinit PageTables tables GUARDED_BY(detail::vm_lock)(table_memory, 0);
constinit ExtentAllocator areas[kAreaCount] GUARDED_BY(detail::vm_lock);
constinit AreaStats area_counts[kAreaCount] GUARDED_BY(detail::vm_lock) = {};

constexpr u64 kAreaBases[kAreaCount] = {layout::kHeapAreaBase, layout::kStackAreaBase,
                                        layout::kMmioAreaBase};

void enable_cpu_features(bool global_pages) {
  hal::Efer::read().set_nxe(true).write();  // NX bits mean something (SDM Vol. 3A §4.1.1)
  hal::Cr0::read().set_wp(true).write();    // the kernel honours read-only pages too (§2.5)
  if (cpu::info().pat) hal::Pat(hal::Pat::ember_layout()).write();
  if (global_pages) hal::Cr4::read().set_pge(true).write();
}

bool init_areas() REQUIRES(detail::vm_lock) {
  for (u32 i = 0; i < kAreaCount; ++i) {
    auto frames = pmm::allocate(pmm::order_for(kExtentPages * libk::kPageSize), pmm::Owner::Other);
    if (!frames) return false;
    auto* storage = boot_info::physical_to_virtual<ExtentAllocator::Extent>(*frames);
    areas[i].init(kAreaBases[i], layout::kAreaSize, libk::kPageSize,
                  {storage, kExtentPages * libk::kPageSize / sizeof(ExtentAllocator::Extent)});
  }
  return true;
}

}  // namespace

namespace detail {
PageTables& kernel_tables() {
  vm_lock.assert_held();
  return tables;
}
ExtentAllocator& area_allocator(Area area) { return areas[u32(area)]; }
AreaStats& area_counters(Area area) { return area_counts[u32(area)]; }
}  // namespace detail

bool init() {
  SpinLockGuard guard(detail::vm_lock);
  auto created = PageTables::create(table_memory);
  if (!created) {
    log::error("vm: out of memory for the top-level page table");
    return false;
  }
  tables = created.release_value();
  bool global_pages = cpu::info().global_pages;
  if (!detail::build_kernel_tables(tables, global_pages) || !init_areas()) return false;
  enable_cpu_features(global_pages);
  hal::Cr3(0).set_base(tables.root()).write();
  hal::tlb::flush_all();  // drops global entries the firmware may have left
  log::info("vm: kernel page tables active ({} table pages); PAT {}, global pages {}",
            tables.tables_allocated(), cpu::info().pat ? "programmed (WC at 4)" : "absent",
            global_pages ? "on" : "off");
  return true;
}

void init_this_cpu() {
  enable_cpu_features(cpu::info().global_pages);
  hal::Cr3(0).set_base(kernel_root()).write();
}

u32 fill_kernel_half() {
  SpinLockGuard guard(detail::vm_lock);
  u64* top = table_memory.table_at(tables.root());
  u32 added = 0;
  for (u32 i = 256; i < 512; ++i) {
    if (hal::paging::PageEntry(top[i]).present()) continue;
    auto frame = table_memory.allocate_table();
    VERIFY(frame);  // at boot: 1 MiB at most
    top[i] =
        hal::paging::PageEntry(0).set_address(*frame).set_present(true).set_writable(true).raw();
    ++added;
  }
  return added;
}

// Written once by init(), before any AP starts: no lock needed to read it.
u64 kernel_root() NO_THREAD_SAFETY_ANALYSIS { return tables.root(); }

void drop_boot_stack() {
  const boot::BootInfo& info = boot_info::get();
  u64 bottom = info.boot_stack_top - info.boot_stack_size - libk::kPageSize;  // with its guard
  VERIFY(unmap(bottom, info.boot_stack_top - bottom).ok());
}

libk::Result<void, MapError> map(u64 virt, u64 phys, u64 size, Permissions perms,
                                 hal::paging::PageSize largest) {
  SpinLockGuard guard(detail::vm_lock);
  return tables.map(virt, phys, size, perms, largest);
}

libk::Result<u64, MapError> unmap(u64 virt, u64 size) {
  SpinLockGuard guard(detail::vm_lock);
  auto r = tables.unmap(virt, size);
  tlb::shootdown(virt, size);  // also after a partial failure: some pages may be gone
  return r;
}

libk::Result<void, MapError> protect(u64 virt, u64 size, Permissions perms) {
  SpinLockGuard guard(detail::vm_lock);
  auto r = tables.protect(virt, size, perms);
  tlb::shootdown(virt, size);
  return r;
}

libk::Optional<Translation> translate(u64 virt) {
  SpinLockGuard guard(detail::vm_lock);
  return tables.translate(virt);
}

PageState lookup(u64 virt, Translation* out) {
  SpinLockGuard guard(detail::vm_lock);
  return tables.lookup(virt, out);
}

libk::StringView area_name(Area area) {
  constexpr const char* kNames[] = {"heap area", "kernel stack area", "MMIO area"};
  return u32(area) < kAreaCount ? kNames[u32(area)] : "?";
}

AreaStats area_stats(Area area) {
  SpinLockGuard guard(detail::vm_lock);
  AreaStats s = area_counts[u32(area)];
  s.free_address_space = areas[u32(area)].free_bytes();
  return s;
}

}  // namespace kernel::vm
