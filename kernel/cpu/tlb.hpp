// TLB shootdown (docs/smp.md, "IPIs and TLB shootdown"): after the kernel's page tables
// change, every CPU must drop the translations it may have cached for the range, or it goes
// on reading and writing the old frames (a freed and reused kernel stack, for instance).
#pragma once

#include <libk/types.hpp>

namespace kernel::tlb {

// Invalidates [virt, virt + size) on this CPU and every other online CPU (a call-function
// IPI; one IPI per CPU for the whole range, a full flush when the range is large) and returns
// when all have. May be called with spinlocks held: a CPU spinning for a lock with
// interrupts off runs pending shootdowns in its spin loop (sync/spinlock.hpp), so it cannot
// deadlock with the caller. Context: any but NMI.
void shootdown(u64 virt, u64 size);
// Every translation, on every online CPU.
void shootdown_all();

// Shootdowns this CPU started, and the IPIs they sent (statistics).
struct Stats {
  u64 shootdowns;
  u64 ipis;
};
Stats stats();

}  // namespace kernel::tlb
