// The physical page allocator: a libk::BuddyAllocator over the BootInfo memory map
// (docs/memory.md). Frames are 4 KiB; a block of order k is 2^k frames, aligned to its size.
//
// init() builds the pool from Usable memory minus the first MiB and everything
// kernel::early_memory handed out (those stay allocated for good). reclaim_boot_memory()
// later adds boot-services and loader memory, except the kernel ELF file (kept for symbols).
//
// Context: any but NMI, once init() ran; the pool is under the spinlock "pmm".
#pragma once

#include <boot/phys_pool.hpp>
#include <libk/buddy.hpp>
#include <libk/optional.hpp>

namespace kernel::pmm {

// Who holds a block (statistics; the buddy stores it per block).
enum class Owner : u16 {
  Other,
  PageTable,
  Slab,
  HeapLarge,
  Stack,
  BootData,
  Early,
  Test,
  Dma,
  User,  // a process's pages (kernel/proc/address_space.hpp)
  Count
};
libk::StringView owner_name(Owner owner);

// Physical memory below this is never put in the pool: frame 0 would look like a null
// pointer, and the first MiB holds legacy BIOS areas and, later, the SMP trampoline.
inline constexpr u64 kLowMemoryEnd = 1 * libk::MiB;

// Call once, after early_memory::init(). Returns false (after logging why) if the map
// leaves nothing to manage.
bool init();
bool ready();

// A block of 2^order frames (physical address), zeroed, or nullopt when out of memory.
// Zeroed because no stale data may reach a new owner, and because a frame whose old
// contents the CPU once executed (firmware or loader code) is slow to write under QEMU's
// TCG until every byte of it was written once: TCG keeps its translations of that code and
// checks each write to the page against them (docs/memory.md, "Frames come zeroed").
libk::Optional<u64> allocate(u32 order, Owner owner = Owner::Other);
// A block of 2^order frames, zeroed, that ends at or below physical `limit` (for devices
// that address only part of memory), or nullopt when no free block fits under it.
libk::Optional<u64> allocate_below(u32 order, u64 limit, Owner owner = Owner::Other);
// Frees a block; panics on a double free or a block that was never allocated.
void free(u64 phys, u32 order);
// Reference counts of single frames that several address spaces share (copy-on-write,
// docs/processes.md): kept in the buddy's per-frame metadata (4 spare bytes a frame), so that
// the lookup is O(1) and costs no memory beyond what the pool already has, and changed under
// the pool's lock, which every free takes anyway. A frame starts with one reference.
// share() adds one and returns the new count; release() drops one and frees the frame with
// the last, returning true then; references() is the count now. Each panics for a frame that
// is not an allocated single frame (a count never underflows); free() panics for a frame
// with references left.
u32 share(u64 phys);
bool release(u64 phys);
u32 references(u64 phys);
// True if `phys` is the start of a live block of `order` allocated for `owner`.
bool is_allocated(u64 phys, u32 order, Owner owner);

// The smallest order whose block holds `bytes` (at least 4 KiB).
u32 order_for(u64 bytes);

// Adds BootServices and LoaderReclaimable memory to the pool, except the kernel file and
// modules. Call only after everything the kernel needs from there was copied and the loader's
// page tables and stack are no longer in use. Returns the bytes added.
u64 reclaim_boot_memory();

struct Accounting {
  u64 usable;         // Usable bytes in the map
  u64 boot_services;  // BootServices bytes in the map
  u64 loader;         // LoaderReclaimable bytes in the map
  u64 low_memory;     // bytes of those three types below kLowMemoryEnd (never pooled)
  u64 early;          // handed out by early_memory before init (never returned)
  u64 kept;           // kernel file and modules, kept at reclaim
  u64 reclaimed;      // bytes added by reclaim_boot_memory()
};
Accounting accounting();
libk::BuddyAllocator::Stats stats();
// Merges the cache of recently freed single frames back into the free lists.
void drain_cache();
u64 pages_owned_by(Owner owner);
// O(frames): the buddy allocator's consistency walk (tests, debugging).
const char* check_invariants();

}  // namespace kernel::pmm
