// The kernel's own page tables, built once at boot (docs/memory.md, "Address space").
#include "memory/kernel_tables.hpp"

#include <hal/cpu.hpp>
#include <hal/registers.hpp>
#include <libk/utility.hpp>

#include "cpu/info.hpp"
#include "log.hpp"
#include "memory/layout.hpp"

extern "C" char __text_start[], __text_end[], __rodata_start[], __rodata_end[], __data_start[],
    __kernel_end[];

namespace kernel::vm::detail {

namespace {

using boot::MemoryType;
using hal::paging::Cache;
using hal::paging::PageSize;
using hal::paging::PageTables;
using hal::paging::Permissions;

bool check(libk::Result<void, hal::paging::MapError> r, const char* what, u64 va) {
  if (!r)
    log::error("vm: cannot map {} at {:#x}: {}", what, va, hal::paging::map_error_text(r.error()));
  return r.ok();
}

u64 address(const char* symbol) { return reinterpret_cast<u64>(symbol); }

bool map_section(PageTables& t, const char* name, u64 begin, u64 end, Permissions perms) {
  const boot::BootInfo& info = boot_info::get();
  begin = libk::align_down(begin, libk::kPageSize);
  end = libk::align_up(end, libk::kPageSize);
  u64 phys = info.kernel_physical_base + (begin - info.kernel_virtual_base);
  return check(t.map(begin, phys, end - begin, perms), name, begin);
}

// Text R-X, rodata R--, data and bss RW-: W^X by construction (kernel/linker.ld puts each
// permission set on its own pages).
bool map_kernel_image(PageTables& t, bool global) {
  return map_section(t, "kernel text", address(__text_start), address(__text_end),
                     {.executable = true, .global = global}) &&
         map_section(t, "kernel rodata", address(__rodata_start), address(__rodata_end),
                     {.global = global}) &&
         map_section(t, "kernel data", address(__data_start), address(__kernel_end),
                     {.writable = true, .global = global});
}

// Accumulates adjacent ranges with the same permissions into one map() call, so the builder
// can use the largest pages their alignment allows.
class DirectMap {
 public:
  DirectMap(PageTables& t, PageSize largest, bool global)
      : t_(t), largest_(largest), global_(global) {}

  bool add(u64 begin, u64 end, Cache cache, bool writable) {
    if (begin >= end) return true;
    if (open_ && begin == end_ && cache == cache_ && writable == writable_) {
      end_ = end;
      return true;
    }
    if (!flush()) return false;
    begin_ = begin, end_ = end, cache_ = cache, writable_ = writable, open_ = true;
    return true;
  }

  bool flush() {
    if (!open_) return true;
    open_ = false;
    Permissions perms{.writable = writable_, .global = global_, .cache = cache_};
    return check(t_.map(layout::kDirectMapBase + begin_, begin_, end_ - begin_, perms, largest_),
                 "direct map", layout::kDirectMapBase + begin_);
  }

 private:
  PageTables& t_;
  PageSize largest_;
  bool global_;
  bool open_ = false, writable_ = false;
  u64 begin_ = 0, end_ = 0;
  Cache cache_ = Cache::WriteBack;
};

// Every range of the memory map up to direct_map_size, plus the holes below 4 GiB (local
// APIC, I/O APIC, HPET and PCI BARs live there) uncached. Holes above 4 GiB stay unmapped.
// The kernel image is mapped read-only here, so its text has no writable alias.
bool map_direct(PageTables& t, bool global) {
  const u64 limit = boot_info::get().direct_map_size;
  constexpr u64 kLowMmioEnd = 4 * libk::GiB;
  PageSize largest = cpu::info().huge_pages_1g ? PageSize::Size1G : PageSize::Size2M;
  DirectMap dm(t, largest, global);
  u64 cursor = 0;
  for (const boot::MemoryRange& r : boot_info::memory_map()) {
    if (r.base >= limit) break;
    if (r.base > cursor && cursor < kLowMmioEnd &&
        !dm.add(cursor, libk::min(r.base, kLowMmioEnd), Cache::Uncached, true))
      return false;
    u64 end = libk::min(r.end(), limit);
    if (r.type != MemoryType::Bad &&
        !dm.add(r.base, end, direct_map_cache(r.type), r.type != MemoryType::KernelImage))
      return false;
    cursor = libk::max(cursor, end);
  }
  if (cursor < kLowMmioEnd && !dm.add(cursor, kLowMmioEnd, Cache::Uncached, true)) return false;
  return dm.flush();
}

// The loader's stack, page by page at the same physical frames, so the boot can go on on it
// after CR3 changes; its guard page too.
bool map_boot_stack(PageTables& t) {
  const boot::BootInfo& info = boot_info::get();
  PmmTableMemory view;
  PageTables loader(view, hal::Cr3::read().base());
  u64 bottom = info.boot_stack_top - info.boot_stack_size;
  for (u64 va = bottom; va < info.boot_stack_top; va += libk::kPageSize) {
    auto page = loader.translate(va);
    if (!page) {
      log::error("vm: the boot stack page {:#x} is not mapped", va);
      return false;
    }
    if (!check(t.map(va, page->physical, libk::kPageSize, {.writable = true}), "boot stack", va))
      return false;
  }
  return check(t.map_guard(bottom - libk::kPageSize, libk::kPageSize), "boot stack guard", bottom);
}

}  // namespace

Cache direct_map_cache(MemoryType type) {
  switch (type) {
    case MemoryType::Mmio:
    case MemoryType::Reserved: return Cache::Uncached;
    case MemoryType::Framebuffer: return Cache::WriteCombining;
    default: return Cache::WriteBack;
  }
}

bool build_kernel_tables(PageTables& tables, bool global_pages) {
  return map_kernel_image(tables, global_pages) && map_direct(tables, global_pages) &&
         map_boot_stack(tables);
}

}  // namespace kernel::vm::detail
