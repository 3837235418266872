#include "proc/process.hpp"

#include <boot/address_space.hpp>
#include <hal/cpu.hpp>
#include <hal/exceptions.hpp>
#include <hal/interrupts.hpp>
#include <hal/user_mode.hpp>
#include <libk/elf.hpp>

#include "boot.hpp"
#include "cpu/ipi.hpp"
#include "fs/pipe.hpp"
#include "fs/vfs.hpp"
#include "log.hpp"
#include "memory/heap.hpp"
#include "memory/vm.hpp"
#include "panic.hpp"
#include "proc/address_space.hpp"
#include "proc/initrd.hpp"
#include "proc/memory_areas.hpp"
#include "proc/user_canary.hpp"
#include "proc/user_memory.hpp"
#include "sched/scheduler.hpp"
#include "sched/thread.hpp"
#include "sched/wait_queue.hpp"
#include "sync/condition_variable.hpp"
#include "sync/mutex.hpp"
#include "time.hpp"
#include "tty/tty.hpp"

namespace kernel::proc {

namespace {

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
  bool orphan = false;  // the parent exited first: nobody will wait
  i64 status = 0;
  char name[kNameCapacity] = {};
  AddressSpace space;
  ThreadSlot threads[kMaxThreads] = {};
  u32 live_threads = 0;  // Live slots: the last one to stop frees the address space
  // Set once by end_process (under the table lock); read anywhere, without it, by the
  // process's threads on their way to ring 3 and in their waits.
  libk::Atomic<bool> ending{false};
  WaitQueue sleepers;              // threads in sleep(), woken by end_process
  ConditionVariable thread_ended;  // with table_lock: thread_join's waiters
  fs::FileTable* files = nullptr;  // descriptors (kernel/fs/vfs.hpp)
};

constinit Mutex table_lock{"processes"};
constinit ConditionVariable exited;  // broadcast when a process becomes a zombie
constinit Process table[kMaxProcesses] GUARDED_BY(table_lock);
constinit Pid next_pid GUARDED_BY(table_lock) = 1;
constinit Stats counts GUARDED_BY(table_lock) = {};
constinit ExitListener exit_listener = nullptr;

Process* find_locked(Pid pid) REQUIRES(table_lock) {
  table_lock.assert_held();
  for (Process& p : table)
    if (p.state != State::Free && p.pid == pid) return &p;
  return nullptr;
}

// A free slot made ready for a new process (Process is not copyable: it holds wait queues,
// which are empty whenever the slot is free).
void clear_locked(Process& p) REQUIRES(table_lock) {
  table_lock.assert_held();
  p.state = State::Free;
  p.pid = 0;
  p.parent = kKernelParent;
  p.orphan = false;
  p.status = 0;
  p.name[0] = 0;
  p.space = AddressSpace{};
  for (ThreadSlot& t : p.threads) t = ThreadSlot{};
  p.live_threads = 0;
  p.ending.store(false);
  p.files = nullptr;
}

Process& self() {
  auto* p = static_cast<Process*>(thread::current().process());
  VERIFY(p != nullptr);
  return *p;
}

// A process's name: the last component of its program's path, cut to fit.
void copy_name(char (&name)[kNameCapacity], libk::StringView path) {
  usize slash = 0;
  for (usize i = 0; i < path.size(); ++i)
    if (path[i] == '/') slash = i + 1;
  libk::StringView base = path.substr(slash);
  usize n = libk::min(base.size(), kNameCapacity - 1);
  for (usize i = 0; i < n; ++i) name[i] = base[i];
  name[n] = 0;
}

void set_name(Process& p, libk::StringView path) { copy_name(p.name, path); }

// Copies one segment's file bytes into its pages (mapped and zeroed by map_page).
libk::Result<void, abi::Error> load_segment(AddressSpace& space, const libk::elf::Segment& s,
                                            libk::Bytes file) {
  hal::paging::Permissions perms{.writable = s.writable(), .executable = s.executable()};
  u64 begin = libk::align_down(s.vaddr, libk::kPageSize);
  u64 end = libk::align_up(s.vaddr + s.memsz, libk::kPageSize);
  TRY(space.memory().add_image(begin, end, s.writable(), s.executable()));
  for (u64 page = begin; page < end; page += libk::kPageSize) {
    auto phys = space.map_page(page, perms);
    if (!phys) return libk::unexpected(abi::Error::NoMemory);
    u64 from = libk::max(page, s.vaddr);
    u64 to = libk::min(page + libk::kPageSize, s.vaddr + s.filesz);
    if (from >= to) continue;
    u8* dst = boot_info::physical_to_virtual<u8>(phys.value()) + (from - page);
    __builtin_memcpy(dst, file.data() + s.offset + (from - s.vaddr), to - from);
  }
  return {};
}

// How a thread enters ring 3: at `entry` with RSP = `stack`, RDI = `argc` and RSI = `argv`
// (a thread_create'd thread: RDI = its argument); `tid` is its slot.
struct StartInfo {
  u64 entry, stack, argc, argv;
  Tid tid;
};

// The stack: an area of kStackPages pages below boot::layout::kUserStackTop, mapped on
// demand but for its top page, with a guard gap below it (ProcessMemory::add_stack). In the
// top page the argument strings, then argv[] (argc pointers and a null) at the 16-byte
// aligned stack pointer the program starts with.
libk::Result<StartInfo, abi::Error> build_stack(AddressSpace& space,
                                                libk::Span<const libk::StringView> argv) {
  constexpr u64 kTop = boot::layout::kUserStackTop;
  u64 top_page = TRY(space.memory().add_stack());
  u8* page = boot_info::physical_to_virtual<u8>(top_page);
  u64 page_va = kTop - libk::kPageSize;
  u64 at = libk::kPageSize;  // offset in the top page, growing down
  u64 pointers[abi::kMaxArgs + 1] = {};
  for (usize i = 0; i < argv.size(); ++i) {
    at -= argv[i].size() + 1;
    __builtin_memcpy(page + at, argv[i].data(), argv[i].size());
    page[at + argv[i].size()] = 0;
    pointers[i] = page_va + at;
  }
  u64 table_bytes = (argv.size() + 1) * sizeof(u64);
  at = libk::align_down(at - table_bytes, 16);
  __builtin_memcpy(page + at, pointers, table_bytes);
  return StartInfo{0, page_va + at, argv.size(), page_va + at, 0};
}

[[noreturn]] void leave_thread(Process& p);

// A process thread's first code: it records itself in its slot and enters ring 3, unless the
// process is ending already (checked with interrupts off: end_process's IPI then arrives in
// ring 3 and stops it there).
[[noreturn]] void enter(void* arg) {
  auto* info = static_cast<StartInfo*>(arg);
  StartInfo start = *info;
  delete info;
  Process& p = self();
  {
    MutexLocker lock(table_lock);
    p.threads[start.tid].thread = &thread::current();
  }
  hal::interrupts::disable();
  if (p.ending.load()) {
    hal::interrupts::enable();
    leave_thread(p);
  }
  hal_enter_user(start.entry, start.stack, start.argc, start.argv, new_canary());
}

libk::Result<void, abi::Error> check_args(libk::Span<const libk::StringView> argv) {
  if (argv.size() > abi::kMaxArgs) return libk::unexpected(abi::Error::TooBig);
  usize bytes = 0;
  for (auto a : argv) bytes += a.size() + 1;
  if (bytes > abi::kMaxArgBytes) return libk::unexpected(abi::Error::TooBig);
  return {};
}

Process* claim_slot(libk::StringView path, Pid parent) EXCLUDES(table_lock) {
  MutexLocker lock(table_lock);
  for (Process& p : table) {
    if (p.state != State::Free) continue;
    clear_locked(p);
    p.state = State::Starting;
    p.pid = next_pid++;
    p.parent = parent;
    set_name(p, path);
    return &p;
  }
  return nullptr;
}

void release_slot(Process& p) EXCLUDES(table_lock) {
  MutexLocker lock(table_lock);
  p.state = State::Free;
}

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

// Whether the process has threads that must be stopped.
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

// The last thread of `p` stopped: its memory goes back and its parent may collect it.
void finish(Process& p) EXCLUDES(table_lock) {
  p.space.destroy();
  fs::delete_table(p.files);  // closes every descriptor
  p.files = nullptr;
  Pid pid = p.pid;  // the slot may be freed below (an orphan)
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

void init() {
  u32 added = vm::fill_kernel_half();
  initrd::init();
  log::info("proc: kernel half shared ({} tables added); up to {} processes", added, kMaxProcesses);
}

libk::Result<Pid, abi::Error> spawn(libk::StringView path, libk::Span<const libk::StringView> argv,
                                    Pid parent) {
  TRY(check_args(argv));
  auto entry = initrd::find(path);
  if (!entry) return libk::unexpected(abi::Error::NoEntry);
  auto plan = libk::elf::validate_user_program(entry->data);
  if (!plan) {
    log::warn("proc: {}: not a user program: {}", path, plan.error());
    return libk::unexpected(abi::Error::NotExecutable);
  }
  Process* p = claim_slot(path, parent);
  if (p == nullptr) return libk::unexpected(abi::Error::NoMemory);
  Pid pid = p->pid;
  p->files = spawned_files();
  if (p->files == nullptr) {
    release_slot(*p);
    return libk::unexpected(abi::Error::NoMemory);
  }
  if (auto r = start(*p, plan.value(), entry->data, argv); !r) {
    fs::delete_table(p->files);
    release_slot(*p);
    return libk::unexpected(r.error());
  }
  MutexLocker lock(table_lock);
  ++counts.spawned;
  return pid;
}

libk::Result<i64, abi::Error> wait(Pid pid, Pid parent) {
  MutexLocker lock(table_lock);
  Process* p = find_locked(pid);
  if (p == nullptr || p->parent != parent || p->orphan)
    return libk::unexpected(abi::Error::NoChild);
  while (p->state != State::Zombie) {
    if (current_ending()) return libk::unexpected(abi::Error::Interrupted);
    exited.wait(table_lock);
  }
  i64 status = p->status;
  p->state = State::Free;
  return status;
}

AddressSpace* address_space_of(Pid pid) {
  MutexLocker lock(table_lock);
  Process* p = find_locked(pid);
  return p != nullptr && p->state == State::Running ? &p->space : nullptr;
}

AddressSpace* current_address_space() {
  auto* p = static_cast<Process*>(thread::current().process());
  return p ? &p->space : nullptr;
}

Pid current_pid() {
  auto* p = static_cast<Process*>(thread::current().process());
  return p ? p->pid : kKernelParent;
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

libk::Result<void, abi::Error> end_process(Pid pid, i64 status) {
  Process* p;
  {
    MutexLocker lock(table_lock);
    p = find_locked(pid);
    if (p == nullptr || p->state != State::Running) return libk::unexpected(abi::Error::NoProcess);
    end_locked(*p, status);
  }
  // The slot may be freed and reused from here on: waking its queues is then only a
  // spurious wake-up, which every waiter tolerates.
  stop_threads(*p);
  return {};
}

bool current_ending() {
  auto* p = static_cast<Process*>(thread::current().process());
  return p != nullptr && p->ending.load(libk::MemoryOrder::Relaxed);
}

void on_return_to_user() {
  auto* p = static_cast<Process*>(thread::current().process());
  if (p == nullptr) return;
  // From here to SYSRET/IRETQ interrupts stay off: an end_process after this check sends
  // its IPI, which arrives in ring 3 and comes back here.
  hal::interrupts::disable();
  if (!p->ending.load()) return;
  hal::interrupts::enable();
  leave_thread(*p);
}

Pid current_parent() {
  Process& p = self();
  MutexLocker lock(table_lock);
  return p.orphan ? kKernelParent : p.parent;
}

libk::Result<void, abi::Error> sleep_until(u64 deadline_ns) {
  Process& p = self();
  auto ending = [&p] { return p.ending.load(libk::MemoryOrder::Relaxed); };
  if (deadline_ns > time::now_ns()) p.sleepers.wait_until(ending, deadline_ns);
  if (ending()) return libk::unexpected(abi::Error::Interrupted);
  return {};
}

libk::Result<Tid, abi::Error> thread_create(u64 entry, u64 arg, u64 stack_top) {
  if (entry == 0 || !user_range(entry, 1)) return libk::unexpected(abi::Error::Fault);
  if (stack_top < 16 || !user_range(stack_top - 16, 16)) return libk::unexpected(abi::Error::Fault);
  if (stack_top % 16 != 0) return libk::unexpected(abi::Error::Invalid);
  Process& p = self();
  Tid tid = 0;
  {
    MutexLocker lock(table_lock);
    if (p.ending.load()) return libk::unexpected(abi::Error::Interrupted);
    while (tid < kMaxThreads && p.threads[tid].state != SlotState::Free) ++tid;
    if (tid == kMaxThreads) return libk::unexpected(abi::Error::Again);
    p.threads[tid] = ThreadSlot{SlotState::Live, false, nullptr};
    ++p.live_threads;
  }
  auto* info = new (heap::nothrow) StartInfo{entry, stack_top, arg, 0, tid};
  ThreadOptions options;
  options.detached = true;
  options.address_space = p.space.root();
  options.process = &p;
  auto t = info ? thread::create(libk::StringView(p.name), enter, info, options)
                : libk::unexpected(ThreadError::OutOfMemory);
  if (!t) {
    delete info;
    MutexLocker lock(table_lock);
    p.threads[tid] = ThreadSlot{};
    --p.live_threads;  // the caller's own thread keeps it above zero
    return libk::unexpected(abi::Error::NoMemory);
  }
  return tid;
}

void thread_exit_current() { leave_thread(self()); }

libk::Result<void, abi::Error> thread_join(Tid tid) {
  Process& p = self();
  MutexLocker lock(table_lock);
  if (tid >= kMaxThreads || p.threads[tid].state == SlotState::Free)
    return libk::unexpected(abi::Error::NoProcess);
  ThreadSlot& t = p.threads[tid];
  if (t.thread == &thread::current() || t.joining) return libk::unexpected(abi::Error::Invalid);
  t.joining = true;
  while (t.state != SlotState::Exited) {
    if (p.ending.load()) {
      t.joining = false;
      return libk::unexpected(abi::Error::Interrupted);
    }
    p.thread_ended.wait(table_lock);
  }
  t = ThreadSlot{};
  return {};
}

// --- fork and exec ---------------------------------------------------------------------------

namespace {

// What a forked child's thread starts from: its parent's registers at the fork.
struct ForkStart {
  hal::TrapFrame frame;
};

// A forked child's first code: records itself in slot 0 and resumes in ring 3 where the
// parent called fork, unless the process is ending already (as enter()).
[[noreturn]] void enter_forked(void* arg) {
  auto* info = static_cast<ForkStart*>(arg);
  hal::TrapFrame frame = info->frame;  // on this stack: hal_resume_user returns through it
  delete info;
  Process& p = self();
  {
    MutexLocker lock(table_lock);
    p.threads[0].thread = &thread::current();
  }
  hal::interrupts::disable();
  if (p.ending.load()) {
    hal::interrupts::enable();
    leave_thread(p);
  }
  hal_resume_user(&frame);
}

// Everything a process owns besides its memory and its threads, copied into a forked child:
// today its descriptor table, whose slots share the parent's open-file descriptions (their
// offsets included, as POSIX has it). False when out of memory; the caller frees what the
// child got.
bool inherit_owned(const Process& parent, Process& child) {
  child.files = parent.files != nullptr ? fs::inherit_table(*parent.files) : nullptr;
  return parent.files == nullptr || child.files != nullptr;
}

// Undoes a fork that failed before the child's thread existed.
void discard_child(Process& child) {
  child.space.destroy();
  fs::delete_table(child.files);
  child.files = nullptr;
  release_slot(child);
}

}  // namespace

libk::Result<Pid, abi::Error> fork(const hal::TrapFrame& frame) {
  Process& parent = self();
  if (parent.ending.load()) return libk::unexpected(abi::Error::Interrupted);
  Process* child = claim_slot(libk::StringView(parent.name), parent.pid);
  if (child == nullptr) return libk::unexpected(abi::Error::Again);
  Pid pid = child->pid;
  if (!child->space.create()) {
    release_slot(*child);
    return libk::unexpected(abi::Error::NoMemory);
  }
  auto* start = new (heap::nothrow) ForkStart{frame};
  if (start == nullptr || !parent.space.memory().fork_into(child->space.memory()) ||
      !inherit_owned(parent, *child)) {
    delete start;
    discard_child(*child);
    return libk::unexpected(abi::Error::NoMemory);
  }
  start->frame.rax = 0;  // fork() returns 0 in the child
  ThreadOptions options;
  options.detached = true;
  options.address_space = child->space.root();
  options.process = child;
  {
    MutexLocker lock(table_lock);
    child->state = State::Running;
    child->threads[0].state = SlotState::Live;
    child->live_threads = 1;
  }
  auto t = thread::create(libk::StringView(child->name), enter_forked, start, options);
  if (!t) {
    delete start;
    {
      MutexLocker lock(table_lock);
      child->state = State::Starting;
      child->threads[0].state = SlotState::Free;
      child->live_threads = 0;
    }
    discard_child(*child);
    return libk::unexpected(abi::Error::NoMemory);
  }
  MutexLocker lock(table_lock);
  ++counts.forked;
  return pid;
}

namespace {

// exec's new image, built completely before the old one is given up.
libk::Result<StartInfo, abi::Error> build_image(AddressSpace& space,
                                                const libk::elf::LoadPlan& plan, libk::Bytes file,
                                                libk::Span<const libk::StringView> argv) {
  if (!space.create()) return libk::unexpected(abi::Error::NoMemory);
  for (const auto& s : plan.loadable()) TRY(load_segment(space, s, file));
  StartInfo start = TRY(build_stack(space, argv));
  start.entry = plan.entry;
  return start;
}

}  // namespace

struct ExecImage {
  AddressSpace space;
  StartInfo start;
  char name[kNameCapacity];
};

libk::Result<ExecImage*, abi::Error> prepare_exec(libk::StringView path,
                                                  libk::Span<const libk::StringView> argv) {
  TRY(check_args(argv));
  auto entry = initrd::find(path);
  if (!entry) return libk::unexpected(abi::Error::NoEntry);
  auto plan = libk::elf::validate_user_program(entry->data);
  if (!plan) {
    log::warn("proc: {}: not a user program: {}", path, plan.error());
    return libk::unexpected(abi::Error::NotExecutable);
  }
  auto* image = new (heap::nothrow) ExecImage;
  if (image == nullptr) return libk::unexpected(abi::Error::NoMemory);
  auto start = build_image(image->space, plan.value(), entry->data, argv);
  if (!start) {
    image->space.destroy();
    delete image;
    return libk::unexpected(start.error());
  }
  image->start = start.value();
  copy_name(image->name, path);
  return image;
}

libk::Result<void, abi::Error> exec(ExecImage* image) {
  Process& p = self();
  auto give_up = [image](abi::Error e) {
    image->space.destroy();
    delete image;
    return libk::unexpected(e);
  };
  {
    MutexLocker lock(table_lock);
    if (p.ending.load()) return give_up(abi::Error::Interrupted);
    if (p.live_threads != 1) return give_up(abi::Error::Invalid);
    // The point of no return: the process's address space is the new image from here on.
    // The table lock keeps for_each and address_space_of from seeing it half-swapped; no
    // other thread of the process exists to run on either.
    p.space.swap(image->space);
    __builtin_memcpy(p.name, image->name, kNameCapacity);
    ++counts.execs;
  }
  Scheduler::switch_address_space(p.space.root());
  image->space.destroy();  // the old image: no CPU has it loaded now
  StartInfo s = image->start;
  delete image;
  hal::interrupts::disable();
  if (p.ending.load()) {
    hal::interrupts::enable();
    leave_thread(p);
  }
  hal_enter_user(s.entry, s.stack, s.argc, s.argv, new_canary());
}

namespace {

const char* state_name(const Process& p) {
  switch (p.state) {
    case State::Free: return "free";
    case State::Starting: return "starting";
    case State::Running: return p.ending.load() ? "ending" : "running";
    case State::Zombie: return "zombie";
  }
  return "?";
}

}  // namespace

void for_each(void (*visit)(const ProcessInfo& p, void* context), void* context) {
  MutexLocker lock(table_lock);
  for (const Process& p : table) {
    if (p.state == State::Free) continue;
    ProcessInfo info{p.pid,          p.orphan ? kKernelParent : p.parent,
                     p.name,         state_name(p),
                     p.live_threads, p.space.pages()};
    visit(info, context);
  }
}

// Ending a process from outside (kill, Ctrl-C): end_process, which also wakes a thread
// blocked in a console read (stop_threads).
libk::Result<void, abi::Error> kill(Pid pid, i64 status) { return end_process(pid, status); }

bool running(Pid pid) {
  MutexLocker lock(table_lock);
  Process* p = find_locked(pid);
  return p != nullptr && (p->state == State::Running || p->state == State::Starting);
}

FileTableRef current_files() {
  auto* p = static_cast<Process*>(thread::current().process());
  return p ? p->files : nullptr;
}

void set_exit_listener(ExitListener listener) { exit_listener = listener; }

Stats stats() {
  MutexLocker lock(table_lock);
  Stats s = counts;
  s.live = 0;
  for (const Process& p : table) s.live += p.state != State::Free;
  return s;
}

}  // namespace kernel::proc
