#include "cpu/ap_start.hpp"

#include <hal/ap_boot.hpp>
#include <hal/apic_setup.hpp>
#include <hal/gdt.hpp>
#include <hal/idt.hpp>
#include <hal/machine_check.hpp>
#include <hal/user_mode.hpp>

#include "acpi.hpp"
#include "boot.hpp"
#include "cpu/info.hpp"
#include "cpu/percpu.hpp"
#include "interrupts.hpp"
#include "log.hpp"
#include "memory/stacks.hpp"
#include "memory/vm.hpp"
#include "sched/scheduler.hpp"
#include "time.hpp"
#include "timers.hpp"

namespace kernel::smp {

namespace {

// SDM Vol. 3A §9.4.4.1: wait 10 ms after INIT and 200 us after each start-up IPI.
constexpr u64 kInitDelayNs = 10 * time::kNsPerMs;
constexpr u64 kStartupDelayNs = 200 * time::kNsPerUs;
// How long a started CPU may take to come online: generous, since under emulation a vCPU
// thread may not run for a while (QEMU's multi-threaded TCG on a busy host).
constexpr u64 kOnlineTimeoutNs = 5 * time::kNsPerSecond;

// The pages start-up needs below 1 MiB: the trampoline (the loader's, when it reserved one)
// and the temporary page tables (PML4, PDPT, PD). The kernel never pools memory below 1 MiB.
struct LowPages {
  u64 trampoline, pml4, pdpt, pd;
};

bool page_is_usable(u64 phys) {
  for (const boot::MemoryRange& r : boot_info::memory_map())
    if (r.type == boot::MemoryType::Usable && phys >= r.base && phys + libk::kPageSize <= r.end())
      return true;
  return false;
}

// Free usable pages below 640 KiB, from the top down (the loader and firmware tend to use
// the bottom), skipping `taken`.
libk::Optional<u64> find_low_page(const u64 (&taken)[4]) {
  for (u64 page = 0x9F000; page >= 0x1000; page -= libk::kPageSize) {
    bool used = false;
    for (u64 t : taken) used |= t == page;
    if (!used && page_is_usable(page)) return page;
  }
  return libk::nullopt;
}

libk::Optional<LowPages> find_low_pages() {
  u64 taken[4] = {boot_info::get().ap_trampoline, 0, 0, 0};
  if (taken[0] == 0 || !hal::ap::page_usable_for_trampoline(taken[0])) {
    auto page = find_low_page(taken);
    if (!page) return libk::nullopt;
    taken[0] = *page;
  }
  for (usize i = 1; i < 4; ++i) {
    auto page = find_low_page(taken);
    if (!page) return libk::nullopt;
    taken[i] = *page;
  }
  return LowPages{taken[0], taken[1], taken[2], taken[3]};
}

template <typename T = u64>
T* virt(u64 phys) {
  return boot_info::physical_to_virtual<T>(phys);
}

// Builds the trampoline page and the temporary tables that take an AP into long mode.
void prepare(const LowPages& low) {
  const u64 tables[] = {low.pml4, low.pdpt, low.pd};
  for (u64 page : tables) __builtin_memset(virt(page), 0, libk::kPageSize);
  hal::ap::build_temporary_tables(virt(low.pml4), virt(low.pdpt), virt(low.pd),
                                  virt(vm::kernel_root()), low.pdpt, low.pd);
  hal::ap::install(virt<void>(low.trampoline), hal::ap::start_state_of_this_cpu(), low.pml4);
}

// --- On the AP -------------------------------------------------------------------------------

// Checks that this CPU's local APIC timer interrupts: a one-shot timer a millisecond ahead
// must fire while the CPU halts with interrupts enabled (bounded by the TSC).
bool timer_fires() {
  u64 before = timers::interrupts_seen();
  volatile bool fired = false;
  libk::Timer timer;
  timers::arm(timer, time::now_ns() + time::kNsPerMs, timers::detail::set_flag,
              const_cast<bool*>(&fired));
  u64 give_up = time::now_ns() + 2 * time::kNsPerSecond;
  while (!fired && time::now_ns() < give_up) {
    hal::interrupts::disable();
    if (fired) break;
    hal::interrupts::wait();  // sti; hlt: the timer interrupt ends it
  }
  hal::interrupts::disable();
  timers::cancel(timer);
  return fired && timers::interrupts_seen() > before;
}

[[noreturn]] void ap_main(u64 arg) {
  Cpu& self = *reinterpret_cast<Cpu*>(arg);
  vm::init_this_cpu();  // off the temporary tables
  u64 ist_tops[hal::gdt::kIstCount];
  for (u32 i = 0; i < hal::gdt::kIstCount; ++i) ist_tops[i] = self.ist_top[i];
  hal::gdt::load(*self.tables, ist_tops);
  percpu::enter(self);  // after the GDT: loading segments may clear GS's base
  hal::idt::load();
  hal::machine_check::enable(cpu::info());
  hal::user_mode::enable_on_this_cpu(cpu::info());  // as on the bootstrap CPU
  interrupts::init_this_cpu();
  timers::init_this_cpu();
  if (!timer_fires()) {
    log::error("smp: CPU {} (APIC ID {}): its local APIC timer does not interrupt; stopping it",
               self.index, self.apic_id);
    self.state.store(CpuState::Failed, libk::MemoryOrder::Release);
    hal::cpu::halt_forever();
  }
  self.online_at_ns.store(time::now_ns(), libk::MemoryOrder::Relaxed);
  self.state.store(CpuState::Online, libk::MemoryOrder::Release);
  Scheduler::run_this_cpu();
}

// --- On the bootstrap CPU --------------------------------------------------------------------

// The AP's stacks: the one it starts on (its idle thread's) and its IST stacks, each with a
// guard page below it.
bool allocate_stacks(Cpu& c, u64& boot_stack_top) {
  auto boot = stacks::allocate();
  if (!boot) return false;
  boot_stack_top = boot->top();
  for (u32 i = 0; i < hal::gdt::kIstCount; ++i) {
    auto ist = stacks::allocate(hal::gdt::kIstStackSize);
    if (!ist) return false;
    c.ist_bottom[i] = ist->base;
    c.ist_top[i] = ist->top();
  }
  return true;
}

// Waits for `c` to say it is online or failed; false after the timeout.
bool wait_online(Cpu& c) {
  u64 give_up = time::now_ns() + kOnlineTimeoutNs;
  while (time::now_ns() < give_up) {
    CpuState s = c.state.load(libk::MemoryOrder::Acquire);
    if (s == CpuState::Online) return true;
    if (s == CpuState::Failed) return false;
    time::spin_ns(10 * time::kNsPerUs);
  }
  return false;
}

// Sends the start-up IPIs to a CPU that had its INIT and waits for it.
bool start_one(Cpu& c, const LowPages& low) {
  u64 stack_top = 0;
  if (!allocate_stacks(c, stack_top)) {
    log::warn("smp: CPU {} (APIC ID {}): no memory for its stacks; not started", c.index,
              c.apic_id);
    return false;
  }
  hal::ap::set_entry(virt<void>(low.trampoline), stack_top, reinterpret_cast<u64>(&ap_main),
                     reinterpret_cast<u64>(&c));
  hal::LocalApic& apic = hal::apic::local();
  u64 started = time::now_ns();
  for (int i = 0; i < 2; ++i) {  // the second start-up IPI is ignored by a CPU that runs
    if (!hal::ap::send_startup(apic, c.apic_id, low.trampoline)) return false;
    time::spin_ns(kStartupDelayNs);
    if (c.state.load(libk::MemoryOrder::Acquire) != CpuState::Starting) break;
  }
  if (wait_online(c)) {
    log::info("smp: CPU {} online (APIC ID {}) after {} us", c.index, c.apic_id,
              (time::now_ns() - started) / time::kNsPerUs);
    return true;
  }
  // Park it: INIT puts it back into "wait for start-up IPI", off its stacks and the page.
  (void)hal::ap::send_init(apic, c.apic_id);
  c.state.store(CpuState::Failed, libk::MemoryOrder::Release);
  log::warn("smp: CPU {} (APIC ID {}) did not come online within {} ms; skipped", c.index,
            c.apic_id, kOnlineTimeoutNs / time::kNsPerMs);
  return false;
}

bool wanted(const libk::acpi::LocalApicEntry& e, u32 self_apic_id) {
  return e.apic_id != self_apic_id && (e.enabled || e.online_capable);
}

}  // namespace

void start_aps(u32 max_cpus) {
  const libk::acpi::Madt* madt = acpi::madt();
  if (madt == nullptr) return log::info("smp: no MADT; one CPU");
  u32 self_apic = this_cpu().apic_id;
  u32 listed = 0, disabled = 0;
  for (const auto& e : madt->local_apics) {
    if (e.apic_id == self_apic) continue;
    if (wanted(e, self_apic))
      ++listed;
    else
      ++disabled;
  }
  if (listed == 0) return log::info("smp: the MADT lists no other CPU; one CPU");
  auto low = find_low_pages();
  if (!low) return log::warn("smp: no free memory below 640 KiB for the AP trampoline; one CPU");
  prepare(*low);
  u64 started = time::now_ns();
  // INIT every CPU first and wait once, then start them one at a time.
  Cpu* candidates[kMaxCpus] = {};
  u32 n = 0;
  for (const auto& e : madt->local_apics) {
    if (!wanted(e, self_apic)) continue;
    if (max_cpus != 0 && n + 1 >= max_cpus) break;
    if (!interrupts::x2apic_mode() && e.apic_id > 0xFF) {
      log::warn("smp: CPU with APIC ID {} needs x2APIC mode to be addressed; skipped", e.apic_id);
      continue;
    }
    Cpu* c = percpu::add(e.apic_id, e.processor_uid);
    if (c == nullptr) {
      log::warn("smp: more than {} CPUs; the rest stay off", kMaxCpus);
      break;
    }
    if (!hal::ap::send_init(hal::apic::local(), e.apic_id)) {
      c->state.store(CpuState::Failed);
      log::warn("smp: CPU {} (APIC ID {}): the INIT IPI was not sent", c->index, e.apic_id);
      continue;
    }
    candidates[n++] = c;
  }
  thread::sleep_for(kInitDelayNs);
  u32 online = 1;
  for (u32 i = 0; i < n; ++i) online += start_one(*candidates[i], *low);
  log::info("smp: {} of {} CPUs online in {} ms ({} listed as disabled, not started)", online,
            1 + listed, (time::now_ns() - started) / time::kNsPerMs, disabled);
}

}  // namespace kernel::smp
