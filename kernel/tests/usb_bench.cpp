// USB benchmarks (KTEST_MANUAL, run by tests/qemu/usb_tests.py's `bench` case, `meson test
// --benchmark usb-kernel`), each against a peer measured in the same run:
//   bench.usb.key_latency  cycles from the xHCI interrupt to a key event in the keyboard
//                          queue, against the PS/2 keyboard's interrupt-to-queue cycles;
//                          the test script types on the USB keyboard, unplugs it, then types
//                          on the PS/2 keyboard
//   bench.usb.idle         xHCI interrupts and controller-thread wake-ups per second with no
//                          input, against the local APIC timer's interrupts in the same 2 s
// Cycles are TSC ticks of QEMU's emulated CPU (TCG): they measure the emulated kernel.
#include "drivers/usb/drivers.hpp"
#include "drivers/usb/xhci.hpp"
#include "keyboard.hpp"
#include "ktest.hpp"
#include "sched/thread.hpp"
#include "time.hpp"
#include "timers.hpp"

namespace kernel {

namespace {

constexpr u64 kKeys = 16;  // key events (press and release each count) from each keyboard
constexpr u64 kWaitNs = 120 * time::kNsPerSecond;

template <typename Done>
bool wait_for(Done done) {
  u64 deadline = time::now_ns() + kWaitNs;
  while (!done()) {
    if (time::now_ns() >= deadline) return false;
    thread::sleep_until(time::now_ns() + time::kNsPerMs);
  }
  return true;
}

u64 average(u64 total, u64 samples) { return samples ? total / samples : 0; }

}  // namespace

KTEST_MANUAL("bench.usb.key_latency") {
  if (!ktest::active()) {  // the shell's `bench`: nobody types on cue
    ktest::out().write("bench.usb.key_latency: needs the usb-kernel benchmark's typing; skipped\n");
    return;
  }
  if (!KEXPECT(usb::wait_settled(10 * time::kNsPerSecond))) return;
  u64 usb_before = usb::key_latency().samples;
  u64 ps2_before = keyboard::ps2_latency().samples;
  libk::format_to(ktest::out(), "USB-BENCH TYPE ON USB\n");
  if (!KEXPECT(wait_for([&] { return usb::key_latency().samples >= usb_before + kKeys; }))) return;
  libk::format_to(ktest::out(), "USB-BENCH TYPE ON PS/2\n");
  if (!KEXPECT(wait_for([&] { return keyboard::ps2_latency().samples >= ps2_before + kKeys; })))
    return;
  usb::KeyLatency u = usb::key_latency();
  keyboard::Latency p = keyboard::ps2_latency();
  u64 usb_avg = average(u.total_cycles, u.samples), ps2_avg = average(p.total_cycles, p.samples);
  libk::format_to(ktest::out(),
                  "KBENCH usb.key_latency: {} USB reports, {} cycles min, {} cycles average; "
                  "PS/2 peer: {} bytes, {} cycles min, {} cycles average; USB/PS/2 {}.{:02}x\n",
                  u.samples, u.min_cycles, usb_avg, p.samples, p.min_cycles, ps2_avg,
                  ps2_avg ? usb_avg / ps2_avg : 0, ps2_avg ? usb_avg * 100 / ps2_avg % 100 : 0);
}

KTEST_MANUAL("bench.usb.idle") {
  if (!ktest::active()) {  // the shell's `bench`: the Enter key's release is USB input too
    ktest::out().write("bench.usb.idle: measured by the usb-kernel benchmark boot; skipped\n");
    return;
  }
  if (!KEXPECT(usb::wait_settled(10 * time::kNsPerSecond))) return;
  constexpr u64 kSeconds = 2;
  u64 interrupts = 0, wakeups = 0;
  for (usb::Controller* c : usb::controllers())
    interrupts -= c->interrupts(), wakeups -= c->thread_wakeups();
  u64 timer = timers::interrupts_seen();
  thread::sleep_until(time::now_ns() + kSeconds * time::kNsPerSecond);
  for (usb::Controller* c : usb::controllers())
    interrupts += c->interrupts(), wakeups += c->thread_wakeups();
  timer = timers::interrupts_seen() - timer;
  libk::format_to(ktest::out(),
                  "KBENCH usb.idle: {} xHCI interrupts and {} controller-thread wake-ups in {} s "
                  "with no input; timer peer: {} interrupts ({} per s)\n",
                  interrupts, wakeups, kSeconds, timer, timer / kSeconds);
  KEXPECT_EQ(interrupts, 0u);
}

}  // namespace kernel
