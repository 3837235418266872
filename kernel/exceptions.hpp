// CPU exception handling: installs the IDT with a handler for every exception vector.
//
//   #BP (int3)        report at warning level with a backtrace, then continue
//   NMI               report at warning level, then continue
//   #MC               report with the machine-check banks, then panic
//   everything else   crash report (kernel/crash_report.hpp), then panic: in test mode the
//                     panic ends QEMU with the failure status, otherwise the CPU halts
//
// A fault while a crash report is being written stops at once with a one-line message.
#pragma once

#include <libk/types.hpp>

namespace kernel::exceptions {

// Loads the IDT and installs the handlers. Call right after log::init(): from then on every
// exception produces a report. Vectors >= 32 without a handler are reported as unexpected.
void init();

// Registers the boot stack (BootInfo) so that overflowing it is reported as such.
void register_boot_stack();

// Moves CPU 0's IST stacks from .bss (hal::gdt::init runs before any allocator) onto stacks
// with an unmapped guard page below, like every AP's, so that an overflowing #DF, NMI or #MC
// handler faults instead of overwriting whatever .bss holds below. Context: boot, CPU 0,
// once stacks::allocate works.
void move_boot_ist_stacks();

u64 breakpoints_seen();
u64 nmis_seen();

}  // namespace kernel::exceptions
