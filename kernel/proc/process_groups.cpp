// Process groups (process.hpp, docs/shell.md "Process groups and Ctrl-C"): setpgid's rules,
// and ending a whole group for Ctrl-C.
#include "proc/process_table.hpp"

namespace kernel::proc {

namespace {

bool group_exists_locked(Pid group) REQUIRES(table_lock) {
  table_lock.assert_held();
  for (const Process& p : table)
    if (p.state != State::Free && p.group == group) return true;
  return false;
}

}  // namespace

libk::Result<void, abi::Error> set_group(Pid pid, Pid group) {
  Pid caller = current_pid();
  if (pid == 0) pid = caller;
  if (group == 0) group = pid;
  MutexLocker lock(table_lock);
  Process* p = find_locked(pid);
  if (p == nullptr || p->state == State::Zombie) return libk::unexpected(abi::Error::NoProcess);
  if (pid != caller && (p->parent != caller || p->orphan))
    return libk::unexpected(abi::Error::NoProcess);
  if (group != pid && !group_exists_locked(group))
    return libk::unexpected(abi::Error::NotPermitted);
  p->group = group;
  return {};
}

Pid group_of(Pid pid) {
  MutexLocker lock(table_lock);
  const Process* p = find_locked(pid);
  return p != nullptr ? p->group : 0;
}

bool group_exists(Pid group) {
  MutexLocker lock(table_lock);
  return group_exists_locked(group);
}

// Every member is marked ending in one hold of the table lock, and only then are their
// threads stopped: marking them one by one let a member that another's end woke (a reader
// seeing the end of its pipe) exit with its own status first. Members still being forked or
// spawned (Starting) are marked too; an ending process claims no new slot (claim_slot), so
// no member of the group appears after this hold but one that setpgid moves in later, as
// POSIX has it for a signal to a group.
libk::Result<u32, abi::Error> end_group(Pid group, i64 status) {
  Process* stop[kMaxProcesses];
  u32 ended = 0, n = 0;
  {
    MutexLocker lock(table_lock);
    for (Process& p : table) {
      bool live = p.state == State::Running || p.state == State::Starting;
      if (!live || p.group != group || p.ending.load()) continue;
      ++ended;
      if (end_locked(p, status)) stop[n++] = &p;
    }
  }
  // A slot may be freed and reused from here on: waking its queues is then only a spurious
  // wake-up, which every waiter tolerates (as end_process).
  for (u32 i = 0; i < n; ++i) stop_threads(*stop[i]);
  if (ended == 0) return libk::unexpected(abi::Error::NoProcess);
  return ended;
}

}  // namespace kernel::proc
