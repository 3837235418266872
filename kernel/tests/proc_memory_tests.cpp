// In-kernel tests of a process's memory (docs/processes.md, "A process's memory"), in test=all
// on the boots with the initrd: /bin/memtest's checks from ring 3, the accesses that must end
// the process, the demand-zero fault paths and the argument checks of ProcessMemory on a
// scratch address space, the area and memory limits. And the benchmark
// bench.proc.demand_zero_vs_mapped (KTEST_MANUAL).
#include <abi/syscalls.hpp>

#include <hal/cpu.hpp>
#include <hal/exceptions.hpp>
#include <hal/user_mode.hpp>

#include "boot.hpp"
#include "cpu/percpu.hpp"
#include "ktest.hpp"
#include "memory/pmm.hpp"
#include "proc/address_space.hpp"
#include "proc/memory_areas.hpp"
#include "proc/process.hpp"
#include "sched/thread.hpp"
#include "tests/proc_support.hpp"

namespace kernel {

namespace {

using test_support::Scratch;

using abi::Error;
using libk::StringView;
using proc::ProcessMemory;
using test_support::run;
using test_support::syscall;
using Fault = ProcessMemory::FaultResult;

constexpr u64 P = libk::kPageSize;
constexpr u64 kRW = abi::kProtRead | abi::kProtWrite;
constexpr u64 kStackTop = boot::layout::kUserStackTop;
constexpr u64 kStackBottom = kStackTop - proc::kStackPages * P;

}  // namespace

KTEST("proc.memory.memtest_passes_in_ring_3") {
  auto r = run("/bin/memtest", "memtest");
  KEXPECT(r.ok() && r.value() == 0);
}

// Touching freed (unmapped) memory, writing a read-only mapping, reading a no-access one,
// running the stack past its limit and reading a page another thread unmapped (on another
// CPU where there is one: the TLB shootdown) each end the process with #PF (128 + 14).
KTEST("proc.memory.bad_accesses_end_the_process") {
  u64 faulted = proc::stats().faulted;
  const char* modes[] = {"use-after-free", "write-readonly", "prot-none", "stack-limit",
                         "munmap-while-read"};
  for (const char* mode : modes) {
    auto r = run("/bin/memtest", "memtest", mode);
    KEXPECT(r.ok() && r.value() == 142);
  }
  KEXPECT_EQ(proc::stats().faulted - faulted, u64{5});
}

KTEST("proc.memory.syscalls_need_a_process") {
  KEXPECT_EQ(syscall(abi::Syscall::Brk, 0), i64(Error::Invalid));
  KEXPECT_EQ(syscall(abi::Syscall::Mmap, 0, P, kRW), i64(Error::Invalid));
  KEXPECT_EQ(syscall(abi::Syscall::Munmap, 0x1000'0000'0000, P), i64(Error::Invalid));
}

// The page-fault handler's gate: only faults of a process, from ring 3 or a user copy, are
// demand (or copy-on-write) faults.
KTEST("proc.memory.demand_fault_gate") {
  hal::TrapFrame f{};
  f.vector = hal::exceptions::kPageFault;
  f.cs = 0x08;  // ring 0, not at a user-copy instruction
  f.rip = reinterpret_cast<u64>(&hal_syscall_dispatch);
  KEXPECT(!proc::demand_fault(f, 0x1000'0000'0000));
  f.cs = 0x23;  // ring 3, but a kernel thread has no process
  KEXPECT(!proc::demand_fault(f, 0x1000'0000'0000));
  f.error_code = 1;  // present: a copy-on-write fault needs a process too
  KEXPECT(!proc::demand_fault(f, 0x1000'0000'0000));
}

KTEST("proc.memory.fault_paths_map_only_what_an_area_allows") {
  u64 user_pages = pmm::pages_owned_by(pmm::Owner::User);
  {
    Scratch s;
    if (!KEXPECT(s.ready)) return;
    u64 base = s.space.pages();  // the stack's top page
    u64 a = s.m().mmap(0, 2 * P, kRW).value();
    KEXPECT(a >= proc::kMmapBase && a + 2 * P <= proc::kMmapTop);
    KEXPECT(s.m().fault(a + 5, true, false) == Fault::Mapped);
    KEXPECT(s.m().fault(a + 9, false, false) == Fault::Mapped);  // mapped already: kept
    KEXPECT_EQ(s.space.pages(), base + 1);
    KEXPECT(s.m().fault(a + P, false, true) == Fault::Refused);  // instruction fetch
    u64 ro = s.m().mmap(0, P, abi::kProtRead).value();
    KEXPECT(s.m().fault(ro, true, false) == Fault::Refused);
    KEXPECT(s.m().fault(ro, false, false) == Fault::Mapped);
    KEXPECT(!(s.space.translate(ro)->flags & 2));  // mapped read-only
    u64 none = s.m().mmap(0, P, abi::kProtNone).value();
    KEXPECT(s.m().fault(none, false, false) == Fault::Refused);
    KEXPECT(s.m().fault(0x1000, false, false) == Fault::Refused);           // in no area
    KEXPECT(s.m().fault(0x40'0000, true, false) == Fault::Refused);         // the image
    KEXPECT(s.m().fault(kStackBottom - 1, true, false) == Fault::Refused);  // the guard gap
    KEXPECT(s.m().fault(kStackBottom, true, false) == Fault::Mapped);       // the stack's limit
    // The heap: brk above the image, pages on demand, given back by shrinking.
    KEXPECT_EQ(s.m().brk(0).value(), u64{0x40'1000});
    KEXPECT(s.m().fault(0x40'1000, true, false) == Fault::Refused);  // no heap yet
    KEXPECT_EQ(s.m().brk(0x40'1000 + 2 * P + 3).value(), u64{0x40'1000 + 2 * P + 3});
    KEXPECT(s.m().fault(0x40'1000 + 2 * P, true, false) == Fault::Mapped);  // the partial page
    u64 with_heap = s.space.pages();
    KEXPECT_EQ(s.m().brk(0x40'1000).value(), u64{0x40'1000});
    KEXPECT_EQ(s.space.pages(), with_heap - 1);
    // munmap frees the frames of its range.
    KEXPECT(s.m().munmap(a, 2 * P).ok());
    KEXPECT_EQ(s.space.pages(), with_heap - 2);
    KEXPECT(!s.space.translate(a));
  }
  KEXPECT_EQ(pmm::pages_owned_by(pmm::Owner::User), user_pages);
}

KTEST("proc.memory.arguments_are_checked") {
  Scratch s;
  if (!KEXPECT(s.ready)) return;
  auto& m = s.m();
  KEXPECT(m.mmap(0, 0, kRW).error() == Error::Invalid);
  KEXPECT(m.mmap(0, P, 8).error() == Error::Invalid);
  KEXPECT(m.mmap(0, P, abi::kProtExec | abi::kProtRead).error() == Error::NotPermitted);
  KEXPECT(m.mmap(0, ~u64{0}, kRW).error() == Error::NoMemory);
  KEXPECT(m.mmap(0, ~u64{0} - P, kRW).error() == Error::NoMemory);
  KEXPECT(m.mmap(P + 1, P, kRW).error() == Error::Invalid);
  KEXPECT(m.mmap(0xffff'8000'0000'0000, P, kRW).error() == Error::Invalid);
  KEXPECT(m.mmap(0x7fff'ffff'f000, 2 * P, kRW).error() == Error::Invalid);
  // A hint outside the mmap window but in user space: the kernel chooses.
  u64 chosen = m.mmap(0x1000'0000, P, kRW).value();
  KEXPECT(chosen >= proc::kMmapBase);
  KEXPECT(m.munmap(chosen + 1, P).error() == Error::Invalid);
  KEXPECT(m.munmap(chosen, 0).error() == Error::Invalid);
  KEXPECT(m.munmap(chosen, ~u64{0}).error() == Error::Invalid);
  KEXPECT(m.munmap(~u64{0} & ~(P - 1), 2 * P).error() == Error::Invalid);
  KEXPECT(m.munmap(0x40'0000, P).error() == Error::Invalid);             // the image
  KEXPECT(m.munmap(kStackBottom - P, 2 * P).error() == Error::Invalid);  // guard and stack
  KEXPECT(m.munmap(proc::kMmapBase, P).error() == Error::Invalid);       // nothing there
  KEXPECT(m.munmap(chosen, P).ok());
  KEXPECT(m.brk(0x3f'f000).error() == Error::Invalid);              // below the heap
  KEXPECT(m.brk(0x8000'0000'0000).error() == Error::Invalid);       // not user space
  KEXPECT(m.brk(kStackBottom - 4 * P).error() == Error::NoMemory);  // past the limit
}

// The commit limit and the area-table limit give NoMemory, and a failed call changes nothing.
KTEST("proc.memory.limits_are_errors") {
  Scratch s;
  if (!KEXPECT(s.ready)) return;
  auto& m = s.m();
  u64 used = m.stats().committed;  // the image page and the stack
  KEXPECT_EQ(used, u64{1} + proc::kStackPages);
  u64 room = proc::kMemoryLimitPages - used;
  KEXPECT(m.mmap(0, (room + 1) * P, kRW).error() == Error::NoMemory);
  u64 all = m.mmap(0, room * P, kRW).value();
  KEXPECT(m.mmap(0, P, kRW).error() == Error::NoMemory);
  KEXPECT(m.brk(0x40'2000).error() == Error::NoMemory);
  KEXPECT(m.munmap(all, room * P).ok());
  KEXPECT_EQ(m.stats().committed, used);
  // Areas that cannot merge (alternating protections) until the table is full.
  u64 made = 0;
  u64 last = 0;
  while (made < 2 * libk::MemoryAreas::kCapacity) {
    auto r = m.mmap(0, 3 * P, made % 2 ? abi::kProtRead : kRW);
    if (!r) {
      KEXPECT(r.error() == Error::NoMemory);
      break;
    }
    last = r.value();
    ++made;
  }
  KEXPECT_EQ(m.stats().areas, libk::MemoryAreas::kCapacity);
  KEXPECT(m.munmap(last + P, P).error() == Error::NoMemory);  // a split needs a slot
  KEXPECT(m.munmap(last, P).ok());                            // trimming needs none
}

namespace {

// Takes free frames from the pool until only `keep` are left: a list threaded through the
// blocks themselves (next block, order), so that holding them needs no memory.
struct FrameHog {
  u64 head = 0;
  explicit FrameHog(u64 keep) {
    pmm::drain_cache();
    for (u32 order = 10; order-- > 0;) {
      while (pmm::stats().free_frames >= keep + (u64{1} << order)) {
        auto block = pmm::allocate(order);
        if (!block) break;
        u64* words = boot_info::physical_to_virtual<u64>(*block);
        words[0] = head;
        words[1] = order;
        head = *block;
      }
    }
  }
  ~FrameHog() {
    while (head != 0) {
      const u64* words = boot_info::physical_to_virtual<u64>(head);
      u64 next = words[0];
      pmm::free(head, u32(words[1]));
      head = next;
    }
  }
};

}  // namespace

// The frame pool running dry in a demand fault ends the process (with the page-fault report
// after "out of memory for the page at ..."), never the kernel; its frames come back.
KTEST("proc.memory.out_of_frames_in_a_fault_ends_the_process") {
  u64 user_pages = pmm::pages_owned_by(pmm::Owner::User);
  u64 faulted = proc::stats().faulted;
  i64 status = -1;
  {
    FrameHog hog(512);  // enough for spawn (image, tables, a kernel stack), not for 4096 pages
    KEXPECT(pmm::stats().free_frames < 1024);
    auto r = run("/bin/memtest", "memtest", "bench-fault", "4096");
    if (r) status = r.value();
  }
  KEXPECT_EQ(status, i64{142});
  KEXPECT_EQ(proc::stats().faulted - faulted, u64{1});
  KEXPECT_EQ(pmm::pages_owned_by(pmm::Owner::User), user_pages);
}

// --- Benchmark ------------------------------------------------------------------------------

// First touches of anonymous pages from ring 3 (a demand-zero fault each) against touching
// pages already mapped, and against the kernel mapping a zeroed page directly (map_page).
KTEST_MANUAL("bench.proc.demand_zero_vs_mapped") {
  constexpr u64 kPages = 2048;
  thread::set_affinity(thread::current(), thread::current().cpu());
  auto fault = run("/bin/memtest", "memtest", "bench-fault", "2048");
  auto touch = run("/bin/memtest", "memtest", "bench-touch", "2048");
  if (!KEXPECT(fault.ok() && fault.value() > 1 && touch.ok() && touch.value() > 1)) return;
  u64 direct = 0;
  {
    proc::AddressSpace space;
    if (!KEXPECT(space.create())) return;
    u64 start = hal::cpu::rdtsc();
    for (u64 i = 0; i < kPages; ++i)
      (void)space.map_page(proc::kMmapBase + i * P, {.writable = true});
    direct = (hal::cpu::rdtsc() - start) / kPages;
    space.destroy();
  }
  u64 f = u64(fault.value()), mapped = u64(touch.value());
  u64 vs_touch = f * 1000 / mapped, vs_direct = f * 1000 / (direct ? direct : 1);
  libk::format_to(ktest::out(),
                  "KBENCH proc.demand_zero: {} cycles per page (first touch from ring 3, {} "
                  "pages); touching a mapped page {} cycles, ratio {}.{:03}; kernel map_page "
                  "of a zeroed frame {} cycles, ratio {}.{:03}\n",
                  f, kPages, mapped, vs_touch / 1000, vs_touch % 1000, direct, vs_direct / 1000,
                  vs_direct % 1000);
}

namespace {

void leave_at_once(void*) {}

}  // namespace

// Lazy TLB (Scheduler::enter_address_space_locked): after a thread of an address space ends,
// its CPU goes on (idle, or with a kernel thread) on those tables instead of reloading the
// kernel's; before the tables are freed, forget_address_space takes them back from every
// CPU, by IPI from another one. Without it a CPU would keep freed page tables in CR3.
KTEST("proc.address_space.a_cpu_keeps_the_last_tables_until_they_are_freed") {
  u32 target = cpu_count() > 1 && cpu_at(1).state.load() == CpuState::Online ? 1 : 0;
  u64 root = 0;
  {
    Scratch s;
    if (!KEXPECT(s.ready)) return;
    root = s.space.root();
    ThreadOptions options;
    options.cpu = target;
    options.address_space = root;
    auto th = thread::create("lazy-tlb", leave_at_once, nullptr, options);
    if (!KEXPECT(th.ok())) return;
    thread::join(*th.value());
    // The CPU that ran it switched to a kernel thread (idle, or this one) and kept the tables.
    KEXPECT_EQ(__atomic_load_n(&cpu_at(target).loaded_root, __ATOMIC_ACQUIRE), root);
  }  // destroyed here
  for (u32 i = 0; i < cpu_count(); ++i)
    KEXPECT(__atomic_load_n(&cpu_at(i).loaded_root, __ATOMIC_ACQUIRE) != root);
}

}  // namespace kernel
