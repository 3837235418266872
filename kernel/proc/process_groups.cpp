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

// The members of `group` not yet being ended, those still being forked or spawned (Starting)
// included; returns how many went to `out`.
u32 live_members(Pid group, Pid (&out)[kMaxProcesses]) EXCLUDES(table_lock) {
  MutexLocker lock(table_lock);
  u32 n = 0;
  for (const Process& p : table) {
    bool live = p.state == State::Running || p.state == State::Starting;
    if (live && p.group == group && !p.ending.load()) out[n++] = p.pid;
  }
  return n;
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

// Each round ends every member found (end_process marks it ending, so the next round skips
// it); another round catches a member whose slot was claimed by one not yet marked: an
// ending process claims none (claim_slot), so no member can join after the last round. The
// rounds end because each one's members were all marked.
libk::Result<u32, abi::Error> end_group(Pid group, i64 status) {
  u32 ended = 0;
  Pid members[kMaxProcesses];
  for (u32 n; (n = live_members(group, members)) != 0;)
    for (u32 i = 0; i < n; ++i)
      if (end_process(members[i], status)) ++ended;  // NoProcess: it ended meanwhile
  if (ended == 0) return libk::unexpected(abi::Error::NoProcess);
  return ended;
}

}  // namespace kernel::proc
