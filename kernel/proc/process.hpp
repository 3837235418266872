// User processes (docs/processes.md): a program from the initrd running in ring 3 in its own
// address space, with one or more threads. spawn() creates one with a single thread, and so
// does fork() (a copy of the caller, its memory shared copy-on-write); exec() replaces a
// process's program. The thread calls add threads (thread_create), which share the address
// space, each with its own kernel stack. The process ends by exit() from any thread, by a fault in
// any thread (which reports and never harms the kernel), by end_process() (kill), or when its last
// thread exits; its parent collects the status with wait(). Ending stops every thread first, and
// only then frees every frame and page table the process had.
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
// Threads of one process, its first included; thread ids are 0 .. kMaxThreads - 1, the first
// thread's is 0. A thread's id is free again once it was joined.
inline constexpr u32 kMaxThreads = 16;
using Tid = u32;

// Pages of a process's stack (its limit: mapped on demand as it grows down), and of the
// unmapped guard gap below it.
inline constexpr u64 kStackPages = 256;
inline constexpr u64 kStackGuardPages = 16;

// Shares the kernel half with future address spaces; reads the initrd. Context: boot.
void init();

// Starts the initrd's program at `path` with `argv` (argv[0] is the program's name by
// convention; the caller supplies it). The child's descriptors 0, 1 and 2 share the calling
// process's (pipe ends included), as fork's do; higher ones are not passed on. A kernel
// thread's child gets the console as 0, 1 and 2. Context: thread.
libk::Result<Pid, abi::Error> spawn(libk::StringView path, libk::Span<const libk::StringView> argv,
                                    Pid parent);

// Waits for the child `pid` of `parent` to end; returns its exit status and frees it.
// NoChild if `pid` is not a child of `parent`, or no longer is (another thread of the parent
// collected it first). Context: thread.
libk::Result<i64, abi::Error> wait(Pid pid, Pid parent);

class AddressSpace;
// The calling thread's process's address space, or null for a kernel thread.
AddressSpace* current_address_space();
// The address space of running process `pid` (nullptr if there is none), for tests that set
// up what no program can (a code page at the top of user space). The caller keeps the
// process alive: it is the parent and has not waited for it yet. Context: thread.
AddressSpace* address_space_of(Pid pid);

// The calling thread's process id, or kKernelParent for a kernel thread.
Pid current_pid();

// Ends the calling process with `status`: frees its memory, wakes its parent, ends its
// thread. Context: the process's thread, in the kernel.
[[noreturn]] void exit_current(i64 status);

// A CPU exception in ring 3 (or on the way back to it): reports it on the console (program,
// pid, the exception, the address, the registers) and ends the process with status
// 128 + vector. Context: the exception handler, on the process thread's kernel stack.
[[noreturn]] void fault_current(const hal::TrapFrame& frame, u64 cr2);

// --- Ending a process ------------------------------------------------------------------------

// Ends process `pid` with `status` (the first ending's status wins): marks it ending, wakes
// its threads that wait in sleep, thread_join or wait, and interrupts the CPUs that run them
// so that each stops on its way back to ring 3. The last thread to stop frees the address
// space and makes the process a zombie for its parent. Returns without waiting for that.
// NoProcess if there is no such live process. Context: thread (kill, tests).
libk::Result<void, abi::Error> end_process(Pid pid, i64 status);

// True if the calling thread must stop: its process is ending, or another of its threads is
// in exec. A blocking call should return abi::Error::Interrupted. False for kernel threads.
// Context: any.
bool current_ending();

// Called on every way back to ring 3 (the system-call return, an interrupt's return): a
// thread whose process is ending stops here and does not return. Context: the thread, on its
// own kernel stack, in the kernel.
void on_return_to_user();

// --- The calling process's system calls -----------------------------------------------------

// The parent's pid, kKernelParent if the kernel started it (or the parent is gone).
Pid current_parent();

// Sleeps until the monotonic clock reaches `deadline_ns`. Interrupted if the process is being
// ended first (end_process wakes it). Context: a process's thread.
libk::Result<void, abi::Error> sleep_until(u64 deadline_ns);

// Starts a thread of the calling process in ring 3 at `entry` with RSP = `stack_top` and
// RDI = `arg`. Fault unless entry and stack_top are user addresses (the stack's top may be
// the end of user space); Invalid unless stack_top is 16-byte aligned; Again when the process
// has kMaxThreads threads (live or not yet joined); Interrupted if it is ending.
libk::Result<Tid, abi::Error> thread_create(u64 entry, u64 arg, u64 stack_top);

// Ends the calling thread; the last thread of a process to end ends the process (status 0
// unless it was being ended with another).
[[noreturn]] void thread_exit_current();

