// In-kernel tests of user processes (docs/processes.md), run by test=all on boots that have
// the initrd (tests/qemu: boot-sata, the smp and matrix boots): spawn, exit and wait with
// memory back at its baseline, the shared kernel half, user copies refusing bad pointers
// through the exception-fixup table, system-call argument checks. And the benchmark
// bench.proc.null_syscall_vs_yield (KTEST_MANUAL).
#include <abi/syscalls.hpp>

#include <hal/cpu.hpp>
#include <hal/paging_audit.hpp>
#include <hal/user_mode.hpp>

#include "boot.hpp"
#include "cpu/percpu.hpp"
#include "ktest.hpp"
#include "log.hpp"
#include "memory/heap.hpp"
#include "memory/kernel_tables.hpp"
#include "memory/pmm.hpp"
#include "memory/vm.hpp"
#include "proc/address_space.hpp"
#include "proc/initrd.hpp"
#include "proc/process.hpp"
#include "proc/user_memory.hpp"
#include "sched/scheduler.hpp"
#include "sched/wait_queue.hpp"
#include "tests/proc_support.hpp"
#include "time.hpp"

namespace kernel {

namespace {

using libk::StringView;
using test_support::run;
using test_support::syscall;

// Threads that belong to a process, including exited ones the scheduler has not freed yet.
u64 user_threads() {
  u64 count = 0;
  thread::for_each(
      [](const Thread& t, void* c) {
        if (t.process() != nullptr) ++*static_cast<u64*>(c);
      },
      &count);
  return count;
}

void nothing(void*) {}

// Frames free once every process thread is gone and every empty slab and retired stack went
// back. An exited thread leaves the thread list when the next thread runs on its CPU, but
// its stack is freed only by the next thread::create (Scheduler::reap): one is made here.
u64 settled_free_frames() {
  u64 deadline = time::now_ns() + 2 * time::kNsPerSecond;
  while (user_threads() != 0 && time::now_ns() < deadline) thread::sleep_for(time::kNsPerMs);
  // A thread counts as live until its memory is back (Scheduler::destroy): once the live
  // count equals the thread list, no exited thread waits to be freed, not even one that
  // another CPU's reap took off the dead list just before ours ran.
  for (;;) {
    auto reaper = thread::create("reap", nothing, nullptr);
    VERIFY(reaper.ok());
    thread::join(*reaper.value());
    u64 listed = 0;
    thread::for_each(  // as threads_live counts them: not the boot thread (id 1), no idle
        [](const Thread& t, void* c) { *static_cast<u64*>(c) += !t.is_idle() && t.id() != 1; },
        &listed);
    if (Scheduler::stats().threads_live == listed || time::now_ns() >= deadline) break;
    thread::sleep_for(time::kNsPerMs);
  }
  log::wait_screen_drawn();
  heap::trim();
  vm::purge();
  pmm::drain_cache();
  return pmm::stats().free_frames;
}

}  // namespace

KTEST("proc.initrd.holds_the_programs") {
  KEXPECT(initrd::present());
  KEXPECT(initrd::find("/bin/hello"));
  KEXPECT(initrd::find("bin/crash"));
  KEXPECT(initrd::find("/bin/syscallbench"));
  KEXPECT(initrd::find("/bin/memtest"));
  KEXPECT(!initrd::find("/bin"));  // a directory is not a program
  KEXPECT(!initrd::find("/bin/nothing"));
}

KTEST("proc.spawn.exit_status_comes_back") {
  auto hello = run("/bin/hello", "hello", "x");
  KEXPECT(hello.ok() && hello.value() == 0);
  auto usage = run("/bin/crash", "crash");  // no mode: prints its usage, exits 2
  KEXPECT(usage.ok() && usage.value() == 2);
  auto fault = run("/bin/crash", "crash", "null-read");  // #PF: 128 + 14
  KEXPECT(fault.ok() && fault.value() == 142);
}

KTEST("proc.spawn.bad_requests_are_errors") {
  KEXPECT(run("/bin/nothing").error() == abi::Error::NoEntry);
  KEXPECT(run("/bin").error() == abi::Error::NoEntry);
  StringView many[abi::kMaxArgs + 1];
  for (auto& a : many) a = "x";
  auto pid = proc::spawn("/bin/hello", {many, abi::kMaxArgs + 1}, proc::kKernelParent);
  KEXPECT(!pid && pid.error() == abi::Error::TooBig);
  KEXPECT(proc::wait(12345, proc::kKernelParent).error() == abi::Error::NoChild);
}

// Every frame and page table a process had comes back: 100 spawn/exit/wait cycles leave the
// free frames where they were after a first cycle. A tenth of them end in a stack overflow
// (256 demand-faulted stack pages), a tenth map, touch and unmap 64 pages (4 of those run all
// of memtest: brk, mmap, munmap, malloc), a tenth touch freed memory and fault, a tenth fork
// two children sharing pages copy-on-write and exec.
KTEST("proc.spawn.hundred_cycles_free_every_frame") {
  // Measured with every process thread gone, after one cycle for first-use allocations
  // (slabs, magazines).
  KEXPECT(run("/bin/hello", "hello").ok());
  u64 before = settled_free_frames();
  u64 faulted = proc::stats().faulted;
  for (u32 i = 0; i < 100; ++i) {
    auto r = i % 10 == 0   ? run("/bin/crash", "crash", "stack-overflow")
             : i % 25 == 4 ? run("/bin/memtest", "memtest")
             : i % 10 == 4 ? run("/bin/memtest", "memtest", "bench-fault", "64")
             : i % 10 == 7 ? run("/bin/memtest", "memtest", "use-after-free")
             : i % 10 == 2 ? run("/bin/forktest", "forktest", "2")
                           : run("/bin/hello", "hello");
    if (!KEXPECT(r.ok())) return;
  }
  KEXPECT_EQ(proc::stats().faulted - faulted, u64{20});
  KEXPECT_EQ(settled_free_frames(), before);
  KEXPECT_EQ(pmm::pages_owned_by(pmm::Owner::User), u64{0});
}

// usertests' own 1,000 spawn/exit/wait cycles (of /bin/true, from ring 3): every frame comes
// back, counted by the kernel around the run.
KTEST("proc.spawn.usertests_thousand_processes_free_every_frame") {
  KEXPECT(run("/bin/usertests", "usertests", "ids").ok());  // first-use allocations
  u64 before = settled_free_frames();
  auto r = run("/bin/usertests", "usertests", "thousand-processes");
  KEXPECT(r.ok() && r.value() == 0);
  KEXPECT_EQ(settled_free_frames(), before);
  KEXPECT_EQ(pmm::pages_owned_by(pmm::Owner::User), u64{0});
}

// Fork and exec (forktest: children writing a copy-on-write buffer, a grandchild, exec) and a
// fork bomb that fills the process table: every frame comes back once parents and children
// exited, each sharing frame released by both sides.
KTEST("proc.fork.forktest_and_bomb_free_every_frame") {
  KEXPECT(run("/bin/forktest", "forktest", "1").ok());  // first-use allocations
  u64 before = settled_free_frames();
  u64 live = proc::stats().live;
  auto checks = run("/bin/forktest", "forktest");
  KEXPECT(checks.ok() && checks.value() == 0);
  auto bomb = run("/bin/forktest", "forktest", "bomb");
  KEXPECT(bomb.ok() && bomb.value() == 0);
  KEXPECT_EQ(proc::stats().live, live);
  KEXPECT_EQ(settled_free_frames(), before);
  KEXPECT_EQ(pmm::pages_owned_by(pmm::Owner::User), u64{0});
}

// A process's tables grant user access to nothing in the kernel half (the audit the kernel
// runs on its own tables at boot, here on an address space with a user page and a guard).
KTEST("proc.address_space.no_user_access_to_the_kernel_half") {
  proc::AddressSpace space;
  if (!KEXPECT(space.create())) return;
  KEXPECT(space.map_page(0x40'0000, {.writable = true}).ok());
  KEXPECT(space.map_guard(0x3f'0000, libk::kPageSize).ok());
  KEXPECT(!space.map_page(0xffff'8000'0000'0000, {}).ok());  // not a user page
  vm::detail::PmmTableMemory memory;
  auto audit = hal::paging::audit_tables(memory, space.root());
  KEXPECT(!audit.finding);
  KEXPECT(audit.leaves > 1);  // the kernel half is there, shared
  auto top = boot_info::physical_to_virtual<u64>(space.root());
  auto kernel = boot_info::physical_to_virtual<u64>(vm::kernel_root());
  for (u32 i = 256; i < 512; ++i) KEXPECT_EQ(top[i], kernel[i]);
  KEXPECT_EQ(space.pages(), u64{1});
  space.destroy();
  KEXPECT(!space.live());
}

// Bad user pointers give EFAULT, through the range check or the fixup table.
KTEST("proc.user_memory.bad_pointers_are_errors") {
  u8 buffer[16] = {};
  // Not mapped in a kernel thread's address space: the copy faults and its fixup returns.
  KEXPECT(proc::copy_from_user(buffer, 0x40'0000, 8).error() == abi::Error::Fault);
  KEXPECT(proc::copy_to_user(0x40'0000, buffer, 8).error() == abi::Error::Fault);
  char name[8];
  KEXPECT(proc::copy_string_from_user(name, 0x1000, sizeof(name)).error() == abi::Error::Fault);
  // Kernel addresses and ranges that leave user space never reach the copy.
  u64 kernel = reinterpret_cast<u64>(buffer);
  KEXPECT(proc::copy_from_user(buffer, kernel, 8).error() == abi::Error::Fault);
  KEXPECT(proc::copy_from_user(buffer, 0x7fff'ffff'fff8, 16).error() == abi::Error::Fault);
  KEXPECT(proc::copy_from_user(buffer, ~u64{0} - 4, 8).error() == abi::Error::Fault);
  KEXPECT(proc::copy_to_user(0x8000'0000'0000, buffer, 1).error() == abi::Error::Fault);
}

// hal_copy_user moves 64-byte blocks, then 8-byte words, then bytes: every length and
// alignment copies exactly its bytes, and a fault at any step (a load or a store, in a block
// or in the tail) returns how much was left instead of crashing. Kernel memory with an
// unmapped page in the middle stands in for a user buffer next to an unmapped page.
KTEST("proc.user_memory.copy_blocks_words_bytes_and_faults_at_each") {
  constexpr u64 kPage = libk::kPageSize;
  auto block = vm::allocate_area(vm::Area::Heap, 3 * kPage, 1, u16(pmm::Owner::Test));
  if (!KEXPECT(block.has_value())) return;
  auto* bytes = reinterpret_cast<u8*>(*block);
  for (u64 i = 0; i < 3 * kPage; ++i) bytes[i] = u8(i * 7 + 1);
  u8 out[600];
  constexpr u64 kLengths[] = {0, 1, 7, 8, 63, 64, 65, 200, 519};
  constexpr u64 kOffsets[] = {0, 3, 61};
  for (u64 length : kLengths) {
    for (u64 offset : kOffsets) {
      __builtin_memset(out, 0xee, sizeof(out));
      KEXPECT_EQ(hal_copy_user(out + 1, bytes + offset, length), u64{0});
      KEXPECT_EQ(__builtin_memcmp(out + 1, bytes + offset, length), 0);
      KEXPECT(out[0] == 0xee && out[1 + length] == 0xee);  // not one byte more
    }
  }
  // The middle page goes away: copies that run into it stop there.
  u64 hole = *block + kPage;
  auto frame = vm::translate(hole);
  if (!KEXPECT(frame.has_value() && vm::unmap(hole, kPage).ok())) return;
  struct Case {
    u64 before_hole, length;  // the copy starts this many bytes before the hole
  };
  constexpr Case kCases[] = {{0, 64}, {40, 600}, {128, 130}, {8, 12}, {3, 5}};
  for (Case c : kCases) {
    u64 start = hole - c.before_hole;
    u64 left = hal_copy_user(out, reinterpret_cast<u8*>(start), c.length);  // loads fault
    KEXPECT(left > 0 && left <= c.length && left >= c.length - c.before_hole);
    left = hal_copy_user(reinterpret_cast<u8*>(start), out, c.length);  // stores fault
    KEXPECT(left > 0 && left <= c.length && left >= c.length - c.before_hole);
  }
  KEXPECT(vm::map(hole, frame->physical, kPage, {.writable = true}).ok());
  KEXPECT_EQ(vm::free_area(vm::Area::Heap, *block, 1), 3 * kPage);
}

KTEST("proc.syscalls.arguments_are_checked") {
  KEXPECT_EQ(syscall(abi::Syscall(999)), i64(abi::Error::NoSys));
  KEXPECT_EQ(syscall(abi::Syscall::Count), i64(abi::Error::NoSys));
  // A kernel thread has no descriptors (a process's are checked by tests/qemu/user_tests.py).
  KEXPECT_EQ(syscall(abi::Syscall::Write, 7, 0x40'0000, 1), i64(abi::Error::BadDescriptor));
  KEXPECT_EQ(syscall(abi::Syscall::Write, 1, 0x40'0000, 1), i64(abi::Error::BadDescriptor));
  KEXPECT_EQ(syscall(abi::Syscall::Read, 0, 0x40'0000, 1), i64(abi::Error::BadDescriptor));
  KEXPECT_EQ(syscall(abi::Syscall::Close, 0), i64(abi::Error::BadDescriptor));
  KEXPECT_EQ(syscall(abi::Syscall::Dup2, 0, 1), i64(abi::Error::BadDescriptor));
  KEXPECT_EQ(syscall(abi::Syscall::ReadDir, 3, 0x40'0000), i64(abi::Error::BadDescriptor));
  KEXPECT_EQ(syscall(abi::Syscall::Stat, 0x40'0000, 0x40'0000), i64(abi::Error::Fault));
  KEXPECT_EQ(syscall(abi::Syscall::Kill, 0), i64(abi::Error::NoProcess));
  KEXPECT_EQ(syscall(abi::Syscall::Kill, 99999), i64(abi::Error::NoProcess));
  KEXPECT_EQ(syscall(abi::Syscall::Spawn, 0x40'0000, 0), i64(abi::Error::Fault));
  KEXPECT_EQ(syscall(abi::Syscall::Wait, 0, 0), i64(abi::Error::NoChild));
  KEXPECT_EQ(syscall(abi::Syscall::Wait, 5, 0x10), i64(abi::Error::Fault));
  KEXPECT_EQ(syscall(abi::Syscall::GetPid), i64(proc::kKernelParent));
}

// A process whose threads spin in ring 3 on several CPUs is ended from outside (as kill
// does): every thread stops wherever it runs, the parent gets the status, and every frame
// comes back. On one CPU the threads are preempted instead of running side by side.
KTEST("proc.threads.spread_process_ends_cleanly") {
  KEXPECT(run("/bin/spin", "spin", "1", "0").ok());  // first-use allocations
  u64 before = settled_free_frames();
  StringView argv[] = {"spin", "4"};
  auto pid = proc::spawn("/bin/spin", {argv, 2}, proc::kKernelParent);
  if (!KEXPECT(pid.ok())) return;
  // Wait until all five threads exist and spinners run on every other CPU (this test's
  // thread has its own; at most four spin).
  struct Seen {
    u32 threads, running;
  };
  u32 want_running = libk::min<u32>(cpu_count() - 1, 4);
  Seen seen{};
  u64 deadline = time::now_ns() + 20 * time::kNsPerSecond;
  while (time::now_ns() < deadline) {
    seen = {};
    thread::for_each(
        [](const Thread& t, void* c) {
          auto* s = static_cast<Seen*>(c);
          if (t.process() == nullptr) return;
          ++s->threads;
          s->running += t.state() == sched::ThreadState::Running;
        },
        &seen);
    if (seen.threads == 5 && seen.running >= want_running) break;
    thread::sleep_for(time::kNsPerMs);
  }
  KEXPECT_EQ(seen.threads, u32{5});
  KEXPECT(seen.running >= want_running);
  KEXPECT(proc::end_process(pid.value(), 99).ok());
  auto status = proc::wait(pid.value(), proc::kKernelParent);
  KEXPECT(status.ok() && status.value() == 99);
  KEXPECT(proc::end_process(pid.value(), 1).error() == abi::Error::NoProcess);
  KEXPECT_EQ(settled_free_frames(), before);
  KEXPECT_EQ(user_threads(), u64{0});
}

// The thread calls refuse a kernel thread (no process) and out-of-range ids.
KTEST("proc.threads.calls_need_a_process") {
  KEXPECT_EQ(syscall(abi::Syscall::ThreadCreate, 0x40'0000, 0, 0x7fff'0000),
             i64(abi::Error::Invalid));
  KEXPECT_EQ(syscall(abi::Syscall::ThreadJoin, 0), i64(abi::Error::Invalid));
  KEXPECT_EQ(syscall(abi::Syscall::Sleep, 1000), i64(abi::Error::Invalid));
  KEXPECT_EQ(syscall(abi::Syscall::GetPpid), i64(proc::kKernelParent));
  i64 a = syscall(abi::Syscall::ClockGet);
  KEXPECT(a > 0 && syscall(abi::Syscall::ClockGet) >= a);
  // The user programs check every error of these calls from a process: usertests.
  auto r = run("/bin/usertests", "usertests", "thread-arguments");
  KEXPECT(r.ok() && r.value() == 0);
}

// --- Benchmark ------------------------------------------------------------------------------

namespace {

constexpr u64 kRounds = 20'000;
constinit WaitQueue gate;
constinit bool go = false;

void yielder(void*) {
  gate.wait_until([] { return go; });
  for (u64 i = 0; i < kRounds; ++i) thread::yield();
}

// Cycles for one yield round trip between two kernel threads on this CPU: A yields to B,
// B yields back to A.
u64 yield_round_trip() {
  ThreadOptions o;
  o.priority = sched::kDefaultPriority + 1;
  o.slice_ns = time::kNsPerSecond;
  o.cpu = thread::current().cpu();
  go = false;
  auto a = thread::create("yield-a", yielder, nullptr, o);
  auto b = thread::create("yield-b", yielder, nullptr, o);
  VERIFY(a && b);
  u64 start = hal::cpu::rdtsc();
  go = true;
  gate.wake_all();
  thread::join(*a.value());
  thread::join(*b.value());
  return (hal::cpu::rdtsc() - start) / kRounds;
}

}  // namespace

KTEST_MANUAL("bench.proc.null_syscall_vs_yield") {
  thread::set_affinity(thread::current(), thread::current().cpu());
  auto syscall = run("/bin/syscallbench", "syscallbench", "20000");
  if (!KEXPECT(syscall.ok() && syscall.value() > 0)) return;
  u64 yield = yield_round_trip();
  u64 ratio_x1000 = u64(syscall.value()) * 1000 / (yield ? yield : 1);
  libk::format_to(ktest::out(),
                  "KBENCH proc.null_syscall: {} cycles per round trip; kernel yield round trip "
                  "{} cycles; ratio {}.{:03}\n",
                  syscall.value(), yield, ratio_x1000 / 1000, ratio_x1000 % 1000);
}

namespace {

void no_work(void*) {}

// Cycles for one kernel thread create + join (a thread that returns at once).
u64 kernel_thread_round_trip(u32 rounds) {
  thread::join(*thread::create("bench", no_work, nullptr).value());  // warm
  u64 start = hal::cpu::rdtsc();
  for (u32 i = 0; i < rounds; ++i) {
    auto t = thread::create("bench", no_work, nullptr);
    VERIFY(t.ok());
    thread::join(*t.value());
  }
  return (hal::cpu::rdtsc() - start) / rounds;
}

u64 ratio_x1000(u64 a, u64 b) { return a * 1000 / (b ? b : 1); }

}  // namespace

// spawn + exit + wait of hello, and thread_create + thread_join inside a process, each
// against a kernel thread's create + join, in one boot.
KTEST_MANUAL("bench.proc.spawn_and_threads_vs_kernel_threads") {
  thread::set_affinity(thread::current(), thread::current().cpu());
  constexpr u32 kSpawns = 50;
  if (!KEXPECT(run("/bin/hello", "hello").ok())) return;  // warm
  u64 start = hal::cpu::rdtsc();
  for (u32 i = 0; i < kSpawns; ++i)
    if (!KEXPECT(run("/bin/hello", "hello").ok())) return;
  u64 spawn = (hal::cpu::rdtsc() - start) / kSpawns;
  auto threads = run("/bin/syscallbench", "syscallbench", "threads", "200");
  if (!KEXPECT(threads.ok() && threads.value() > 0)) return;
  u64 kernel = kernel_thread_round_trip(200);
  u64 r1 = ratio_x1000(spawn, kernel), r2 = ratio_x1000(u64(threads.value()), kernel);
  libk::format_to(ktest::out(),
                  "KBENCH proc.spawn: {} cycles per spawn+exit+wait of hello; kernel thread "
                  "create+join {} cycles; ratio {}.{:03}\n",
                  spawn, kernel, r1 / 1000, r1 % 1000);
  libk::format_to(ktest::out(),
                  "KBENCH proc.thread: {} cycles per thread_create+thread_join in a process; "
                  "kernel thread create+join {} cycles; ratio {}.{:03}\n",
                  threads.value(), kernel, r2 / 1000, r2 % 1000);
}

}  // namespace kernel
