#include <hal/interrupts.hpp>

#include "memory/heap.hpp"
#include "proc/process_table.hpp"
#include "proc/user_memory.hpp"
#include "time.hpp"

namespace kernel::proc {

libk::Result<void, abi::Error> sleep_until(u64 deadline_ns) {
  Process& p = self();
  auto ending = [&p] { return must_stop(p); };
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
    if (must_stop(p)) return libk::unexpected(abi::Error::Interrupted);
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
    if (must_stop(p)) {
      t.joining = false;
      return libk::unexpected(abi::Error::Interrupted);
    }
    p.thread_ended.wait(table_lock);
  }
  t = ThreadSlot{};
  return {};
}

}  // namespace kernel::proc
