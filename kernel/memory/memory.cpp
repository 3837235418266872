#include "memory/memory.hpp"

#include <hal/mmio.hpp>
#include <hal/stack.hpp>
#include <libk/utility.hpp>

#include "boot.hpp"
#include "log.hpp"
#include "memory/heap.hpp"
#include "memory/pmm.hpp"
#include "memory/vm.hpp"
#include "panic.hpp"

namespace kernel::memory {

namespace {

constinit stacks::KernelStack kernel_boot_stack = {};

u64 place(u64& cursor, u64 bytes) {
  u64 at = cursor;
  cursor = libk::align_up(cursor + bytes, 8);
  return at;
}

// Copies BootInfo, the memory map, the command line and the module table into one pmm block
// and points boot_info at the copy, with its addresses updated.
void keep_boot_info() {
  const boot::BootInfo& old = boot_info::get();
  u64 map_bytes = u64(old.memory_map_count) * sizeof(boot::MemoryRange);
  u64 module_bytes = u64(old.module_count) * sizeof(boot::Module);
  u64 total = 0;
  u64 at_info = place(total, old.size);
  u64 at_map = place(total, map_bytes);
  u64 at_cmdline = place(total, u64(old.cmdline_length) + 1);
  u64 at_modules = place(total, module_bytes);
  auto block = pmm::allocate(pmm::order_for(total), pmm::Owner::BootData);
  if (!block) PANIC("memory: no memory to keep the boot information ({} bytes)", total);
  u8* copy = boot_info::physical_to_virtual<u8>(*block);
  __builtin_memcpy(copy + at_info, &old, old.size);
  __builtin_memcpy(copy + at_map, boot_info::physical_to_virtual<u8>(old.memory_map), map_bytes);
  copy[at_cmdline + old.cmdline_length] = 0;
  if (old.cmdline)
    __builtin_memcpy(copy + at_cmdline, boot_info::physical_to_virtual<u8>(old.cmdline),
                     old.cmdline_length);
  if (module_bytes)
    __builtin_memcpy(copy + at_modules, boot_info::physical_to_virtual<u8>(old.modules),
                     module_bytes);
  auto* info = reinterpret_cast<boot::BootInfo*>(copy + at_info);
  info->memory_map = *block + at_map;
  info->cmdline = *block + at_cmdline;
  info->modules = module_bytes ? *block + at_modules : 0;
  boot_info::set(info);
}

}  // namespace

bool init(bool debug_heap) {
  if (!pmm::init() || !vm::init()) return false;
  hal::mmio::set_high_mapper(vm::map_mmio);  // device registers above 4 GiB (PCI BARs)
  heap::init(debug_heap);
  log::info("heap: slab caches 16 B..4 KiB, larger blocks in the heap area; debug checks {}",
            debug_heap ? "on" : "off");
  return true;
}

void switch_to_kernel_stack(void (*next)(void*), void* argument) {
  auto stack = stacks::allocate(kBootStackSize);
  if (!stack) PANIC("memory: no memory for the kernel stack");
  kernel_boot_stack = *stack;
  hal::switch_stack(stack->top(), next, argument);
}

const stacks::KernelStack& boot_stack() { return kernel_boot_stack; }

void finish_boot() {
  keep_boot_info();
  vm::drop_boot_stack();
  u64 reclaimed = pmm::reclaim_boot_memory();
  log::info("pmm: reclaimed {} of boot-services and loader memory; kept the kernel file ({})",
            libk::ByteSize{reclaimed}, libk::ByteSize{boot_info::get().kernel_file_size});
  log_statistics();
}

void log_statistics() {
  const pmm::Accounting& a = pmm::accounting();
  auto s = pmm::stats();
  u64 pool = (s.free_frames + s.allocated_frames) * libk::kPageSize;
  // One machine-readable line: tests/qemu checks it against the memory map it printed.
  log::info(
      "memory: pool {} bytes = usable {} + boot-services {} + loader {} - low {} - early {} "
      "- kept {}; free {} bytes, in use {} bytes",
      pool, a.usable, a.boot_services, a.loader, a.low_memory, a.early, a.kept,
      s.free_frames * libk::kPageSize, s.allocated_frames * libk::kPageSize);
  for (u32 o = 0; o < u32(pmm::Owner::Count); ++o)
    if (u64 pages = pmm::pages_owned_by(pmm::Owner(o)))
      log::info("  pmm {}: {}", pmm::owner_name(pmm::Owner(o)),
                libk::ByteSize{pages * libk::kPageSize});
  heap::LargeStats large = heap::large_stats();
  u64 slabs = 0, objects = 0;
  for (usize i = 0; i < heap::caches().size(); ++i) {
    libk::SlabStats st = heap::cache_stats(i);
    slabs += st.slabs, objects += st.in_use;
  }
  log::info("  heap: {} slab objects in {} slabs; {} large blocks ({})", objects, slabs,
            large.live_blocks, libk::ByteSize{large.live_bytes});
  stacks::Stats st = stacks::stats();
  log::info("  stacks: {} live ({}), peak {}", st.live, libk::ByteSize{st.bytes}, st.peak);
}

}  // namespace kernel::memory
