#include "cpu/percpu.hpp"

#include <hal/msr.hpp>

namespace kernel {

namespace {

constinit Cpu cpus[kMaxCpus];
constinit libk::Atomic<u32> count{0};

}  // namespace

const char* cpu_state_name(CpuState state) {
  switch (state) {
    case CpuState::Absent: return "absent";
    case CpuState::Starting: return "starting";
    case CpuState::Online: return "online";
    case CpuState::Failed: return "failed";
    case CpuState::Stopped: return "stopped";
  }
  return "?";
}

Cpu& cpu_at(u32 index) { return cpus[index]; }
u32 cpu_count() { return count.load(libk::MemoryOrder::Acquire); }

u32 online_count() {
  u32 n = 0;
  for (u32 i = 0; i < cpu_count(); ++i) n += cpus[i].state.load() == CpuState::Online;
  return n;
}

namespace percpu {

void enter(Cpu& c) { hal::cpu::wrmsr(hal::msr::kGsBase, reinterpret_cast<u64>(&c)); }

void init_boot_cpu() {
  Cpu& boot = cpus[0];
  boot.self = &boot;
  boot.index = 0;
  boot.tables = &hal::gdt::boot_tables();
  boot.state.store(CpuState::Online);
  count.store(1, libk::MemoryOrder::Release);
  enter(boot);
}

Cpu* add(u32 apic_id, u32 processor_uid) {
  u32 index = count.load();
  if (index == kMaxCpus) return nullptr;
  Cpu& c = cpus[index];
  c.self = &c;
  c.index = index;
  c.apic_id = apic_id;
  c.processor_uid = processor_uid;
  c.tables = &c.own_tables;
  c.state.store(CpuState::Starting);
  count.store(index + 1, libk::MemoryOrder::Release);
  return &c;
}

}  // namespace percpu

}  // namespace kernel