// Waits for thread `tid` of the calling process to end and frees its id. NoProcess if there
// is no such thread, Invalid for the caller itself or a thread another thread is joining,
// Interrupted if the process is being ended.
libk::Result<void, abi::Error> thread_join(Tid tid);

// The user pages of process `pid` (0: the caller) and their sharing, and the free frames
// (meminfo). Only the caller itself or one of its children (not yet collected); NoProcess
// otherwise. Context: a process's thread.
libk::Result<abi::MemInfo, abi::Error> memory_info(Pid pid);

// --- fork and exec (docs/processes.md, "Fork and copy-on-write", "Exec") ----------------

// A new process that is a copy of the calling one: the same areas and brk, every present
// user page shared copy-on-write (ProcessMemory::fork_into), the same open-file descriptions
// (inherit_owned), and one thread, which resumes in ring 3 with the caller's registers
// `frame` but rax = 0, and the caller's FPU state. Only the calling thread is copied: the child's
// other thread slots are free, whatever threads the parent has. Returns the child's pid to the
// caller. Again when the process table is full, NoMemory when frames for page tables or kernel
// memory run out; nothing of the child is left then. Context: a process's thread.
libk::Result<Pid, abi::Error> fork(const hal::TrapFrame& frame);

// exec in two steps, so that the caller can free its copies of the arguments in between.
// prepare_exec builds a new image of the initrd's program at `path` (validated as spawn
// validates it): its address space, segments, a stack holding `argv`; errors as spawn's.
// exec then replaces the calling process's image with it and enters it with a new canary
// and the clean FPU state; pid, parent and descriptors stay. The process's other threads
// are stopped first, as POSIX has it (each at its next way back to ring 3; a blocking call
// returns Interrupted to it first), and the caller becomes thread 0. exec returns only with
// an error (Interrupted if the process is being ended or another of its threads is in exec
// already), having freed the image, and then the process is as it was, minus the threads
// stopped: every check and allocation happens before the point of no return (the swap of
// the address spaces), after which nothing can fail.
// Context: a process's thread.
struct ExecImage;
libk::Result<ExecImage*, abi::Error> prepare_exec(libk::StringView path,
                                                  libk::Span<const libk::StringView> argv);
libk::Result<void, abi::Error> exec(ExecImage* image);

// --- Listing ------------------------------------------------------------------------------

struct ProcessInfo {
  Pid pid, parent, group;
  const char* name;   // valid during the visit only
  const char* state;  // "starting", "running", "ending", "zombie"
  u32 threads;        // live threads
  u64 pages;          // user pages mapped
};
// Calls visit for every process, under the process table's lock: keep it short, do not block.
void for_each(void (*visit)(const ProcessInfo& p, void* context), void* context);

// Ends process `pid` with `status` (abi::kStatusKilled, abi::kStatusInterrupted for Ctrl-C):
// end_process, which also wakes a thread blocked in a console read. NoProcess if no such
// process is running. Context: thread.
libk::Result<void, abi::Error> kill(Pid pid, i64 status);
// Whether process `pid` exists and has not ended yet. Context: thread.
bool running(Pid pid);

// The calling process's descriptor table; nullptr for a kernel thread.
using FileTableRef = fs::FileTable*;
FileTableRef current_files();

// Called with the pid of each process that ended (after its parent was woken). Context: the
// ending process's last thread. One listener: the shell's foreground wait.
using ExitListener = void (*)(Pid);
void set_exit_listener(ExitListener listener);

// --- Process groups (docs/shell.md, "Process groups and Ctrl-C") -----------------------------
// A process starts in its parent's group; one the kernel starts (the shell's programs) leads a
// group of its own (group = its pid). Ctrl-C ends the terminal's foreground group.

// Moves process `pid` (0: the caller) into `group` (0: a new group numbered `pid`). `pid`
// must be the caller or a child of it (NoProcess otherwise, or if it is a zombie); `group`
// must be `pid` or a group some process is in (NotPermitted). Context: a process's thread.
libk::Result<void, abi::Error> set_group(Pid pid, Pid group);
// The group of `pid`; 0 if there is no such process. Context: thread.
Pid group_of(Pid pid);
// Whether some process (a zombie included) is in `group`. Context: thread.
bool group_exists(Pid group);
// Ends every process of `group` with `status` (as end_process), those being forked or
// spawned included, all marked at once; returns how many. NoProcess if none was running.
// Context: thread.
libk::Result<u32, abi::Error> end_group(Pid group, i64 status);

struct Stats {
  u64 spawned, forked, execs, exited, faulted, live;
};
Stats stats();

}  // namespace kernel::proc
