// meminfo (process.hpp): a process's user pages and how many share their frame, counted
// while the process cannot end or exec.
#include "memory/pmm.hpp"
#include "proc/memory_areas.hpp"
#include "proc/process_table.hpp"

namespace kernel::proc {

// The table lock is held over the count: a process's last thread takes it to stop
// (leave_thread) before its address space is destroyed (finish), and exec swaps the address
// space under it, so the space counted stays the process's. The memory lock under it keeps
// faults and unmaps out of the walk (the order table, then memory, is the only one: the
// memory lock is a spin lock, under which nothing takes the table's mutex).
libk::Result<abi::MemInfo, abi::Error> memory_info(Pid pid) {
  Process& caller = self();
  AddressSpace::Sharing s;
  {
    MutexLocker lock(table_lock);
    Process* p = pid == 0 ? &caller : find_locked(pid);
    bool mine = p == &caller || (p != nullptr && p->parent == caller.pid && !p->orphan);
    if (!mine || p->state != State::Running || p->live_threads == 0 || !p->space.live())
      return libk::unexpected(abi::Error::NoProcess);
    s = p->space.memory().sharing();
  }
  return abi::MemInfo{s.resident, s.shared, pmm::stats().free_frames};
}

}  // namespace kernel::proc
