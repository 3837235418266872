#include "proc/process_table.hpp"

#include "sched/thread.hpp"

namespace kernel::proc {

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

namespace {

// A free slot made ready for a new process (Process is not copyable: it holds wait queues,
// which are empty whenever the slot is free).
void clear_locked(Process& p) REQUIRES(table_lock) {
  table_lock.assert_held();
  p.state = State::Free;
  p.pid = 0;
  p.parent = kKernelParent;
  p.group = 0;
  p.orphan = false;
  p.status = 0;
  p.name[0] = 0;
  p.space = AddressSpace{};
  for (ThreadSlot& t : p.threads) t = ThreadSlot{};
  p.live_threads = 0;
  p.ending.store(false);
  p.sole.store(nullptr);
  p.files = nullptr;
}

// A new process joins its parent's group (fork, spawn); one the kernel starts leads its own.
Pid group_for_child_locked(Pid parent, Pid child) REQUIRES(table_lock) {
  table_lock.assert_held();
  const Process* p = parent == kKernelParent ? nullptr : find_locked(parent);
  return p != nullptr ? p->group : child;
}

}  // namespace

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

libk::Result<Process*, abi::Error> claim_slot(libk::StringView path, Pid parent)
    EXCLUDES(table_lock) {
  MutexLocker lock(table_lock);
  const Process* maker = parent == kKernelParent ? nullptr : find_locked(parent);
  if (maker != nullptr && maker->ending.load()) return libk::unexpected(abi::Error::Interrupted);
  for (Process& p : table) {
    if (p.state != State::Free) continue;
    clear_locked(p);
    p.state = State::Starting;
    p.pid = next_pid++;
    p.parent = parent;
    p.group = group_for_child_locked(parent, p.pid);
    set_name(p, path);
    return &p;
  }
  return libk::unexpected(abi::Error::Again);
}

// A thread of the parent may already wait for the pid fork or spawn was about to return: it
// looks again, finds no such child, and returns NoChild.
void release_slot(Process& p) EXCLUDES(table_lock) {
  {
    MutexLocker lock(table_lock);
    p.state = State::Free;
  }
  exited.broadcast();
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

Pid current_parent() {
  Process& p = self();
  MutexLocker lock(table_lock);
  return p.orphan ? kKernelParent : p.parent;
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
                     p.group,        p.name,
                     state_name(p),  p.live_threads,
                     p.space.pages()};
    visit(info, context);
  }
}

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
