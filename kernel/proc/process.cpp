#include "proc/process.hpp"

#include <boot/address_space.hpp>
#include <hal/cpu.hpp>
#include <hal/exceptions.hpp>
#include <hal/user_mode.hpp>
#include <libk/elf.hpp>

#include "boot.hpp"
#include "cpu/ipi.hpp"
#include "fs/vfs.hpp"
#include "log.hpp"
#include "memory/heap.hpp"
#include "memory/vm.hpp"
#include "panic.hpp"
#include "proc/address_space.hpp"
#include "proc/initrd.hpp"
#include "proc/memory_areas.hpp"
#include "proc/user_canary.hpp"
#include "sched/scheduler.hpp"
#include "sched/thread.hpp"
#include "sync/condition_variable.hpp"
#include "sync/mutex.hpp"
#include "sync/spinlock.hpp"
#include "tty/tty.hpp"

namespace kernel::proc {

namespace {

enum class State : u8 { Free, Starting, Running, Zombie };

constexpr usize kNameCapacity = 32;

struct Process {
  State state = State::Free;
  Pid pid = 0;
  Pid parent = kKernelParent;
  bool orphan = false;  // the parent exited first: nobody will wait
  i64 status = 0;
  char name[kNameCapacity] = {};
  AddressSpace space;
  Thread* thread = nullptr;
  fs::FileTable* files = nullptr;  // descriptors (kernel/fs/vfs.hpp)
  bool killed = false;             // atomic: kill() asked it to end (see kill())
  i64 kill_status = 0;             // the status it ends with then
};

constinit Mutex table_lock{"processes"};
constinit ConditionVariable exited;  // broadcast when a process becomes a zombie
constinit Process table[kMaxProcesses] GUARDED_BY(table_lock);
constinit Pid next_pid GUARDED_BY(table_lock) = 1;
constinit Stats counts GUARDED_BY(table_lock) = {};
constinit ExitListener exit_listener = nullptr;
constinit SpinLock kill_ipi_lock{"kill ipi", lock_rank::kLeaf};

Process* find_locked(Pid pid) REQUIRES(table_lock) {
  table_lock.assert_held();
  for (Process& p : table)
    if (p.state != State::Free && p.pid == pid) return &p;
  return nullptr;
}

Process& self() {
  auto* p = static_cast<Process*>(thread::current().process());
  VERIFY(p != nullptr);
  return *p;
}

void set_name(Process& p, libk::StringView path) {
  usize slash = 0;
  for (usize i = 0; i < path.size(); ++i)
    if (path[i] == '/') slash = i + 1;
  libk::StringView base = path.substr(slash);
  usize n = libk::min(base.size(), kNameCapacity - 1);
  for (usize i = 0; i < n; ++i) p.name[i] = base[i];
  p.name[n] = 0;
}

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

struct StartInfo {
  u64 entry, stack, argc, argv;
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
  return StartInfo{0, page_va + at, argv.size(), page_va + at};
}

[[noreturn]] void enter(void* arg) {
  auto* info = static_cast<StartInfo*>(arg);
  StartInfo start = *info;
  delete info;
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
    p = Process{};
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
  }
  auto t = thread::create(libk::StringView(p.name), enter, info, options);
  if (!t) {
    delete info;
    {
      MutexLocker lock(table_lock);
      p.state = State::Starting;
    }
    return fail(abi::Error::NoMemory);
  }
  return {};
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
  p->files = fs::new_console_table();
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
  while (p->state != State::Zombie) exited.wait(table_lock);
  i64 status = p->status;
  p->state = State::Free;
  return status;
}

AddressSpace* current_address_space() {
  auto* p = static_cast<Process*>(thread::current().process());
  return p ? &p->space : nullptr;
}

libk::Result<i64, abi::Error> wait_interruptible(Pid pid, Pid parent) {
  MutexLocker lock(table_lock);
  Process* p = find_locked(pid);
  if (p == nullptr || p->parent != parent || p->orphan)
    return libk::unexpected(abi::Error::NoChild);
  while (p->state != State::Zombie) {
    if (current_killed()) return libk::unexpected(abi::Error::Interrupted);
    exited.wait(table_lock);
  }
  i64 status = p->status;
  p->state = State::Free;
  return status;
}

Pid current_pid() {
  auto* p = static_cast<Process*>(thread::current().process());
  return p ? p->pid : kKernelParent;
}

void exit_current(i64 status) {
  Process& p = self();
  Scheduler::leave_address_space();
  p.space.destroy();
  fs::delete_table(p.files);  // closes every descriptor
  p.files = nullptr;
  {
    MutexLocker lock(table_lock);
    p.status = status;
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
  if (exit_listener) exit_listener(p.pid);
  thread::exit(status);
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

// Ending a process from outside: the flag is what every thread of the process checks on its
// way back to ring 3 (exit_if_killed: the system-call return and every interrupt exit) and
// in every interruptible wait (wait, the console's read); then the blocked waits are woken and
// the CPUs that may be running it in ring 3 interrupted (a reschedule IPI: its exit runs
// the check). A process with several threads needs nothing more here: each thread ends at
// its own check (exit_if_killed is where a process-wide exit would gather them).
libk::Result<void, abi::Error> kill(Pid pid, i64 status) {
  {
    MutexLocker lock(table_lock);
    Process* p = find_locked(pid);
    if (p == nullptr || p->state != State::Running) return libk::unexpected(abi::Error::NoProcess);
    p->kill_status = status;
    __atomic_store_n(&p->killed, true, __ATOMIC_RELEASE);
  }
  exited.broadcast();
  tty::wake_readers();
  {
    SpinLockGuard irq_off(kill_ipi_lock);
    u64 others = ipi::others_online();
    for (u32 cpu = 0; cpu < 64; ++cpu)
      if (others & (u64{1} << cpu)) ipi::reschedule(cpu);
  }
  return {};
}

bool running(Pid pid) {
  MutexLocker lock(table_lock);
  Process* p = find_locked(pid);
  return p != nullptr && (p->state == State::Running || p->state == State::Starting);
}

bool current_killed() {
  auto* p = static_cast<Process*>(thread::current().process());
  return p != nullptr && __atomic_load_n(&p->killed, __ATOMIC_ACQUIRE);
}

void exit_if_killed() {
  if (!current_killed()) return;
  hal::cpu::sti();  // from an interrupt exit: a thread again, on its own kernel stack
  exit_current(self().kill_status);
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
