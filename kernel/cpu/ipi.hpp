// Inter-processor interrupts (docs/smp.md, "IPIs and TLB shootdown"): one CPU interrupting
// another through its local APIC (hal::LocalApic::send_ipi).
//
//   reschedule     the target's interrupt exit runs its scheduler (a thread woken for it)
//   call function  the target runs a function and says it is done (TLB shootdown, tests)
//   NMI            stops the target for good (a panic elsewhere)
#pragma once

#include <libk/types.hpp>

namespace kernel::ipi {

// Installs the IPI vectors. Context: boot, before the APs start.
void init();

// Asks CPU `cpu` to run its scheduler at its next interrupt exit (the IPI is that
// interrupt). Context: any, interrupts off.
void reschedule(u32 cpu);

// Runs `fn(arg)` on each CPU of `mask` (bit i: CPU i) other than this one, in interrupt
// context, and returns when every one has finished it. While it waits, this CPU runs the
// functions other CPUs ask of it, so two CPUs calling each other cannot deadlock; still,
// never call it with a spinlock held that the targets may be spinning on with interrupts
// off (their spin loops also run pending functions: sync/spinlock.hpp). Context: any but
// NMI; interrupts may be off.
using Function = void (*)(void* arg);
void call_on(u64 mask, Function fn, void* arg);
// Every online CPU but this one.
u64 others_online();

// Runs what other CPUs asked of this one (call_on), if anything. Called by the IPI handler
// and by spin loops that wait with interrupts off. Context: interrupts off.
void run_pending();

// Sends an NMI to every online CPU but this one (a panic stopping the others).
void stop_others();

}  // namespace kernel::ipi
