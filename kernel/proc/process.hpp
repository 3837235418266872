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

#include "fs/vfs.hpp"

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

// Like wait, for a process's system call: Interrupted when the caller is being killed.
libk::Result<i64, abi::Error> wait_interruptible(Pid pid, Pid parent);

// Ends process `pid` with `status` (abi::kStatusKilled, abi::kStatusInterrupted): wherever
// its thread is (running in ring 3 on another CPU, blocked in wait or in a console read,
// runnable), it exits at its next return towards ring 3 or its blocking call returns
// Interrupted first. Returns at once (the parent's wait sees the end). NoProcess if no such
// process is running. Context: thread.
libk::Result<void, abi::Error> kill(Pid pid, i64 status);
// Whether process `pid` exists and has not ended yet. Context: thread.
bool running(Pid pid);
// Whether the calling thread's process is being killed (false for kernel threads).
bool current_killed();
// Ends the calling process if it is being killed. Context: a process thread, in a system
// call's return or an interrupt's exit towards ring 3.
void exit_if_killed();

// The calling process's descriptor table; nullptr for a kernel thread.
using FileTableRef = fs::FileTable*;
FileTableRef current_files();

// Called with the pid of each process that ended (after its parent was woken). Context: the
// ending process's thread. One listener: the shell's foreground wait.
using ExitListener = void (*)(Pid);
void set_exit_listener(ExitListener listener);

struct Stats {
  u64 spawned, exited, faulted, live;
};
Stats stats();

}  // namespace kernel::proc
