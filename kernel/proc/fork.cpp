#include <hal/fpu.hpp>
#include <hal/interrupts.hpp>
#include <hal/user_mode.hpp>

#include "fs/vfs.hpp"
#include "memory/heap.hpp"
#include "proc/memory_areas.hpp"
#include "proc/process_table.hpp"

namespace kernel::proc {

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

// The calling thread's live FPU registers (its user state: kernel code never touches them),
// saved into its own area, which the scheduler saves the same values into if it is switched
// away meanwhile: the child starts with the x87 control word, MXCSR and vector registers the
// parent had at the fork (the System V ABI has the control bits callee-saved, so fork() must
// return with them unchanged in both).
const void* save_fpu_state() {
  void* area = thread::current().fpu_area();
  VERIFY(area != nullptr);  // every user thread has one
  hal::interrupts::Guard off;
  hal::fpu::save(area);
  return area;
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
  Process* child = TRY(claim_slot(libk::StringView(parent.name), parent.pid));
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
  options.fpu_copy = save_fpu_state();
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

}  // namespace kernel::proc
