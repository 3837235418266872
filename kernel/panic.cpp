#include "panic.hpp"

#include <hal/cpu.hpp>
#include <hal/qemu.hpp>

#include "console.hpp"
#include "cpu/ipi.hpp"
#include "cpu/percpu.hpp"
#include "ktest.hpp"
#include "log.hpp"

namespace kernel {

namespace {

constexpr u32 kNobody = ~0u;
// The CPU that is stopping the world (a panic or a crash report), kNobody until one does.
constinit libk::Atomic<u32> stopper{kNobody};
// The CPUs that took the stop NMI and halted.
constinit libk::Atomic<u32> stopped_count{0};
constinit bool in_panic = false;  // written only by the stopper
constinit u32 others_asked = 0;   // the online CPUs the stopper sent its NMI to

// This CPU's index; 0 before the per-CPU data exists (only the bootstrap CPU runs then).
u32 self_index() { return cpu_count() == 0 ? 0 : this_cpu_index(); }

// Waits, boundedly, until every other online CPU has taken the stop NMI. A CPU that does not
// answer (its NMIs blocked: it is itself in an NMI handler) must not keep the report back.
void wait_for_others_to_stop(u32 expected) {
  constexpr u64 kSpins = u64{1} << 24;
  for (u64 i = 0; i < kSpins && stopped_count.load() < expected; ++i) hal::cpu::pause();
}

// Counted once per CPU: one that halted on its own (it failed while another CPU reported)
// takes the stopper's NMI later and comes here again.
[[noreturn]] void halt_here() {
  bool first =
      cpu_count() == 0 || this_cpu().state.exchange(CpuState::Stopped) != CpuState::Stopped;
  if (first) stopped_count.fetch_add(1);
  hal::cpu::halt_forever();
}

// Writes to the screen through console::emergency_write, which ignores a write that was
// in progress when the panic struck.
class ScreenSink final : public libk::Sink {
 public:
  void write(libk::StringView text) override { console::emergency_write(text); }
};

}  // namespace

bool stop_the_world() {
  hal::cpu::cli();
  u32 self = self_index();
  u32 expected = kNobody;
  if (!stopper.compare_exchange(expected, self)) {
    if (expected == self) return false;  // this CPU is already reporting: a nested failure
    halt_here();                         // another CPU reports; its NMI may be on the way
  }
  u32 others = 0;
  for (u32 i = 0; i < cpu_count(); ++i)
    others += i != self && cpu_at(i).state.load() == CpuState::Online;
  others_asked = others;
  if (others == 0) return true;
  ipi::stop_others();
  wait_for_others_to_stop(others);
  return true;
}

bool world_stopped() { return stopper.load() != kNobody; }

void halt_if_world_stopped() {
  u32 who = stopper.load();
  if (who != kNobody && who != self_index()) halt_here();
}

void write_panic_banner(libk::Sink& out, const char* file, int line, const char* function,
                        libk::StringView message) {
  constexpr libk::StringView kStart = "\x1b[0m\n\x1b[1;97;41m\x1b[K";
  constexpr libk::StringView kNext = "\x1b[K\n\x1b[K";
  constexpr libk::StringView kEnd = "\x1b[K\x1b[0m\n";
  out.write(kStart);
  out.write("  *** KERNEL PANIC ***");
  out.write(kNext);
  out.write("  ");
  out.write(message);
  out.write(kNext);
  libk::format_to(out, "  at {}:{} in {}() on CPU {}", file, line, function, self_index());
  out.write(kEnd);
}

void panic_message(const char* file, int line, const char* function, libk::StringView message) {
  libk::Sink& out = log::serial();
  if (!stop_the_world() && in_panic) {  // a panic while panicking: say so once and stop
    out.write("\nnested panic\n");
    // A test run must still end QEMU (with failure), not leave the harness to time out.
    if (ktest::active()) hal::qemu::debug_exit(hal::qemu::kExitFailure);
    hal::cpu::halt_forever();
  }
  in_panic = true;
  if (others_asked != 0)
    libk::format_to(out, "\npanic: CPU {} stopped {} of {} other CPUs\n", self_index(),
                    stopped_count.load(), others_asked);
  write_panic_banner(out, file, line, function, message);
  log::flush_screen_for_panic();  // what the log writer thread had not drawn yet
  ScreenSink screen;
  write_panic_banner(screen, file, line, function, message);
  ktest::on_panic(message);
  hal::cpu::halt_forever();
}

}  // namespace kernel

namespace libk {

// VERIFY and DEBUG_ASSERT in kernel code (libk/include/libk/assert.hpp).
void verify_failed(const char* expression, const char* file, int line, const char* function) {
  char message[256];
  libk::format_into(message, sizeof(message), "{} failed", expression);
  kernel::panic_message(file, line, function, message);
}

}  // namespace libk
