// In-kernel tests of the physical page allocator against the real memory map. Also run alone
// (test=memory.pmm.*) by the -m 64M / 512M / 4G / 16G boots in tests/qemu.
#include <boot/phys_pool.hpp>
#include <libk/utility.hpp>

#include "boot.hpp"
#include "early_memory.hpp"
#include "ktest.hpp"
#include "memory/pmm.hpp"

namespace kernel {

namespace {

using boot::MemoryType;

// The pool recomputed from the map, independently of pmm's own bookkeeping: poolable types
// minus the first MiB, early allocations, the kernel file and the boot modules (the initrd).
u64 expected_pool_bytes() {
  const boot::BootInfo& info = boot_info::get();
  u64 kernel_file_begin = libk::align_down(info.kernel_file, libk::kPageSize);
  u64 kernel_file_end = libk::align_up(info.kernel_file + info.kernel_file_size, libk::kPageSize);
  u64 sum = 0;
  for (const boot::MemoryRange& r : boot_info::memory_map()) {
    if (r.type != MemoryType::Usable && r.type != MemoryType::BootServices &&
        r.type != MemoryType::LoaderReclaimable)
      continue;
    for (u64 page = libk::max(r.base, pmm::kLowMemoryEnd); page < r.end();
         page += libk::kPageSize) {
      bool excluded = page >= kernel_file_begin && page < kernel_file_end;
      const auto* modules = boot_info::physical_to_virtual<const boot::Module>(info.modules);
      for (u32 i = 0; i < info.module_count; ++i)
        excluded |= page >= libk::align_down(modules[i].base, libk::kPageSize) &&
                    page < libk::align_up(modules[i].base + modules[i].size, libk::kPageSize);
      for (const auto& e : early_memory::allocated())
        excluded |= page >= e.base && page < e.base + e.length;
      if (!excluded) sum += libk::kPageSize;
    }
  }
  return sum;
}

// Every page in a poolable range (a block may straddle two adjacent ranges of different types).
bool inside_poolable_ram(u64 base, u64 size) {
  for (u64 page = base; page < base + size; page += libk::kPageSize) {
    bool found = false;
    for (const boot::MemoryRange& r : boot_info::memory_map())
      found |= boot::is_poolable(r.type) && r.base <= page && page < r.end();
    if (!found) return false;
  }
  return true;
}

// Blocks taken while exhausting memory are chained through their own first bytes.
struct Chain {
  u64 next;
  u32 order;
};

}  // namespace

KTEST("memory.pmm.pool_matches_map") {
  auto s = pmm::stats();
  u64 pool = (s.free_frames + s.allocated_frames) * libk::kPageSize;
  KEXPECT_EQ(pool, expected_pool_bytes());
  const pmm::Accounting& a = pmm::accounting();
  KEXPECT_EQ(pool, a.usable + a.boot_services + a.loader - a.low_memory - a.early - a.kept);
  KEXPECT(a.reclaimed > 0);
}

KTEST("memory.pmm.invariants") {
  const char* problem = pmm::check_invariants();
  KEXPECT_EQ(libk::StringView(problem ? problem : "ok"), libk::StringView("ok"));
}

KTEST("memory.pmm.blocks_are_aligned_usable_ram") {
  u64 free_before = pmm::stats().free_frames;
  u64 blocks[11];
  for (u32 order = 0; order <= 10; ++order) {
    auto b = pmm::allocate(order, pmm::Owner::Test);
    if (!KEXPECT(b.has_value())) return;
    blocks[order] = *b;
    u64 size = libk::kPageSize << order;
    KEXPECT(libk::is_aligned(*b, size));
    KEXPECT(*b >= pmm::kLowMemoryEnd);
    KEXPECT(inside_poolable_ram(*b, size));
    const boot::BootInfo& info = boot_info::get();
    KEXPECT(!libk::ranges_overlap(*b, *b + size, info.kernel_file,
                                  info.kernel_file + info.kernel_file_size));
    for (const auto& e : early_memory::allocated())
      KEXPECT(!libk::ranges_overlap(*b, *b + size, e.base, e.base + e.length));
    // The memory is really there: write the last byte, read it back.
    volatile u8* last = boot_info::physical_to_virtual<volatile u8>(*b + size - 1);
    *last = u8(order + 1);
    KEXPECT_EQ(u8(*last), u8(order + 1));
  }
  KEXPECT_EQ(pmm::pages_owned_by(pmm::Owner::Test), u64{(1 << 11) - 1});
  for (u32 order = 0; order <= 10; ++order) pmm::free(blocks[order], order);
  KEXPECT_EQ(pmm::stats().free_frames, free_before);
  KEXPECT_EQ(pmm::pages_owned_by(pmm::Owner::Test), u64{0});
}

// Takes every free frame (largest blocks first), checks nothing is left, gives them all back
// and checks the pool coalesced back into exactly the blocks it started with.
KTEST("memory.pmm.exhaust_and_coalesce") {
  pmm::drain_cache();
  auto before = pmm::stats();
  u64 head = 0, frames = 0;
  for (i32 order = libk::BuddyAllocator::kMaxOrder; order >= 0; --order) {
    while (auto b = pmm::allocate(u32(order), pmm::Owner::Test)) {
      *boot_info::physical_to_virtual<Chain>(*b) = {head, u32(order)};
      head = *b;
      frames += u64{1} << order;
    }
  }
  auto empty = pmm::stats();
  KEXPECT_EQ(empty.free_frames, u64{0});
  KEXPECT_EQ(frames, before.free_frames);
  KEXPECT(!pmm::allocate(0).has_value());
  while (head) {
    Chain c = *boot_info::physical_to_virtual<Chain>(head);
    pmm::free(head, c.order);
    head = c.next;
  }
  pmm::drain_cache();
  auto after = pmm::stats();
  KEXPECT_EQ(after.free_frames, before.free_frames);
  for (u32 order = 0; order <= libk::BuddyAllocator::kMaxOrder; ++order)
    KEXPECT_EQ(after.free_blocks[order], before.free_blocks[order]);
  KEXPECT(pmm::check_invariants() == nullptr);
}

KTEST("memory.pmm.kernel_file_kept") {
  const boot::BootInfo& info = boot_info::get();
  if (!KEXPECT(info.kernel_file != 0 && info.kernel_file_size >= 4)) return;
  const u8* elf = boot_info::physical_to_virtual<const u8>(info.kernel_file);
  KEXPECT(elf[0] == 0x7f && elf[1] == 'E' && elf[2] == 'L' && elf[3] == 'F');
  KEXPECT(pmm::accounting().kept >= info.kernel_file_size);
}

}  // namespace kernel
