// In-kernel tests of per-thread FPU state (docs/processes.md, "FPU state"), run by test=all
// on every boot (1 and several CPUs, -cpu max and qemu64 in the CPU matrix): the save area's
// size and alignment, programs' vector registers surviving preemption, a new process seeing
// the clean state while another holds values, and a SIMD exception ending only the program.
// Also the per-process stack-protector canary.
#include <hal/cpu.hpp>
#include <hal/fpu.hpp>
#include <hal/registers.hpp>
#include <libk/fpu_area.hpp>

#include "ktest.hpp"
#include "proc/process.hpp"
#include "proc/user_canary.hpp"
#include "sched/scheduler.hpp"
#include "sched/wait_queue.hpp"
#include "time.hpp"

namespace kernel {

namespace {

using libk::StringView;

libk::Result<proc::Pid, abi::Error> start(StringView mode, StringView rounds = "") {
  StringView argv[] = {"fpu", mode, rounds};
  return proc::spawn("/bin/fpu", {argv, rounds.size() ? 3u : 2u}, proc::kKernelParent);
}

void nothing(void*) {}

// --- The switch benchmark -------------------------------------------------------------------

constexpr u64 kRounds = 20'000;
constinit WaitQueue bench_gate;
constinit bool bench_started = false;

void yield_many(void*) {
  bench_gate.wait_until([] { return bench_started; });
  for (u64 i = 0; i < kRounds; ++i) thread::yield();
}

// Two threads yielding to each other on this CPU, above main and with long slices (every
// yield switches); with `fpu_state` each owns a save area, saved and loaded at every switch.
// TSC ticks per switch.
u64 pingpong_cycles(bool fpu_state) {
  ThreadOptions o;
  o.priority = sched::kDefaultPriority + 1;
  o.slice_ns = time::kNsPerSecond;
  o.cpu = thread::current().cpu();
  o.fpu_state = fpu_state;
  {
    SpinLockGuard guard(scheduler_lock);
    bench_started = false;
  }
  auto a = thread::create("fpu-bench-a", yield_many, nullptr, o);
  auto b = thread::create("fpu-bench-b", yield_many, nullptr, o);
  VERIFY(a.ok() && b.ok());
  u64 before = Scheduler::stats().switches;
  u64 start = hal::cpu::rdtsc();
  {
    SpinLockGuard guard(scheduler_lock);
    bench_started = true;
    bench_gate.wake_all_locked();
  }
  Scheduler::preempt_if_needed();
  thread::join(*a.value());
  thread::join(*b.value());
  u64 switches = Scheduler::stats().switches - before;
  return (hal::cpu::rdtsc() - start) / (switches ? switches : 1);
}

i64 run_crash(StringView mode) {
  StringView argv[] = {"crash", mode};
  auto pid = proc::spawn("/bin/crash", {argv, 2}, proc::kKernelParent);
  if (!pid) return -1;
  auto status = proc::wait(pid.value(), proc::kKernelParent);
  return status ? status.value() : -1;
}

}  // namespace

KTEST("proc.fpu.area_sized_by_cpuid") {
  const hal::fpu::Config& c = hal::fpu::config();
  bool xsave = (hal::cpu::cpuid(1).ecx >> 26 & 1) != 0;
  KEXPECT_EQ(c.xsave, xsave);
  if (xsave) {
    KEXPECT_EQ(u64(c.area_size), u64(hal::cpu::cpuid(0xD, 0).ebx));  // for the XCR0 loaded
    KEXPECT_EQ(hal::Xcr0::read().raw(), c.xcr0);
  } else {
    KEXPECT_EQ(u64(c.area_size), u64{libk::fpu::kLegacySize});
  }
  KEXPECT(hal::Cr4::read().osfxsr() && hal::Cr4::read().osxmmexcpt());
  KEXPECT(!hal::Cr0::read().em() && !hal::Cr0::read().ts());
  // Kernel threads own no area unless asked; asked, it is 64-byte aligned.
  ThreadOptions options;
  options.fpu_state = true;
  auto th = thread::create("fpu-area", nothing, nullptr, options);
  if (!KEXPECT(th.ok())) return;
  KEXPECT(th.value()->fpu_area() != nullptr);
  KEXPECT_EQ(reinterpret_cast<u64>(th.value()->fpu_area()) % hal::fpu::kAreaAlignment, u64{0});
  thread::join(*th.value());
  KEXPECT(thread::current().fpu_area() == nullptr);
}

// Three programs at once, each with its own value in every xmm/ymm register and MXCSR,
// yielding and spinning through time slices: none sees another's values.
KTEST("proc.fpu.registers_survive_preemption") {
  proc::Pid pids[3];
  for (auto& pid : pids) {
    auto p = start("hold", "40");
    if (!KEXPECT(p.ok())) return;
    pid = p.value();
  }
  for (auto pid : pids) {
    auto status = proc::wait(pid, proc::kKernelParent);
    KEXPECT(status.ok() && status.value() == 0);
  }
}

// A new process starts from the clean state (FNINIT, MXCSR 0x1F80, zero vectors) even while
// others hold non-zero values and right after they exited: no information leaks.
KTEST("proc.fpu.new_process_sees_clean_state") {
  auto holder = start("hold", "20");
  if (!KEXPECT(holder.ok())) return;
  for (int i = 0; i < 4; ++i) {
    auto fresh = start("fresh");
    if (!KEXPECT(fresh.ok())) return;
    auto status = proc::wait(fresh.value(), proc::kKernelParent);
    KEXPECT(status.ok() && status.value() == 0);
  }
  auto status = proc::wait(holder.value(), proc::kKernelParent);
  KEXPECT(status.ok() && status.value() == 0);
  auto after = start("fresh");
  if (!KEXPECT(after.ok())) return;
  auto after_status = proc::wait(after.value(), proc::kKernelParent);
  KEXPECT(after_status.ok() && after_status.value() == 0);
}

// Unmasked floating-point exceptions in a program end it (128 + vector) and nothing else:
// x87 division by zero is #MF (16). The SIMD one is #XM (19) on hardware and KVM; QEMU 7.2's
// TCG only sets MXCSR.ZE, and crash exits 3 then.
KTEST("proc.fpu.fp_exceptions_end_the_process") {
  KEXPECT_EQ(run_crash("x87"), i64{128 + 16});
  i64 sse = run_crash("sse");
  KEXPECT(sse == 128 + 19 || sse == 3);
}

// Each process gets its own stack-protector canary (tests/qemu/user_tests.py sees two
// programs print different ones): never zero, low byte zero, and not repeated.
KTEST("proc.canary.random_per_process") {
  u64 a = proc::new_canary(), b = proc::new_canary();
  KEXPECT(a != 0 && b != 0);
  KEXPECT_EQ(a & 0xff, u64{0});
  KEXPECT(a != b);
}

// The cost of eager FPU switching: a yield ping-pong between two threads that own FPU state
// (XSAVE/XRSTOR or FXSAVE/FXRSTOR of hal::fpu::area_size() bytes at every switch) against
// the same between two kernel threads without. Run by tests/qemu/sched_tests.py bench.
KTEST_MANUAL("bench.sched.fpu_switch") {
  u64 plain = pingpong_cycles(false);
  u64 fpu = pingpong_cycles(true);
  const hal::fpu::Config& c = hal::fpu::config();
  libk::format_to(ktest::out(),
                  "KBENCH fpu_switch: {} cycles per switch with {} ({} bytes), {} without, "
                  "ratio {}.{:02}\n",
                  fpu, c.xsave ? "XSAVE" : "FXSAVE", c.area_size, plain, fpu / (plain ? plain : 1),
                  (fpu * 100 / (plain ? plain : 1)) % 100);
  KEXPECT(fpu > 0 && plain > 0);
}

}  // namespace kernel
