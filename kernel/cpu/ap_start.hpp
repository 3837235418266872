// Starting the application processors (docs/smp.md, "Start-up"): every CPU the MADT lists as
// enabled or online-capable, one at a time, through the trampoline (hal/ap_boot.hpp).
#pragma once

#include <libk/types.hpp>

namespace kernel::smp {

// Starts the other CPUs and returns when each is online or given up on (reported, never a
// hang). Needs the scheduler running on CPU 0, the heap, kernel stacks, timers and IPIs.
// `max_cpus` caps how many run in all (the `cpus=` command-line option; 0: no cap).
// Context: the boot thread.
void start_aps(u32 max_cpus);

}  // namespace kernel::smp
