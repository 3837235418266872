// The process record and the process table, shared by the files that implement
// process.hpp: process_table.cpp (the table, look-ups, listing), program_image.cpp (loading a
// program, a thread's way into ring 3), process.cpp (spawn, ending, wait), threads.cpp (the
// thread calls), fork.cpp and exec.cpp. Nothing outside kernel/proc/ includes it but white-box
// tests (kernel/tests/).
#pragma once

#include <libk/elf.hpp>

#include "proc/address_space.hpp"
#include "proc/process.hpp"
#include "sched/thread.hpp"
#include "sched/wait_queue.hpp"
#include "sync/condition_variable.hpp"
#include "sync/mutex.hpp"

namespace kernel::proc {

enum class State : u8 { Free, Starting, Running, Zombie };

constexpr usize kNameCapacity = 32;

// One thread id of a process: Live from thread_create (or spawn, for id 0) until the thread
// stopped; Exited until a thread_join frees it (or the process ends).
enum class SlotState : u8 { Free, Live, Exited };
struct ThreadSlot {
  SlotState state = SlotState::Free;
  bool joining = false;      // a thread_join waits for it
  Thread* thread = nullptr;  // set by the thread itself when it starts (enter)
};

struct Process {
  State state = State::Free;
  Pid pid = 0;
  Pid parent = kKernelParent;
  Pid group = 0;        // process group: the parent's, or its own pid (claim_slot)
  bool orphan = false;  // the parent exited first: nobody will wait
  i64 status = 0;
  char name[kNameCapacity] = {};
  AddressSpace space;
  ThreadSlot threads[kMaxThreads] = {};
  u32 live_threads = 0;  // Live slots: the last one to stop frees the address space
  // Set once by end_process (under the table lock); read anywhere, without it, by the
  // process's threads on their way to ring 3 and in their waits.
  libk::Atomic<bool> ending{false};
  // Set (under the table lock) by a thread in exec while it waits for the others to stop:
  // every thread but that one stops as if the process were ending. Read as `ending` is.
  libk::Atomic<Thread*> sole{nullptr};
  WaitQueue sleepers;              // threads in sleep(), woken by end_process
  ConditionVariable thread_ended;  // with table_lock: thread_join's waiters
  fs::FileTable* files = nullptr;  // descriptors (kernel/fs/vfs.hpp)
};

extern Mutex table_lock;
extern ConditionVariable exited;  // broadcast when a process becomes a zombie
extern Process table[kMaxProcesses] GUARDED_BY(table_lock);
extern Pid next_pid GUARDED_BY(table_lock);
extern Stats counts GUARDED_BY(table_lock);
extern ExitListener exit_listener;

Process* find_locked(Pid pid) REQUIRES(table_lock);

// Whether the calling thread of `p` must stop: the process is ending, or another of its
// threads is in exec (Process::sole). Context: any; with interrupts off, before a return to
// ring 3, an end_process or an exec after the check sends its IPI, which comes back here.
inline bool must_stop(const Process& p) {
  if (p.ending.load()) return true;
  Thread* sole = p.sole.load();
  return sole != nullptr && sole != &thread::current();
}

// The calling thread's process; the caller is a process's thread.
Process& self();

// A process's name: the last component of its program's path, cut to fit.
void copy_name(char (&name)[kNameCapacity], libk::StringView path);
void set_name(Process& p, libk::StringView path);

// A free slot, Starting, with a new pid, in its parent's group: Again when the table is full,
// Interrupted when the parent is ending. Checked under the table lock, which end_locked also
// takes: a child claimed before its parent was marked ending is in the table for end_group's
// next round (which ends Starting members too), and none is claimed after.
libk::Result<Process*, abi::Error> claim_slot(libk::StringView path, Pid parent)
    EXCLUDES(table_lock);
// Frees a slot that never ran (a failed fork or spawn) and wakes anyone waiting for it.
void release_slot(Process& p) EXCLUDES(table_lock);

// --- Program images (program_image.cpp) ------------------------------------------------------

// How a thread enters ring 3: at `entry` with RSP = `stack`, RDI = `argc` and RSI = `argv`
// (a thread_create'd thread: RDI = its argument); `tid` is its slot.
struct StartInfo {
  u64 entry, stack, argc, argv;
  Tid tid;
};

// Copies one segment's file bytes into its pages (mapped and zeroed by map_page).
libk::Result<void, abi::Error> load_segment(AddressSpace& space, const libk::elf::Segment& s,
                                            libk::Bytes file);

// The stack: an area of kStackPages pages below boot::layout::kUserStackTop, mapped on
// demand but for its top page, with a guard gap below it (ProcessMemory::add_stack). In the
// top page the argument strings, then argv[] (argc pointers and a null) at the 16-byte
// aligned stack pointer the program starts with.
libk::Result<StartInfo, abi::Error> build_stack(AddressSpace& space,
                                                libk::Span<const libk::StringView> argv);

// TooBig when argv has more than abi::kMaxArgs strings or abi::kMaxArgBytes bytes.
libk::Result<void, abi::Error> check_args(libk::Span<const libk::StringView> argv);

// A program of the initrd, checked and ready to load: its bytes and how to load them.
struct Program {
  libk::Bytes file;
  libk::elf::LoadPlan plan;
};
// The initrd's `path` as a user program started with `argv` (spawn and exec): TooBig
// (check_args), NoEntry, or NotExecutable (logged with what is wrong with the file).
libk::Result<Program, abi::Error> find_program(libk::StringView path,
                                               libk::Span<const libk::StringView> argv);

// A process thread's first code: it records itself in its slot and enters ring 3, unless the
// process is ending already (checked with interrupts off: end_process's IPI then arrives in
// ring 3 and stops it there).
// `arg` is a StartInfo from new, which enter deletes.
[[noreturn]] void enter(void* arg);

// --- Ending (process.cpp) --------------------------------------------------------------------

// The calling thread of `p` stops for good; the last one frees the process's memory.
[[noreturn]] void leave_thread(Process& p);

// Marks `p` ending with `status` (the first status wins); true if it has threads that
// stop_threads must then make notice.
bool end_locked(Process& p, i64 status) REQUIRES(table_lock);

// Makes every thread of `p` that must stop (must_stop) notice: its blocking waits end
// Interrupted, and every other CPU takes an interrupt whose way back to ring 3 stops it.
void stop_threads(Process& p) EXCLUDES(table_lock);

}  // namespace kernel::proc
