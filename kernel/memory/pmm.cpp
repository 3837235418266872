#include "memory/pmm.hpp"

#include <boot/memory_map.hpp>
#include <libk/utility.hpp>

#include "boot.hpp"
#include "early_memory.hpp"
#include "log.hpp"
#include "panic.hpp"
#include "sync/spinlock.hpp"

namespace kernel::pmm {

namespace {

using boot::MemoryType;
using boot::PhysRange;
using libk::BuddyAllocator;

// Poolable ranges closer than this share a buddy section: 64 MiB of hole costs 256 KiB of
// metadata, less than splitting hairs over firmware holes below 4 GiB.
constexpr u64 kSectionGap = 64 * libk::MiB;

constinit SpinLock pmm_lock{"pmm", lock_rank::kPmm};
constinit BuddyAllocator buddy GUARDED_BY(pmm_lock);
constinit bool initialised = false;
constinit Accounting totals GUARDED_BY(pmm_lock) = {};
constinit u64 owned[u32(Owner::Count)] GUARDED_BY(pmm_lock) = {};

u64 bytes_of(MemoryType type) {
  return boot::total_bytes(boot_info::memory_map(), [type](MemoryType t) { return t == type; });
}

u64 low_bytes_of(MemoryType type) {
  u64 sum = 0;
  for (const boot::MemoryRange& r : boot_info::memory_map())
    if (r.type == type && r.base < kLowMemoryEnd) sum += libk::min(r.end(), kLowMemoryEnd) - r.base;
  return sum;
}

void add_to_pool(PhysRange r) REQUIRES(pmm_lock) {
  auto added = buddy.add_free(r.base, r.length);
  if (!added)
    PANIC("pmm: cannot pool {:#x}+{:#x}: {}", r.base, r.length,
          libk::buddy_error_text(added.error()));
}

bool set_up_sections() REQUIRES(pmm_lock) {
  BuddyAllocator::Section sections[BuddyAllocator::kMaxSections];
  usize count = boot::plan_sections(boot_info::memory_map(), kSectionGap, sections);
  if (count == 0) {
    log::error("pmm: the memory map has no usable RAM");
    return false;
  }
  libk::Span<const BuddyAllocator::Section> span(sections, count);
  u64 metadata = BuddyAllocator::metadata_bytes(span);
  auto storage = early_memory::allocate(metadata);
  if (!storage) {
    log::error("pmm: no early memory for {} of frame metadata", libk::ByteSize{metadata});
    return false;
  }
  auto r = buddy.init(span, boot_info::physical_to_virtual<void>(*storage), metadata);
  if (!r) {
    log::error("pmm: {}", libk::buddy_error_text(r.error()));
    return false;
  }
  log::info("pmm: {} section(s), {} of frame metadata at {:#x}", count, libk::ByteSize{metadata},
            *storage);
  return true;
}

}  // namespace

libk::StringView owner_name(Owner owner) {
  constexpr const char* kNames[] = {"other",  "page tables", "slab",  "heap (large)",
                                    "stacks", "boot data",   "early", "tests",
                                    "DMA",    "user pages"};
  static_assert(libk::array_size(kNames) == u32(Owner::Count));
  return u32(owner) < u32(Owner::Count) ? kNames[u32(owner)] : "?";
}

bool init() {
  SpinLockGuard guard(pmm_lock);  // nothing else runs yet; the analysis wants it all the same
  if (!set_up_sections()) return false;
  auto early = early_memory::allocated();
  PhysRange exclusions[8];
  usize n = 0;
  exclusions[n++] = {0, kLowMemoryEnd};
  VERIFY(early.size() < libk::array_size(exclusions));
  for (const auto& e : early) exclusions[n++] = {e.base, e.length};
  boot::for_each_free_range(boot_info::memory_map(), MemoryType::Usable, {exclusions, n},
                            [](PhysRange r) NO_THREAD_SAFETY_ANALYSIS { add_to_pool(r); });

  totals.usable = bytes_of(MemoryType::Usable);
  totals.boot_services = bytes_of(MemoryType::BootServices);
  totals.loader = bytes_of(MemoryType::LoaderReclaimable);
  totals.low_memory = low_bytes_of(MemoryType::Usable) + low_bytes_of(MemoryType::BootServices) +
                      low_bytes_of(MemoryType::LoaderReclaimable);
  for (const auto& e : early) totals.early += e.length;
  initialised = true;
  log::info("pmm: {} free of {} usable ({} below 1 MiB and {} early allocations kept out)",
            libk::ByteSize{buddy.stats().free_frames * libk::kPageSize},
            libk::ByteSize{totals.usable}, libk::ByteSize{low_bytes_of(MemoryType::Usable)},
            libk::ByteSize{totals.early});
  return true;
}

bool ready() { return initialised; }

libk::Optional<u64> allocate(u32 order, Owner owner) {
  libk::Optional<u64> block;
  {
    SpinLockGuard guard(pmm_lock);
    block = buddy.allocate(order, u16(owner));
    if (block) owned[u32(owner)] += u64{1} << order;
  }
  // Outside the lock: the block is ours alone now.
  if (block)
    __builtin_memset(boot_info::physical_to_virtual<void>(*block), 0, libk::kPageSize << order);
  return block;
}

libk::Optional<u64> allocate_below(u32 order, u64 limit, Owner owner) {
  libk::Optional<u64> block;
  {
    SpinLockGuard guard(pmm_lock);
    block = buddy.allocate_below(order, limit, u16(owner));
    if (block) owned[u32(owner)] += u64{1} << order;
  }
  // Zeroed like allocate's blocks, outside the lock.
  if (block)
    __builtin_memset(boot_info::physical_to_virtual<void>(*block), 0, libk::kPageSize << order);
  return block;
}

void free(u64 phys, u32 order) {
  SpinLockGuard guard(pmm_lock);
  auto info = buddy.block_at(phys);
  auto r = buddy.free(phys, order);
  if (!r)
    PANIC("pmm: bad free of {:#x} (order {}): {}", phys, order, libk::buddy_error_text(r.error()));
  owned[info.value().tag < u16(Owner::Count) ? info.value().tag : 0] -= u64{1} << order;
}

u32 share(u64 phys) {
  SpinLockGuard guard(pmm_lock);
  auto r = buddy.share(phys);
  if (!r) PANIC("pmm: share of {:#x}: {}", phys, libk::buddy_error_text(r.error()));
  return r.value();
}

bool release(u64 phys) {
  SpinLockGuard guard(pmm_lock);
  auto info = buddy.block_at(phys);
  auto r = buddy.release(phys, 0);
  if (!r) PANIC("pmm: release of {:#x}: {}", phys, libk::buddy_error_text(r.error()));
  if (r.value()) owned[info.value().tag < u16(Owner::Count) ? info.value().tag : 0] -= 1;
  return r.value();
}

u32 references(u64 phys) {
  SpinLockGuard guard(pmm_lock);
  auto r = buddy.references(phys);
  if (!r) PANIC("pmm: references of {:#x}: {}", phys, libk::buddy_error_text(r.error()));
  return r.value();
}

bool is_allocated(u64 phys, u32 order, Owner owner) {
  SpinLockGuard guard(pmm_lock);
  auto info = buddy.block_at(phys);
  return info && info.value().state == BuddyAllocator::State::Allocated &&
         info.value().order == order && info.value().tag == u16(owner);
}

u32 order_for(u64 bytes) {
  u32 order = 0;
  while ((libk::kPageSize << order) < bytes && order < BuddyAllocator::kMaxOrder) ++order;
  return order;
}

u64 reclaim_boot_memory() {
  const boot::BootInfo& info = boot_info::get();
  PhysRange keep[2 + 16];
  usize n = 0;
  keep[n++] = {0, kLowMemoryEnd};
  keep[n++] = {info.kernel_file, info.kernel_file_size};
  auto* modules = boot_info::physical_to_virtual<const boot::Module>(info.modules);
  for (u32 i = 0; i < info.module_count && n < libk::array_size(keep); ++i)
    keep[n++] = {modules[i].base, modules[i].size};
  // Modules beyond what `keep` holds live in loader memory too: keep all of it rather than
  // free memory that BootInfo still points into.
  bool keep_loader = info.module_count > libk::array_size(keep) - 2;
  if (keep_loader)
    log::warn("pmm: {} boot modules, more than {} tracked; loader memory is not reclaimed",
              info.module_count, libk::array_size(keep) - 2);

  SpinLockGuard guard(pmm_lock);
  u64 before = buddy.stats().free_frames;
  // The callbacks run inside this function, under the guard; the analysis cannot see that.
  auto pool = [](PhysRange r) NO_THREAD_SAFETY_ANALYSIS { add_to_pool(r); };
  boot::for_each_free_range(boot_info::memory_map(), MemoryType::BootServices, {keep, n}, pool);
  if (!keep_loader)
    boot::for_each_free_range(boot_info::memory_map(), MemoryType::LoaderReclaimable, {keep, n},
                              pool);
  totals.reclaimed = (buddy.stats().free_frames - before) * libk::kPageSize;
  for (usize i = 1; i < n; ++i)
    if (keep[i].length)
      totals.kept += libk::align_up(keep[i].end(), libk::kPageSize) -
                     libk::align_down(keep[i].base, libk::kPageSize);
  return totals.reclaimed;
}

Accounting accounting() {
  SpinLockGuard guard(pmm_lock);
  return totals;
}

BuddyAllocator::Stats stats() {
  SpinLockGuard guard(pmm_lock);
  return buddy.stats();
}

void drain_cache() {
  SpinLockGuard guard(pmm_lock);
  buddy.drain_cache();
}

u64 pages_owned_by(Owner owner) {
  SpinLockGuard guard(pmm_lock);
  return owned[u32(owner)];
}

const char* check_invariants() {
  SpinLockGuard guard(pmm_lock);
  return buddy.check_invariants();
}

}  // namespace kernel::pmm
