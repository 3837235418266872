// The RAM file system's benchmark (docs/vfs.md, "Benchmark"), run by the user-bench boot.
#include <hal/cpu.hpp>
#include <libk/format.hpp>

#include "ktest.hpp"
#include "memory/heap.hpp"
#include "proc/process.hpp"
#include "sched/thread.hpp"

namespace kernel {

using libk::StringView;

// write+read of a 1 MiB file under /tmp by a program in 64 KiB calls (cycles per KiB of
// one write and one read) against the kernel's memcpy of 1 MiB; the ratio is memcpy's
// bytes per cycle over the file's.
KTEST_MANUAL("bench.fs.ram_write_read_vs_memcpy") {
  constexpr usize kBytes = 1024 * 1024;
  constexpr u32 kRounds = 20;
  thread::set_affinity(thread::current(), thread::current().cpu());
  StringView argv[] = {"ramfsbench", "20"};
  auto pid = proc::spawn("/bin/ramfsbench", argv, proc::kKernelParent);
  if (!KEXPECT(pid.ok())) return;
  auto per_kib = proc::wait(pid.value(), proc::kKernelParent);
  if (!KEXPECT(per_kib.ok() && per_kib.value() > 0)) return;
  auto* from = new (heap::nothrow) u8[kBytes];
  auto* to = new (heap::nothrow) u8[kBytes];
  if (KEXPECT(from != nullptr && to != nullptr)) {
    __builtin_memset(from, 1, kBytes);
    __builtin_memcpy(to, from, kBytes);  // warm
    u64 start = hal::cpu::rdtsc();
    for (u32 i = 0; i < kRounds; ++i) {
      __builtin_memcpy(to, from, kBytes);
      asm volatile("" : : "r"(to) : "memory");
    }
    u64 memcpy_per_kib = (hal::cpu::rdtsc() - start) * 1024 / (u64(kRounds) * kBytes);
    u64 file = u64(per_kib.value());
    u64 ratio_x1000 = memcpy_per_kib * 1000 / (file ? file : 1);
    libk::format_to(ktest::out(),
                    "KBENCH fs.ram_write_read: 1 MiB in 64 KiB calls x {}: write+read {} cycles "
                    "per KiB; kernel memcpy {} cycles per KiB; ratio {}.{:03}\n",
                    kRounds, file, memcpy_per_kib, ratio_x1000 / 1000, ratio_x1000 % 1000);
  }
  delete[] from;
  delete[] to;
}

}  // namespace kernel
