// In-kernel tests of the kernel's page tables and the VM API (docs/memory.md).
#include <hal/paging_audit.hpp>
#include <hal/pat.hpp>
#include <hal/registers.hpp>
#include <libk/utility.hpp>

#include "boot.hpp"
#include "cpu/info.hpp"
#include "ktest.hpp"
#include "memory/heap.hpp"
#include "memory/kernel_tables.hpp"
#include "memory/layout.hpp"
#include "memory/pmm.hpp"
#include "memory/stacks.hpp"
#include "memory/vm.hpp"

extern "C" char __text_start[], __rodata_start[], __data_start[], __kernel_end[];

namespace kernel {

namespace {

using namespace hal::paging;

constexpr u64 kUc = kCacheDisable | kWriteThrough;
// Scratch addresses for map/unmap tests: the top of the MMIO area, which map_mmio (first fit
// from the bottom) does not reach.
constexpr u64 kScratch = layout::kMmioAreaBase + layout::kAreaSize - 64 * libk::MiB;

u64 pat_bit(const Translation& t) { return t.size == PageSize::Size4K ? kPat4K : kPatLarge; }

}  // namespace

KTEST("memory.vm.control_registers") {
  KEXPECT(hal::Cr0::read().wp());
  KEXPECT(hal::Efer::read().nxe());
  if (cpu::info().pat) {
    hal::Pat pat = hal::Pat::read();
    KEXPECT(pat.entry(0) == hal::MemoryType::WriteBack);
    KEXPECT(pat.entry(1) == hal::MemoryType::WriteThrough);
    KEXPECT(pat.entry(2) == hal::MemoryType::UncachedMinus);
    KEXPECT(pat.entry(3) == hal::MemoryType::Uncacheable);
    KEXPECT(pat.entry(4) == hal::MemoryType::WriteCombining);
  }
}

KTEST("memory.vm.kernel_sections_w_xor_x") {
  auto text = vm::translate(reinterpret_cast<u64>(__text_start));
  auto rodata = vm::translate(reinterpret_cast<u64>(__rodata_start));
  auto data = vm::translate(reinterpret_cast<u64>(__data_start));
  auto bss_end = vm::translate(reinterpret_cast<u64>(__kernel_end) - 1);
  if (!KEXPECT(text && rodata && data && bss_end)) return;
  KEXPECT(!(text->flags & kWritable) && !(text->flags & kNoExecute));
  KEXPECT(!(rodata->flags & kWritable) && (rodata->flags & kNoExecute));
  KEXPECT((data->flags & kWritable) && (data->flags & kNoExecute));
  KEXPECT((bss_end->flags & kWritable) && (bss_end->flags & kNoExecute));
  if (cpu::info().global_pages) KEXPECT((text->flags & kGlobal));
  // The direct-map alias of the kernel image is read-only: text has no writable mapping.
  auto alias = vm::translate(layout::kDirectMapBase + text->physical);
  if (KEXPECT(alias.has_value())) KEXPECT(!(alias->flags & kWritable));
}

// The boot-time audit's walk over the live tables, after the boot (and this test run so far)
// changed them.
KTEST("memory.vm.nothing_writable_is_executable") {
  vm::detail::PmmTableMemory tables;
  auto result = hal::paging::audit_tables(tables, hal::Cr3::read().base());
  KEXPECT(!result.finding.has_value());
  KEXPECT(result.leaves > 10);
}

KTEST("memory.vm.no_identity_map") {
  KEXPECT(vm::lookup(0) == PageState::NotMapped);
  KEXPECT(vm::lookup(0x100000) == PageState::NotMapped);
  KEXPECT(vm::lookup(boot_info::get().kernel_physical_base) == PageState::NotMapped);
}

KTEST("memory.vm.direct_map_memory_types") {
  const boot::BootInfo& info = boot_info::get();
  for (const boot::MemoryRange& r : boot_info::memory_map()) {
    if (r.base >= info.direct_map_size || r.type == boot::MemoryType::Bad) continue;
    auto page = vm::translate(layout::kDirectMapBase + r.base);
    if (!KEXPECT(page.has_value())) continue;
    KEXPECT_EQ(page->physical, r.base);
    KEXPECT((page->flags & kNoExecute));
    switch (r.type) {
      case boot::MemoryType::Mmio:
      case boot::MemoryType::Reserved: KEXPECT_EQ(page->flags & kUc, kUc); break;
      case boot::MemoryType::Framebuffer:
        KEXPECT((page->flags & pat_bit(*page)) && !(page->flags & kUc));
        break;
      default: KEXPECT(!(page->flags & kUc) && !(page->flags & pat_bit(*page)));
    }
  }
  // A hole below 4 GiB (the local APIC's page is in none of OVMF's ranges) is uncached.
  auto lapic = vm::translate(layout::kDirectMapBase + 0xfee0'0000);
  if (KEXPECT(lapic.has_value())) KEXPECT_EQ(lapic->flags & kUc, kUc);
}

KTEST("memory.vm.map_unmap_protect") {
  auto frame = pmm::allocate(9, pmm::Owner::Test);  // 2 MiB, 2 MiB-aligned
  if (!KEXPECT(frame.has_value())) return;
  auto* direct = boot_info::physical_to_virtual<volatile u64>(*frame);
  direct[512 * 3] = 0x1234'5678;  // offset 12 KiB
  KEXPECT(vm::map(kScratch, *frame, 2 * libk::MiB, {.writable = true}, PageSize::Size2M).ok());
  auto big = vm::translate(kScratch);
  if (KEXPECT(big.has_value())) KEXPECT(big->size == PageSize::Size2M);
  auto* mapped = reinterpret_cast<volatile u64*>(kScratch);
  KEXPECT_EQ(u64(mapped[512 * 3]), u64{0x1234'5678});
  // Unmapping one page splits the 2 MiB page; the rest stays reachable.
  KEXPECT_EQ(vm::unmap(kScratch + 4 * libk::KiB, 4 * libk::KiB).value(), 4 * libk::KiB);
  KEXPECT(vm::lookup(kScratch + 4 * libk::KiB) == PageState::NotMapped);
  KEXPECT_EQ(u64(mapped[512 * 3]), u64{0x1234'5678});
  KEXPECT(vm::protect(kScratch, 8 * libk::KiB, {}).error() == MapError::NotMapped);
  KEXPECT(vm::protect(kScratch + 8 * libk::KiB, 8 * libk::KiB, {}).ok());
  KEXPECT(!(vm::translate(kScratch + 12 * libk::KiB)->flags & kWritable));
  KEXPECT((vm::translate(kScratch + 16 * libk::KiB)->flags & kWritable));
  KEXPECT_EQ(vm::unmap(kScratch, 2 * libk::MiB).value(), 2 * libk::MiB - 4 * libk::KiB);
  pmm::free(*frame, 9);
}

// A stale TLB entry would still show the old frame after the remap.
KTEST("memory.vm.remap_invalidates_tlb") {
  auto a = pmm::allocate(0, pmm::Owner::Test), b = pmm::allocate(0, pmm::Owner::Test);
  if (!KEXPECT(a && b)) return;
  *boot_info::physical_to_virtual<volatile u64>(*a) = 0xaaaa;
  *boot_info::physical_to_virtual<volatile u64>(*b) = 0xbbbb;
  auto* page = reinterpret_cast<volatile u64*>(kScratch);
  KEXPECT(vm::map(kScratch, *a, libk::kPageSize, {.writable = true}).ok());
  KEXPECT_EQ(u64(*page), u64{0xaaaa});
  KEXPECT(vm::unmap(kScratch, libk::kPageSize).ok());
  KEXPECT(vm::map(kScratch, *b, libk::kPageSize, {.writable = true}).ok());
  KEXPECT_EQ(u64(*page), u64{0xbbbb});
  KEXPECT(vm::unmap(kScratch, libk::kPageSize).ok());
  pmm::free(*a, 0);
  pmm::free(*b, 0);
}

KTEST("memory.vm.area_blocks_have_guard_pages") {
  vm::purge();
  u64 free_frames = pmm::stats().free_frames;
  auto block = vm::allocate_area(vm::Area::Heap, 3 * libk::kPageSize, 1, u16(pmm::Owner::Test));
  if (!KEXPECT(block.has_value())) return;
  KEXPECT(vm::lookup(*block - libk::kPageSize) == PageState::Guard);
  for (u64 i = 0; i < 3; ++i)
    KEXPECT(vm::lookup(*block + i * libk::kPageSize) == PageState::Mapped);
  KEXPECT_EQ(vm::free_area(vm::Area::Heap, *block + libk::kPageSize, 1), u64{0});  // not a start
  KEXPECT_EQ(vm::free_area(vm::Area::Heap, *block, 1), 3 * libk::kPageSize);
  KEXPECT(vm::lookup(*block) == PageState::NotMapped);
  KEXPECT(vm::lookup(*block - libk::kPageSize) == PageState::NotMapped);
  KEXPECT_EQ(vm::free_area(vm::Area::Heap, *block, 1), u64{0});  // double free: refused
  // The frames wait for the next purge (every CPU's TLB forgets them first), then are free.
  KEXPECT_EQ(pmm::stats().free_frames, free_frames - 3);
  u64 purges = vm::purges_done();
  vm::purge();
  KEXPECT_EQ(vm::purges_done(), purges + 1);
  KEXPECT_EQ(pmm::stats().free_frames, free_frames);
}

KTEST("memory.vm.mmio") {
  u64 blocks = vm::area_stats(vm::Area::Mmio).blocks;  // device BARs above 4 GiB, mapped for good
  // Below 4 GiB the direct map already covers device memory uncached.
  volatile void* lapic = vm::map_mmio(0xfee0'0000, 0x400);
  KEXPECT_EQ(reinterpret_cast<u64>(lapic), layout::kDirectMapBase + 0xfee0'0000);
  // Above the direct map, a new uncached mapping in the MMIO area.
  u64 high = boot_info::get().direct_map_size + 0x1234'5000;
  volatile void* window = vm::map_mmio(high + 0x10, 0x2000);
  u64 va = reinterpret_cast<u64>(window);
  KEXPECT(va >= layout::kMmioAreaBase && va < layout::kMmioAreaBase + layout::kAreaSize);
  auto page = vm::translate(va);
  if (KEXPECT(page.has_value())) {
    KEXPECT_EQ(page->physical, high + 0x10);
    KEXPECT_EQ(page->flags & kUc, kUc);
  }
  KEXPECT(vm::translate(va + 0x1ff0).has_value());  // both pages
  vm::unmap_mmio(window, 0x2000);
  KEXPECT(vm::lookup(va) == PageState::NotMapped);
  KEXPECT_EQ(vm::area_stats(vm::Area::Mmio).blocks, blocks);
}

KTEST("memory.vm.explain_fault") {
  using hal::paging::FaultKind;
  constexpr u64 kPresent = 1, kWrite = 2, kFetch = 16;
  auto text = vm::explain_fault(reinterpret_cast<u64>(__text_start) + 16, kPresent | kWrite);
  KEXPECT(text.kind == FaultKind::WriteToReadOnly);
  KEXPECT(text.region == "kernel text");
  void* heap_block = heap::allocate(64 * libk::KiB);
  auto exec = vm::explain_fault(reinterpret_cast<u64>(heap_block), kPresent | kFetch);
  KEXPECT(exec.kind == FaultKind::ExecuteNoExecute);
  KEXPECT(exec.region == "heap area");
  heap::free(heap_block);
  auto stack = stacks::allocate();
  if (!KEXPECT(stack.has_value())) return;
  auto guard = vm::explain_fault(stack->base - 8, kWrite);
  KEXPECT(guard.kind == FaultKind::GuardPage);
  KEXPECT(guard.region == "kernel stack area");
  stacks::free(*stack);
  auto null = vm::explain_fault(8, 0);
  KEXPECT(null.kind == FaultKind::NotMapped);
  KEXPECT(null.region == "null page");
  char buffer[200];
  libk::BufferSink sink(buffer, sizeof(buffer));
  vm::describe_fault(sink, 8, 0);
  KEXPECT(sink.view() == "address not mapped in null page (read from kernel mode)");
}

KTEST("memory.stacks.allocate_free_statistics") {
  auto before = stacks::stats();
  auto a = stacks::allocate(), b = stacks::allocate(32 * libk::KiB);
  if (!KEXPECT(a && b)) return;
  KEXPECT_EQ(a->size, stacks::kDefaultSize);
  KEXPECT(libk::is_aligned(b->top(), 16));
  KEXPECT(vm::lookup(b->base - 8) == PageState::Guard);
  reinterpret_cast<volatile u64*>(b->top())[-1] = 42;  // the top word is usable
  KEXPECT_EQ(stacks::stats().live, before.live + 2);
  stacks::free(*a);
  stacks::free(*b);
  auto after = stacks::stats();
  KEXPECT_EQ(after.live, before.live);
  KEXPECT_EQ(after.bytes, before.bytes);
  KEXPECT_EQ(after.freed, before.freed + 2);
}

}  // namespace kernel
