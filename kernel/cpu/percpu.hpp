// Per-CPU data (docs/smp.md, "Per-CPU data"). Each CPU has a Cpu object, which its GS base
// points at: `this_cpu()` is one load through GS (%gs:0 holds the object's own address), so
// it always names the CPU the instruction ran on. Subsystems keep their own per-CPU state in
// a PerCpu<T> (the scheduler's run queue and idle thread, the timer queue, ...), indexed by
// the CPU's index: 0 for the bootstrap CPU, then 1, 2, ... in the order the CPUs started.
//
// A thread can move to another CPU whenever it is preemptible: code that uses this CPU's
// data must keep interrupts off (or hold a spinlock, whose guard does) from reading
// this_cpu() until it is done with it.
#pragma once

#include <hal/cpu.hpp>
#include <hal/gdt.hpp>
#include <hal/user_layout.h>
#include <libk/atomic.hpp>
#include <sched/lock_order.hpp>

namespace kernel {

class Thread;

inline constexpr u32 kMaxCpus = 64;
inline constexpr usize kCacheLine = 64;

enum class CpuState : u8 {
  Absent,    // no CPU with this index
  Starting,  // start-up IPIs sent, not yet online
  Online,    // runs threads and takes interrupts
  Failed,    // did not come up (reported), or an online check failed
  Stopped,   // halted by a panic elsewhere
};
const char* cpu_state_name(CpuState state);

struct alignas(kCacheLine) Cpu {  // its own lines: CPUs write theirs without sharing one
  // Read through GS with one instruction each: keep them first.
  Cpu* self = nullptr;
  u64 index = 0;
  // The thread running here: set by the scheduler under its lock, on this CPU only.
  Thread* current = nullptr;
  // Read by the SYSCALL entry through GS (hal/user_layout.h): the running user thread's
  // kernel stack top, and a slot for the user RSP while the entry switches stacks.
  u64 kernel_stack_top = 0;
  u64 user_rsp = 0;
  // The top-level page table in CR3 (0 until the scheduler first switched here).
  u64 loaded_root = 0;

  u32 apic_id = 0;
  u32 processor_uid = 0;  // the MADT's ACPI processor UID (for its NMI inputs)
  libk::Atomic<CpuState> state{CpuState::Absent};
  sched::LockOrder held_locks;               // debug builds: the spinlocks this CPU holds, in order
  hal::gdt::CpuTables* tables = nullptr;     // this CPU's GDT and TSS
  hal::gdt::CpuTables own_tables = {};       // an AP's (the bootstrap CPU's are hal's)
  u64 ist_bottom[hal::gdt::kIstCount] = {};  // its IST stacks (guard page below each)
  u64 ist_top[hal::gdt::kIstCount] = {};

  // Statistics, written only by this CPU (read by anyone, as a snapshot).
  libk::Atomic<u64> interrupts{0};  // every interrupt dispatched here (IPIs included)
  libk::Atomic<u64> ipis_received{0};
  libk::Atomic<u64> online_at_ns{0};  // when it went online (monotonic clock; 0: at boot)
};

static_assert(__builtin_offsetof(Cpu, kernel_stack_top) == PERCPU_KERNEL_STACK);
static_assert(__builtin_offsetof(Cpu, user_rsp) == PERCPU_USER_RSP);

// The calling CPU. Context: anything after percpu::init_boot_cpu().
inline Cpu& this_cpu() { return *reinterpret_cast<Cpu*>(hal::cpu::read_gs_u64<0>()); }
inline u32 this_cpu_index() { return u32(hal::cpu::read_gs_u64<__builtin_offsetof(Cpu, index)>()); }
// The running thread (nullptr before the scheduler runs on this CPU): one GS load, so it is
// the caller itself even if it is preempted and moved right after.
inline Thread* this_cpu_current() {
  return reinterpret_cast<Thread*>(hal::cpu::read_gs_u64<__builtin_offsetof(Cpu, current)>());
}

// Every CPU slot (index < kMaxCpus), started or not.
Cpu& cpu_at(u32 index);
// How many CPUs have an index (the bootstrap CPU plus every AP the kernel tried to start).
u32 cpu_count();
// How many are online.
u32 online_count();

// T for each CPU, reached by index. Each starts on a cache line of its own: two CPUs
// writing their own items never share a line (false sharing makes even QEMU's vCPU threads
// slow each other down through the host's caches: docs/smp.md).
template <typename T>
class PerCpu {
 public:
  constexpr PerCpu() = default;
  T& local() { return items_[this_cpu_index()].value; }
  T& of(u32 index) { return items_[index].value; }
  const T& of(u32 index) const { return items_[index].value; }

 private:
  struct alignas(kCacheLine) Slot {
    T value = {};
  };
  Slot items_[kMaxCpus] = {};
};

namespace percpu {

// Points the bootstrap CPU's GS base at its Cpu (index 0) and marks it online. First thing
// in kernel_main, right after the GDT: from here on this_cpu() works (the spinlocks use it).
void init_boot_cpu();

// Gives the next index to an AP with `apic_id` about to be started; nullptr if there are
// kMaxCpus already. Context: boot, one CPU starting the others.
Cpu* add(u32 apic_id, u32 processor_uid);

// Points this CPU's GS base at `cpu`. Context: the AP's first steps.
void enter(Cpu& cpu);

}  // namespace percpu

}  // namespace kernel
