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
  reset_fpu_state();
  hal_enter_user(s.entry, s.stack, s.argc, s.argv, new_canary());
}

}  // namespace kernel::proc
