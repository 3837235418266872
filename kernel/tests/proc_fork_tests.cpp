// In-kernel tests of fork's copy-on-write (docs/processes.md, "Fork and copy-on-write"), in
// test=all on the boots with the initrd: on two scratch address spaces, the frame counts that
// show sharing (a fork costs page tables, not data pages), a write that copies exactly one
// page, the last reference that is reused, a never-touched page that stays demand-zero on
// each side, and every frame back after both are gone. And the benchmarks
// bench.proc.fork_vs_spawn and bench.proc.cow_vs_demand_zero (KTEST_MANUAL).
#include <abi/syscalls.hpp>

#include <hal/cpu.hpp>

#include "boot.hpp"
#include "ktest.hpp"
#include "memory/pmm.hpp"
#include "proc/address_space.hpp"
#include "proc/memory_areas.hpp"
#include "proc/process.hpp"
#include "sched/thread.hpp"
#include "tests/proc_support.hpp"
#include "tests/settle.hpp"
#include "time.hpp"

namespace kernel {

namespace {

using test_support::Scratch;

using test_support::eventually;

using abi::Error;
using libk::StringView;
using Fault = proc::ProcessMemory::FaultResult;

constexpr u64 P = libk::kPageSize;
constexpr u64 kRW = abi::kProtRead | abi::kProtWrite;
constexpr u64 kDataPages = 16;

template <typename... Args>
libk::Result<i64, Error> run(StringView path, Args... args) {
  StringView argv[] = {StringView(args)..., ""};
  auto pid = proc::spawn(path, {argv, sizeof...(Args)}, proc::kKernelParent);
  if (!pid) return libk::unexpected(pid.error());
  return proc::wait(pid.value(), proc::kKernelParent);
}

u8* bytes_of(proc::AddressSpace& space, u64 virt) {
  return boot_info::physical_to_virtual<u8>(space.translate(virt)->physical);
}

u64 free_frames() {
  pmm::drain_cache();
  return pmm::stats().free_frames;
}

}  // namespace

KTEST("proc.fork.sharing_counted_and_one_write_copies_one_page") {
  // Frames by owner: the heap's slabs for the two ProcessMemory objects may stay.
  u64 user_pages = pmm::pages_owned_by(pmm::Owner::User);
  u64 tables = pmm::pages_owned_by(pmm::Owner::PageTable);
  {
    Scratch parent;
    if (!KEXPECT(parent.ready)) return;
    u64 data = parent.m().mmap(0, kDataPages * P, kRW).value();
    u64 untouched = parent.m().mmap(0, P, kRW).value();
    for (u64 i = 0; i < kDataPages; ++i) {
      KEXPECT(parent.m().fault(data + i * P, true, false) == Fault::Mapped);
      bytes_of(parent.space, data + i * P)[0] = u8(0xA0 + i);
    }
    proc::AddressSpace child;
    if (!KEXPECT(child.create())) return;
    u64 before = free_frames();
    KEXPECT(parent.m().fork_into(child.memory()).ok());
    // The fork cost page tables only: every data page is shared, counted twice, read-only.
    KEXPECT_EQ(before - free_frames(), child.tables() - 1);  // its root was there before
    KEXPECT_EQ(child.pages(), parent.space.pages());
    for (u64 i = 0; i < kDataPages; ++i) {
      auto p = parent.space.page_info(data + i * P), c = child.page_info(data + i * P);
      KEXPECT(p.present && c.present && p.frame == c.frame && !p.writable && !c.writable);
      KEXPECT_EQ(pmm::references(p.frame), u32{2});
    }
    KEXPECT_EQ(child.memory().stats().committed, parent.m().stats().committed);
    // The child's write copies exactly that page; the parent keeps the old frame, whose
    // count drops back to one.
    auto counts = proc::fault_counts();
    u64 shared = parent.space.page_info(data + 3 * P).frame;
    before = free_frames();
    KEXPECT(child.memory().fault(data + 3 * P + 8, true, false, true) == Fault::Mapped);
    KEXPECT_EQ(before - free_frames(), u64{1});
    KEXPECT_EQ(proc::fault_counts().copied - counts.copied, u64{1});
    auto copied = child.page_info(data + 3 * P);
    KEXPECT(copied.present && copied.writable && copied.frame != shared);
    KEXPECT_EQ(bytes_of(child, data + 3 * P)[0], u8(0xA3));  // the bytes came along
    KEXPECT_EQ(pmm::references(shared), u32{1});
    bytes_of(child, data + 3 * P)[0] = 0x55;
    KEXPECT_EQ(bytes_of(parent.space, data + 3 * P)[0], u8(0xA3));
    // The parent's write to that page finds the last reference: writable again, no copy.
    before = free_frames();
    KEXPECT(parent.m().fault(data + 3 * P, true, false, true) == Fault::Mapped);
    KEXPECT_EQ(free_frames(), before);
    KEXPECT_EQ(proc::fault_counts().reused - counts.reused, u64{1});
    KEXPECT(parent.space.page_info(data + 3 * P).writable);
    KEXPECT_EQ(parent.space.page_info(data + 3 * P).frame, shared);
    // Reads of shared pages are no faults to fix; a read of a never-touched page maps a
    // zeroed page on that side only.
    KEXPECT(child.memory().fault(data, false, false, true) == Fault::Refused);
    KEXPECT(!child.translate(untouched) && !parent.space.translate(untouched));
    KEXPECT(child.memory().fault(untouched, false, false) == Fault::Mapped);
    KEXPECT(child.translate(untouched) && !parent.space.translate(untouched));
    // The child goes first: its references go, the parent's pages stay with one each.
    child.destroy();
    for (u64 i = 0; i < kDataPages; ++i)
      KEXPECT_EQ(pmm::references(parent.space.page_info(data + i * P).frame), u32{1});
  }
  KEXPECT_EQ(pmm::pages_owned_by(pmm::Owner::User), user_pages);
  KEXPECT_EQ(pmm::pages_owned_by(pmm::Owner::PageTable), tables);
}

// A fork that runs out of page-table frames half-way leaves nothing behind but read-only
// PTEs in the parent, which its next writes make writable again (the count is one).
KTEST("proc.fork.out_of_frames_leaves_nothing") {
  u64 user_pages = pmm::pages_owned_by(pmm::Owner::User);
  u64 tables = pmm::pages_owned_by(pmm::Owner::PageTable);
  {
    Scratch parent;
    if (!KEXPECT(parent.ready)) return;
    // Two mappings far apart: the copy needs several tables.
    u64 a = parent.m().mmap(proc::kMmapBase, P, kRW).value();
    u64 b = parent.m().mmap(proc::kMmapTop - P, P, kRW).value();
    KEXPECT(parent.m().fault(a, true, false) == Fault::Mapped);
    KEXPECT(parent.m().fault(b, true, false) == Fault::Mapped);
    proc::AddressSpace child;
    if (!KEXPECT(child.create())) return;
    // Hog every frame but two: the copy needs more tables than that.
    u64 head = 0;
    pmm::drain_cache();
    while (pmm::stats().free_frames > 2) {
      auto f = pmm::allocate(0);
      if (!f) break;
      *boot_info::physical_to_virtual<u64>(*f) = head;
      head = *f;
    }
    auto r = parent.m().fork_into(child.memory());
    while (head != 0) {
      u64 next = *boot_info::physical_to_virtual<u64>(head);
      pmm::free(head, 0);
      head = next;
    }
    KEXPECT(!r && r.error() == Error::NoMemory);
    child.destroy();
    KEXPECT_EQ(pmm::references(parent.space.page_info(a).frame), u32{1});
    KEXPECT(parent.m().fault(a, true, false, true) == Fault::Mapped);
    KEXPECT(parent.space.page_info(a).writable);
  }
  KEXPECT_EQ(pmm::pages_owned_by(pmm::Owner::User), user_pages);
  KEXPECT_EQ(pmm::pages_owned_by(pmm::Owner::PageTable), tables);
}

// kill of a process that forks and waits in a loop lands anywhere in fork, wait or ring 3:
// it ends with the kill's status, its last child (an orphan then) is reaped by the kernel,
// and every process slot and user frame comes back. (Processes other tests left may end
// meanwhile: the counts only have to come back to at most what they were.)
KTEST("proc.fork.kill_while_forking_frees_every_frame") {
  u64 frames = pmm::pages_owned_by(pmm::Owner::User);
  u64 live = proc::stats().live;
  for (u64 round = 1; round <= 3; ++round) {
    StringView argv[] = {"forktest", "fork-loop"};
    auto pid = proc::spawn("/bin/forktest", argv, proc::kKernelParent);
    if (!KEXPECT(pid.ok())) return;
    u64 forked = proc::stats().forked;
    KEXPECT(eventually([&] { return proc::stats().forked >= forked + 4 * round; }));
    KEXPECT(proc::kill(pid.value(), abi::kStatusKilled).ok());
    auto status = proc::wait(pid.value(), proc::kKernelParent);
    KEXPECT(status.ok() && status.value() == abi::kStatusKilled);
  }
  KEXPECT(eventually([&] { return proc::stats().live <= live; }));
  KEXPECT(eventually([&] { return pmm::pages_owned_by(pmm::Owner::User) <= frames; }));
}

namespace {

// Members of `group` left in the table, zombies aside (nobody will wait for the orphans).
u32 members_left(proc::Pid group) {
  struct Count {
    proc::Pid group;
    u32 n;
  } count{group, 0};
  proc::for_each(
      [](const proc::ProcessInfo& p, void* context) {
        auto* c = static_cast<Count*>(context);
        if (p.group == c->group && StringView(p.state) != "zombie") ++c->n;
      },
      &count);
  return count.n;
}

}  // namespace

// Ctrl-C ends a whole group while its leader is inside fork (forktest fork-spin: the leader
// nearly always is, and its children spin in ring 3): the child being forked is in the group
// from the moment its slot is claimed, so it ends too, and nothing of the group survives.
KTEST("proc.fork.ending_a_group_reaches_a_child_being_forked") {
  u64 live = proc::stats().live;
  for (u64 round = 1; round <= 4; ++round) {
    StringView argv[] = {"forktest", "fork-spin"};
    auto pid = proc::spawn("/bin/forktest", argv, proc::kKernelParent);
    if (!KEXPECT(pid.ok())) return;
    u64 forked = proc::stats().forked;
    KEXPECT(eventually([&] { return proc::stats().forked >= forked + 12; }));
    // A fork has just returned: end the group a different time after it each round.
    thread::sleep_for(round * 700 * time::kNsPerUs);
    KEXPECT(proc::end_group(pid.value(), abi::kStatusInterrupted).ok());
    auto status = proc::wait(pid.value(), proc::kKernelParent);
    KEXPECT(status.ok() && status.value() == abi::kStatusInterrupted);
    bool gone = eventually([&] { return members_left(pid.value()) == 0; });
    KEXPECT(gone);
    if (!gone) (void)proc::end_group(pid.value(), abi::kStatusKilled);  // for the next tests
  }
  KEXPECT(eventually([&] { return proc::stats().live <= live; }));
}

// forktest from ring 3: its children's copy-on-write checks, a grandchild, exec.
KTEST("proc.fork.forktest_passes_in_ring_3") {
  auto r = run("/bin/forktest", "forktest", "6");
  KEXPECT(r.ok() && r.value() == 0);
}

// --- Benchmarks -----------------------------------------------------------------------------

// fork+exit+wait of a process with 1 MiB touched against spawn+exit+wait of the same program.
KTEST_MANUAL("bench.proc.fork_vs_spawn") {
  thread::set_affinity(thread::current(), thread::current().cpu());
  auto fork = run("/bin/forktest", "forktest", "bench-fork", "200");
  auto spawn = run("/bin/forktest", "forktest", "bench-spawn", "200");
  if (!KEXPECT(fork.ok() && fork.value() > 1 && spawn.ok() && spawn.value() > 1)) return;
  u64 f = u64(fork.value()), s = u64(spawn.value());
  u64 ratio = f * 1000 / s;
  libk::format_to(ktest::out(),
                  "KBENCH proc.fork: {} cycles per fork+exit+wait (1 MiB touched, 200 rounds); "
                  "spawn+exit+wait of the same program {} cycles, ratio {}.{:03}\n",
                  f, s, ratio / 1000, ratio % 1000);
}

// The first write to a page shared copy-on-write (a copy) against the first touch of an
// anonymous page (a zeroed page), both from ring 3, in the same boot.
KTEST_MANUAL("bench.proc.cow_vs_demand_zero") {
  thread::set_affinity(thread::current(), thread::current().cpu());
  auto cow = run("/bin/forktest", "forktest", "bench-cow", "1024");
  auto zero = run("/bin/memtest", "memtest", "bench-fault", "1024");
  if (!KEXPECT(cow.ok() && cow.value() > 1 && zero.ok() && zero.value() > 1)) return;
  u64 c = u64(cow.value()), z = u64(zero.value());
  u64 ratio = c * 1000 / z;
  libk::format_to(ktest::out(),
                  "KBENCH proc.cow_fault: {} cycles per page (first write to a shared page from "
                  "ring 3, 1024 pages); demand-zero first touch {} cycles, ratio {}.{:03}\n",
                  c, z, ratio / 1000, ratio % 1000);
}

}  // namespace kernel
