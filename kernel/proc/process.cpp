#include "proc/process.hpp"

#include <hal/cpu.hpp>
#include <hal/exceptions.hpp>
#include <hal/interrupts.hpp>
#include <hal/user_mode.hpp>
#include <libk/elf.hpp>

#include "cpu/ipi.hpp"
#include "fs/pipe.hpp"
#include "fs/vfs.hpp"
#include "log.hpp"
#include "memory/heap.hpp"
#include "memory/vm.hpp"
#include "proc/initrd.hpp"
#include "proc/process_table.hpp"
#include "sched/scheduler.hpp"
#include "tty/tty.hpp"

namespace kernel::proc {

namespace {

// Builds the address space and the thread. On failure everything built is freed.
libk::Result<void, abi::Error> start(Process& p, const libk::elf::LoadPlan& plan, libk::Bytes file,
                                     libk::Span<const libk::StringView> argv) {
  if (!p.space.create()) return libk::unexpected(abi::Error::NoMemory);
  auto fail = [&](abi::Error e) {
    p.space.destroy();
    return libk::unexpected(e);
  };
  for (const auto& s : plan.loadable())
    if (auto r = load_segment(p.space, s, file); !r) return fail(r.error());
  auto stack = build_stack(p.space, argv);
  if (!stack) return fail(stack.error());
  auto* info = new (heap::nothrow) StartInfo(stack.value());
  if (info == nullptr) return fail(abi::Error::NoMemory);
  info->entry = plan.entry;
  ThreadOptions options;
  options.detached = true;
  options.address_space = p.space.root();
  options.process = &p;
  {
    // The thread may run (and exit) before create returns: Running first.
    MutexLocker lock(table_lock);
    p.state = State::Running;
    p.threads[0].state = SlotState::Live;
    p.live_threads = 1;
  }
  auto t = thread::create(libk::StringView(p.name), enter, info, options);
  if (!t) {
    delete info;
    {
      MutexLocker lock(table_lock);
      p.state = State::Starting;
      p.threads[0].state = SlotState::Free;
      p.live_threads = 0;
    }
    return fail(abi::Error::NoMemory);
  }
  return {};
}

// --- Ending -------------------------------------------------------------------------------
//
// A process ends in two steps. end_locked marks it ending (the first status wins) and
// stop_threads makes every thread notice: the waits of sleep, thread_join and wait end
// Interrupted, and every other CPU takes an interrupt, whose way back to ring 3 (like every
// system call's) runs on_return_to_user. Each thread then stops itself in leave_thread, off
// the address space first; the last one frees the address space (finish), when no thread of
// the process runs or can run on it any more.

// The last thread of `p` stopped: its memory goes back and its parent may collect it.
void finish(Process& p) EXCLUDES(table_lock) {
  p.space.destroy();
  fs::delete_table(p.files);  // closes every descriptor
  p.files = nullptr;
  Pid pid = p.pid;  // the slot may be freed below (an orphan)
  // Raw mode it set ends with it, before its parent can see it ended and read a line.
  tty::process_ended(pid);
  {
    MutexLocker lock(table_lock);
    ++counts.exited;
    // Children: the finished ones are freed, the others will free themselves.
    for (Process& child : table) {
      if (child.state == State::Free || child.parent != p.pid || &child == &p) continue;
      if (child.state == State::Zombie)
        child.state = State::Free;
      else
        child.orphan = true;
    }
    p.state = p.orphan ? State::Free : State::Zombie;
  }
  exited.broadcast();
  if (exit_listener) exit_listener(pid);
}

// A process's child gets its descriptors 0, 1 and 2 (the descriptions shared, as fork shares
// them: pipe ends included), and no others: spawn has no way to name descriptors the child
// must not get, and a stray copy of a pipe's write end (a pipeline's next stage) would keep
// its reader from ever seeing the end of file. A caller arranges 0-2 with dup2 first. The
// kernel's children get the console.
constexpr usize kSpawnInherits = 3;
fs::FileTable* spawned_files() {
  FileTableRef caller = current_files();
  return caller != nullptr ? fs::inherit_table(*caller, kSpawnInherits) : fs::new_console_table();
}

}  // namespace

// The calling thread of `p` stops for good.
void leave_thread(Process& p) {
  Scheduler::leave_address_space();
  bool last;
  {
    MutexLocker lock(table_lock);
    Thread* me = &thread::current();
    bool found = false;
    for (ThreadSlot& t : p.threads) {
      if (t.state != SlotState::Live || t.thread != me) continue;
      t.state = SlotState::Exited;
      t.thread = nullptr;
      found = true;
    }
    VERIFY(found && p.live_threads > 0);
    last = --p.live_threads == 0;
  }
  p.thread_ended.broadcast();
  if (last) finish(p);
  thread::exit(0);
}

bool end_locked(Process& p, i64 status) REQUIRES(table_lock) {
  table_lock.assert_held();
  if (!p.ending.load()) {
    p.status = status;
    p.ending.store(true);  // sequentially consistent: before the IPIs below
  }
  return p.live_threads > 0;
}

void stop_threads(Process& p) EXCLUDES(table_lock) {
  p.sleepers.wake_all();
  p.thread_ended.broadcast();
  exited.broadcast();
  tty::wake_readers();         // a thread blocked in a console read
  fs::pipe::wake_all();        // or reading or writing a pipe
  hal::interrupts::Guard off;  // ipi::reschedule's context
  u64 cpus = ipi::others_online();
  for (u32 i = 0; cpus != 0; ++i, cpus >>= 1)
    if (cpus & 1) ipi::reschedule(i);
}

void init() {
  u32 added = vm::fill_kernel_half();
  initrd::init();
  log::info("proc: kernel half shared ({} tables added); up to {} processes", added, kMaxProcesses);
}

libk::Result<Pid, abi::Error> spawn(libk::StringView path, libk::Span<const libk::StringView> argv,
                                    Pid parent) {
  Program program = TRY(find_program(path, argv));
  Process* p = TRY(claim_slot(path, parent));
  Pid pid = p->pid;
  p->files = spawned_files();
  if (p->files == nullptr) {
    release_slot(*p);
    return libk::unexpected(abi::Error::NoMemory);
  }
  if (auto r = start(*p, program.plan, program.file, argv); !r) {
    fs::delete_table(p->files);
    release_slot(*p);
    return libk::unexpected(r.error());
  }
  MutexLocker lock(table_lock);
  ++counts.spawned;
  return pid;
}

// The child is looked up by pid after every wake-up, never kept as a slot: another waiter
// (a second thread of the parent) may have collected it and its slot may hold a new process.
libk::Result<i64, abi::Error> wait(Pid pid, Pid parent) {
  MutexLocker lock(table_lock);
  for (;;) {
    Process* p = find_locked(pid);
    if (p == nullptr || p->parent != parent || p->orphan)
      return libk::unexpected(abi::Error::NoChild);
    if (p->state == State::Zombie) {
      p->state = State::Free;
      return p->status;
    }
    if (current_ending()) return libk::unexpected(abi::Error::Interrupted);
    exited.wait(table_lock);
  }
}

void exit_current(i64 status) {
  Process& p = self();
  bool others;
  {
    MutexLocker lock(table_lock);
    others = end_locked(p, status);
  }
  if (others) stop_threads(p);
  leave_thread(p);
}

void fault_current(const hal::TrapFrame& f, u64 cr2) {
  hal::cpu::sti();  // a thread again, on its own kernel stack: it may block and be preempted
  Process& p = self();
  auto info = hal::exceptions::info(u8(f.vector));
  bool bad_return = f.rip == reinterpret_cast<u64>(&hal_user_iret);
  char line[320];
  {
    libk::BufferSink out(line, sizeof(line));
    if (bad_return)
      libk::format_to(out, "user: process {} ({}) killed: return to a non-canonical address", p.pid,
                      p.name);
    else
      libk::format_to(out, "user: process {} ({}) killed: {} ({}) at {:#x}", p.pid, p.name,
                      info.mnemonic, info.name, f.rip);
    if (f.vector == hal::exceptions::kPageFault) {
      libk::format_to(out, ", address {:#x}: ", cr2);
      vm::describe_fault(out, cr2, f.error_code);
    } else if (info.has_error_code) {
      libk::format_to(out, ", error code {:#x}", f.error_code);
    }
    log::error("{}", libk::StringView(line, out.length()));
  }
  log::error("user:   rax {:#018x} rbx {:#018x} rcx {:#018x} rdx {:#018x}", f.rax, f.rbx, f.rcx,
             f.rdx);
  log::error("user:   rsi {:#018x} rdi {:#018x} rbp {:#018x} rsp {:#018x}", f.rsi, f.rdi, f.rbp,
             f.rsp);
  log::error("user:   rip {:#018x} rflags {:#x} cs {:#x} ss {:#x}", f.rip, f.rflags, f.cs, f.ss);
  {
    MutexLocker lock(table_lock);
    ++counts.faulted;
  }
  exit_current(128 + i64(f.vector));
}

// --- Ending, threads, the calling process's calls ---------------------------------------------

// A Starting process (fork or spawn still building it) is only marked: its first thread sees
// the mark before it enters ring 3 (enter, enter_forked) and stops.
libk::Result<void, abi::Error> end_process(Pid pid, i64 status) {
  Process* p;
  {
    MutexLocker lock(table_lock);
    p = find_locked(pid);
    if (p == nullptr || (p->state != State::Running && p->state != State::Starting))
      return libk::unexpected(abi::Error::NoProcess);
    if (!end_locked(*p, status)) return {};  // no thread to stop (yet, or any more)
  }
  // The slot may be freed and reused from here on: waking its queues is then only a
  // spurious wake-up, which every waiter tolerates.
  stop_threads(*p);
  return {};
}

bool current_ending() {
  auto* p = static_cast<Process*>(thread::current().process());
  return p != nullptr && must_stop(*p);
}

void on_return_to_user() {
  auto* p = static_cast<Process*>(thread::current().process());
  if (p == nullptr) return;
  // From here to SYSRET/IRETQ interrupts stay off: an end_process after this check sends
  // its IPI, which arrives in ring 3 and comes back here.
  hal::interrupts::disable();
  if (!must_stop(*p)) return;
  hal::interrupts::enable();
  leave_thread(*p);
}

// Ending a process from outside (kill, Ctrl-C): end_process, which also wakes a thread
// blocked in a console read (stop_threads).
libk::Result<void, abi::Error> kill(Pid pid, i64 status) { return end_process(pid, status); }

}  // namespace kernel::proc
