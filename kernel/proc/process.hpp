// User processes (docs/processes.md): a program from the initrd running in ring 3 in its own
// address space, with one thread. spawn() creates one, the process ends by exit() or by a
// fault (which reports and never harms the kernel), and its parent collects the status with
// wait(). Exiting frees every frame and page table the process had.
//
//   auto pid = proc::spawn("/bin/hello", {args, n}, proc::kKernelParent);
//   auto status = proc::wait(pid.value(), proc::kKernelParent);
#pragma once

#include <abi/syscalls.hpp>

#include <hal/trap_frame.hpp>
#include <libk/result.hpp>
#include <libk/span.hpp>
#include <libk/string_view.hpp>

namespace kernel::proc {

using Pid = u32;
// The parent of processes the kernel (the shell, tests) starts.
inline constexpr Pid kKernelParent = 0;
inline constexpr u32 kMaxProcesses = 64;

// Pages of a process's stack (its limit: mapped on demand as it grows down), and of the
// unmapped guard gap below it.
inline constexpr u64 kStackPages = 256;
inline constexpr u64 kStackGuardPages = 16;

// Shares the kernel half with future address spaces; reads the initrd. Context: boot.
void init();

// Starts the initrd's program at `path` with `argv` (argv[0] is the program's name by
// convention; the caller supplies it). Context: thread.
libk::Result<Pid, abi::Error> spawn(libk::StringView path, libk::Span<const libk::StringView> argv,
                                    Pid parent);

// Waits for the child `pid` of `parent` to end; returns its exit status and frees it.
// NoChild if `pid` is not a child of `parent`. Context: thread.
libk::Result<i64, abi::Error> wait(Pid pid, Pid parent);

class AddressSpace;
// The calling thread's process's address space, or null for a kernel thread.
AddressSpace* current_address_space();

// The calling thread's process id, or kKernelParent for a kernel thread.
Pid current_pid();

// Ends the calling process with `status`: frees its memory, wakes its parent, ends its
// thread. Context: the process's thread, in the kernel.
[[noreturn]] void exit_current(i64 status);

// A CPU exception in ring 3 (or on the way back to it): reports it on the console (program,
// pid, the exception, the address, the registers) and ends the process with status
// 128 + vector. Context: the exception handler, on the process thread's kernel stack.
[[noreturn]] void fault_current(const hal::TrapFrame& frame, u64 cr2);

struct Stats {
  u64 spawned, exited, faulted, live;
};
Stats stats();

}  // namespace kernel::proc
