#include <hal/fpu.hpp>
#include <hal/interrupts.hpp>
#include <hal/user_mode.hpp>

#include "log.hpp"
#include "memory/heap.hpp"
#include "proc/initrd.hpp"
#include "proc/process_table.hpp"
#include "proc/user_canary.hpp"
#include "sched/scheduler.hpp"

namespace kernel::proc {

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

namespace {

// The new program starts with the clean FPU state, as a spawned one does (docs/processes.md,
// "FPU state"): the old program's registers are still live on this CPU, and would otherwise
// reach the new program (its vector registers may hold the old one's data). Context:
// interrupts off, so that no switch saves the old state over the clean one in between.
void reset_fpu_state() {
  void* area = thread::current().fpu_area();
  VERIFY(area != nullptr);  // every user thread has one
  hal::fpu::init_area(area);
  hal::fpu::restore(area);
}

// POSIX's exec ends every other thread of the process. The caller becomes the process's sole
// thread: the others see must_stop and stop (each at its next way back to ring 3, a blocking
// call first returning Interrupted), and the caller waits until they have (leave_thread
// broadcasts thread_ended), so that none is still in the kernel using the old image (a fork
// copying it, a read into it) when it is given up. Interrupted when the process is being
// ended meanwhile, or another thread is in exec already (this one must then stop).
libk::Result<void, abi::Error> become_sole_thread(Process& p) EXCLUDES(table_lock) {
  Thread* me = &thread::current();
  {
    MutexLocker lock(table_lock);
    if (must_stop(p)) return libk::unexpected(abi::Error::Interrupted);
    if (p.live_threads == 1) return {};
    p.sole.store(me);  // sequentially consistent: before the IPIs of stop_threads
  }
  stop_threads(p);
  MutexLocker lock(table_lock);
  while (p.live_threads > 1 && !p.ending.load()) p.thread_ended.wait(table_lock);
  if (p.live_threads > 1) {  // ended meanwhile: this thread stops too, with the others
    p.sole.store(nullptr);
    return libk::unexpected(abi::Error::Interrupted);
  }
  return {};
}

// The caller is the process's only live thread: it becomes thread 0, and the slots of the
// stopped threads (which nobody can join now) are free for the new program.
void keep_only_current_locked(Process& p) REQUIRES(table_lock) {
  table_lock.assert_held();
  VERIFY(p.live_threads == 1);
  for (ThreadSlot& t : p.threads) t = ThreadSlot{};
  p.threads[0] = ThreadSlot{SlotState::Live, false, &thread::current()};
  p.sole.store(nullptr);
}

}  // namespace

struct ExecImage {
  AddressSpace space;
  StartInfo start;
  char name[kNameCapacity];
};

libk::Result<ExecImage*, abi::Error> prepare_exec(libk::StringView path,
                                                  libk::Span<const libk::StringView> argv) {
  Program program = TRY(find_program(path, argv));
  auto* image = new (heap::nothrow) ExecImage;
  if (image == nullptr) return libk::unexpected(abi::Error::NoMemory);
  auto start = build_image(image->space, program.plan, program.file, argv);
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
  if (auto r = become_sole_thread(p); !r) return give_up(r.error());
  {
    MutexLocker lock(table_lock);
    if (p.ending.load()) {
      p.sole.store(nullptr);
      return give_up(abi::Error::Interrupted);
    }
    VERIFY(p.live_threads == 1);  // no other can start: thread_create refuses while sole is set
    keep_only_current_locked(p);
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
  reset_fpu_state();
  hal_enter_user(s.entry, s.stack, s.argc, s.argv, new_canary());
}

}  // namespace kernel::proc
