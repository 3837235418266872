#include "cpu/ipi.hpp"

#include <hal/apic_setup.hpp>
#include <hal/interrupts.hpp>

#include "cpu/percpu.hpp"
#include "interrupts.hpp"
#include "log.hpp"

namespace kernel::ipi {

namespace {

using Icr = hal::InterruptCommand;

// What one CPU asked of others with call_on: each target runs fn(arg) and clears its bit in
// `pending`; the caller waits for 0. A CPU makes one call at a time (interrupts off), so one
// record per caller is enough, and its fields are stable while `pending` is not 0.
struct CallRecord {
  libk::Atomic<Function> fn{nullptr};
  libk::Atomic<void*> arg{nullptr};
  libk::Atomic<u64> pending{0};
};

constinit PerCpu<CallRecord> calls;

void send(u32 cpu, Icr command) {
  if (!hal::apic::local().send_ipi(cpu_at(cpu).apic_id, command))
    log::warn("ipi: the local APIC did not send an IPI to CPU {} (APIC ID {})", cpu,
              cpu_at(cpu).apic_id);
}

void count_received() {
  Cpu& self = this_cpu();
  self.ipis_received.store(self.ipis_received.load(libk::MemoryOrder::Relaxed) + 1,
                           libk::MemoryOrder::Relaxed);
}

// The reschedule IPI needs no work here: the interrupt's exit runs the scheduler, which
// finds need_resched set.
void on_reschedule() { count_received(); }

void on_call_function() {
  count_received();
  run_pending();
}

}  // namespace

void init() {
  interrupts::set_local_handler(interrupts::kRescheduleVector, on_reschedule);
  interrupts::set_local_handler(interrupts::kCallFunctionVector, on_call_function);
}

void reschedule(u32 cpu) {
  send(cpu, Icr(0).set_vector(interrupts::kRescheduleVector).set_assert_level(true));
}

u64 others_online() {
  u64 mask = 0;
  u32 self = this_cpu_index();
  for (u32 i = 0; i < cpu_count(); ++i)
    if (i != self && cpu_at(i).state.load() == CpuState::Online) mask |= u64{1} << i;
  return mask;
}

void call_on(u64 mask, Function fn, void* arg) {
  hal::interrupts::SavedState irq = hal::interrupts::save_and_disable();
  u32 self = this_cpu_index();
  mask &= ~(u64{1} << self);
  if (mask != 0) {
    CallRecord& r = calls.of(self);
    r.fn.store(fn, libk::MemoryOrder::Relaxed);
    r.arg.store(arg, libk::MemoryOrder::Relaxed);
    r.pending.store(mask, libk::MemoryOrder::Release);
    for (u32 i = 0; i < kMaxCpus; ++i)
      if (mask >> i & 1)
        send(i, Icr(0).set_vector(interrupts::kCallFunctionVector).set_assert_level(true));
    while (r.pending.load(libk::MemoryOrder::Acquire) != 0) {
      run_pending();  // a CPU calling us meanwhile must not wait for us forever
      hal::cpu::pause();
    }
  }
  hal::interrupts::restore(irq);
}

void run_pending() {
  u32 self = this_cpu_index();
  u64 bit = u64{1} << self;
  for (u32 caller = 0; caller < cpu_count(); ++caller) {
    CallRecord& r = calls.of(caller);
    if (!(r.pending.load(libk::MemoryOrder::Acquire) & bit)) continue;
    r.fn.load(libk::MemoryOrder::Relaxed)(r.arg.load(libk::MemoryOrder::Relaxed));
    r.pending.fetch_and(~bit, libk::MemoryOrder::Release);
  }
}

void stop_others() {
  for (u32 i = 0; i < cpu_count(); ++i) {
    if (i == this_cpu_index() || cpu_at(i).state.load() != CpuState::Online) continue;
    (void)hal::apic::local().send_ipi(
        cpu_at(i).apic_id, Icr(0).set_delivery(Icr::Delivery::Nmi).set_assert_level(true));
  }
}

}  // namespace kernel::ipi
