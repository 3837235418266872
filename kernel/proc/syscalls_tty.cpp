// System calls on the terminal and on process groups (docs/syscalls.md, docs/shell.md):
// winsize, tty_mode, setpgid, tty_set_foreground, proc_list.
#include "fs/vfs.hpp"
#include "memory/heap.hpp"
#include "proc/process.hpp"
#include "proc/syscall_handlers.hpp"
#include "proc/user_memory.hpp"
#include "tty/tty.hpp"

namespace kernel::proc::syscalls {

namespace {

using abi::Error;

// The terminal calls take a descriptor, which must be open on the console (Invalid for any
// other file: Ember has one terminal).
libk::Result<void, Error> terminal_descriptor(u64 fd) {
  fs::FileTable* files = current_files();
  fs::FileRef f = files ? files->hold(fd) : fs::FileRef();
  if (!f) return libk::unexpected(Error::BadDescriptor);
  if (&f->node() != &tty::console_vnode()) return libk::unexpected(Error::Invalid);
  return {};
}

libk::Result<Pid, Error> pid_argument(u64 value) {
  if (value > ~u32{0}) return libk::unexpected(Error::NoProcess);
  return Pid(value);
}

struct Listing {
  abi::ProcEntry entries[kMaxProcesses];
  u32 count;
};

abi::ProcState state_of(const char* name) {
  libk::StringView s(name);
  if (s == "starting") return abi::ProcState::Starting;
  if (s == "ending") return abi::ProcState::Ending;
  if (s == "zombie") return abi::ProcState::Zombie;
  return abi::ProcState::Running;
}

void take_entry(const ProcessInfo& p, void* context) {
  auto& l = *static_cast<Listing*>(context);
  VERIFY(l.count < kMaxProcesses);  // one entry per slot of the table
  abi::ProcEntry& e = l.entries[l.count++];
  e = abi::ProcEntry{};
  e.pid = p.pid;
  e.ppid = p.parent;
  e.pgid = p.group;
  e.state = state_of(p.state);
  e.threads = p.threads;
  usize n = libk::min(libk::StringView(p.name).size(), abi::kProcNameBytes - 1);
  __builtin_memcpy(e.name, p.name, n);
}

}  // namespace

// winsize(fd, &size)
Result sys_winsize(const Frame& f) {
  TRY(terminal_descriptor(f.rdi));
  abi::WinSize size = tty::window_size();
  TRY(copy_to_user(f.rsi, &size, sizeof(size)));
  return 0;
}

// tty_mode(fd, mode) -> the previous mode; a background job waits until it may
// (tty::change_mode).
Result sys_tty_mode(const Frame& f) {
  Pid me = current_pid();
  if (me == kKernelParent) return libk::unexpected(Error::Invalid);
  TRY(terminal_descriptor(f.rdi));
  if (f.rsi != abi::kTtyCanonical && f.rsi != abi::kTtyRaw) return libk::unexpected(Error::Invalid);
  return i64(TRY(tty::change_mode(libk::tty::Mode(f.rsi), me)));
}

// setpgid(pid, pgid)
Result sys_setpgid(const Frame& f) {
  if (current_pid() == kKernelParent) return libk::unexpected(Error::Invalid);
  Pid pid = TRY(pid_argument(f.rdi));
  Pid group = TRY(pid_argument(f.rsi));
  TRY(set_group(pid, group));
  return 0;
}

// tty_set_foreground(fd, pgid): Ctrl-C ends that group from now on; pgid 0: no group (Ctrl-C
// only drops the line being typed). NoProcess if no process is in the group; a background
// job waits until it may (tty::change_foreground).
Result sys_tty_set_foreground(const Frame& f) {
  Pid me = current_pid();
  if (me == kKernelParent) return libk::unexpected(Error::Invalid);
  TRY(terminal_descriptor(f.rdi));
  Pid group = TRY(pid_argument(f.rsi));
  if (group != 0 && !group_exists(group)) return libk::unexpected(Error::NoProcess);
  TRY(tty::change_foreground(group, me));
  return 0;
}

// proc_list(&entries, count) -> entries written (at most count); with count 0, how many
// processes there are.
Result sys_proc_list(const Frame& f) {
  u64 user_entries = f.rdi, count = f.rsi;
  auto* l = new (heap::nothrow) Listing;
  if (l == nullptr) return libk::unexpected(Error::NoMemory);
  l->count = 0;
  for_each(take_entry, l);  // copied out after: the table's lock is not held over user memory
  u64 n = count == 0 ? l->count : libk::min<u64>(count, l->count);
  auto copied = count == 0 ? libk::Result<void, Error>{}
                           : copy_to_user(user_entries, l->entries, n * sizeof(abi::ProcEntry));
  delete l;
  TRY(copied);
  return i64(n);
}

}  // namespace kernel::proc::syscalls
