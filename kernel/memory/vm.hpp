// The kernel's address space (docs/memory.md): its own page tables, built at boot by
// vm::init() (kernel sections W^X, direct map with per-range memory types, framebuffer
// write-combining), and the small API to change them. Every change invalidates the TLB.
//
// Context: any, once init() ran; callers are serialised with interrupts disabled.
#pragma once

#include <hal/page_fault.hpp>
#include <hal/paging.hpp>
#include <libk/format.hpp>
#include <libk/optional.hpp>
#include <libk/result.hpp>

namespace kernel::vm {

using hal::paging::Cache;
using hal::paging::MapError;
using hal::paging::Permissions;
using hal::paging::Translation;

// Builds the kernel's page tables, programs the PAT, enables global pages and loads CR3.
// Needs pmm. Maps the loader's boot stack too, so the caller can go on running on it until
// it switches to a kernel stack; then drop_boot_stack(). Returns false (after logging why)
// if the tables cannot be built; the loader's tables stay active then.
bool init();
void drop_boot_stack();

// An AP's share of init(): the same CPU features (NX, write protection, PAT, global pages)
// and the kernel's tables in CR3. Context: the AP's first steps, on the temporary tables.
void init_this_cpu();
// The kernel's top-level page table (physical), which every CPU's CR3 holds.
u64 kernel_root();
// Gives every top-level entry of the kernel half (PML4 entries 256-511) a page-directory-
// pointer table, so that these entries never change again: a process's top-level table copies
// them once and shares everything below (docs/processes.md). Costs 256 frames at most.
// Returns how many tables it added. Context: thread, before the first process.
u32 fill_kernel_half();
// Walks every present leaf of the live page tables (CR3) and panics, naming the page, if one
// is writable and executable or a kernel-half page is user-accessible; logs the count
// otherwise. Called at boot once the kernel's tables are active (kernel/main.cpp).
void audit_page_tables();

// Uses pages up to `largest` where alignment allows. The caller owns the frames.
libk::Result<void, MapError> map(u64 virt, u64 phys, u64 size, Permissions perms,
                                 hal::paging::PageSize largest = hal::paging::PageSize::Size4K);
// Returns the number of bytes that were mapped in the range.
libk::Result<u64, MapError> unmap(u64 virt, u64 size);
libk::Result<void, MapError> protect(u64 virt, u64 size, Permissions perms);
libk::Optional<Translation> translate(u64 virt);
hal::paging::PageState lookup(u64 virt, Translation* out = nullptr);

// The kernel virtual area (layout.hpp): page-granular blocks backed by 4 KiB frames, each
// with `guard_pages` unmapped guard pages below it. Returns the block's first mapped byte,
// or nullopt when out of frames or address space.
enum class Area : u8 { Heap, Stacks, Mmio, Count };
libk::Optional<u64> allocate_area(Area area, u64 size, u32 guard_pages, u16 owner);
// Unmaps the block at `base` (from allocate_area with the same guard count), frees its
// frames and its addresses. Returns the bytes it had, or 0 if `base` is not the start of a
// live block (nothing changed then).
u64 free_area(Area area, u64 base, u32 guard_pages);
// Frees blocks that free_area() retired: one shootdown makes every CPU forget them, then
// their frames and ranges are free again. free_area() purges by itself every 64 blocks or
// 4 MiB; call it to have everything back at once (tests comparing memory with a baseline).
void purge();
u64 purges_done();
struct AreaStats {
  u64 blocks, mapped_bytes, free_address_space, peak_blocks;
};
AreaStats area_stats(Area area);
libk::StringView area_name(Area area);

// Device registers: an uncached mapping of [phys, phys + size). Ranges that the direct map
// already covers uncached (MMIO below 4 GiB) come back through the direct map; others get a
// new mapping in the MMIO area. nullptr if that fails.
volatile void* map_mmio(u64 phys, u64 size);
void unmap_mmio(volatile void* virt, u64 size);

// What a page fault at `address` with `error_code` hit, for the #PF crash report: the
// fault class (guard page, not mapped, W^X / protection violation, ...) and the region.
// Context: the #PF handler, at any point of the boot: takes no lock, allocates nothing,
// walks the tables in CR3 through the direct map.
struct FaultReport {
  hal::paging::FaultKind kind;
  libk::StringView region;  // "kernel text", "kernel stack area", "direct map", ...
  hal::paging::FaultClass detail;
};
FaultReport explain_fault(u64 address, u64 error_code);
// One line, e.g. "protection violation: write to a read-only page in kernel text (write
// from kernel mode); mapped to physical 0x...". The signature of the crash reporter's
// page-fault describer hook (crash::set_page_fault_describer), which prints the address
// before it.
void describe_fault(libk::Sink& out, u64 address, u64 error_code);

// Region name of a kernel address (layout.hpp), for reports.
libk::StringView region_of(u64 address);

}  // namespace kernel::vm
