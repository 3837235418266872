#include "memory/stacks.hpp"

#include <libk/utility.hpp>

#include "memory/pmm.hpp"
#include "memory/vm.hpp"
#include "panic.hpp"
#include "sync/spinlock.hpp"

namespace kernel::stacks {

namespace {
constexpr u32 kGuardPages = 1;
constinit SpinLock stacks_lock{"stacks",
                               lock_rank::kStacks};  // the statistics only: the memory is vm's
constinit Stats counters GUARDED_BY(stacks_lock) = {};
}  // namespace

libk::Optional<KernelStack> allocate(u64 size) {
  size = libk::align_up(size == 0 ? kDefaultSize : size, libk::kPageSize);
  auto base = vm::allocate_area(vm::Area::Stacks, size, kGuardPages, u16(pmm::Owner::Stack));
  SpinLockGuard guard(stacks_lock);
  if (!base) {
    ++counters.failures;
    return libk::nullopt;
  }
  ++counters.allocated;
  counters.bytes += size;
  counters.peak = libk::max(counters.peak, ++counters.live);
  return KernelStack{*base, size};
}

void free(const KernelStack& stack) {
  u64 bytes = vm::free_area(vm::Area::Stacks, stack.base, kGuardPages);
  if (bytes != stack.size)
    PANIC("stacks: freeing {:#x} ({} bytes): not a live kernel stack of that size", stack.base,
          stack.size);
  SpinLockGuard guard(stacks_lock);
  --counters.live;
  ++counters.freed;
  counters.bytes -= bytes;
}

Stats stats() {
  SpinLockGuard guard(stacks_lock);
  return counters;
}

}  // namespace kernel::stacks
