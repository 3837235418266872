// In-kernel tests of the VFS, the console terminal and kill (docs/processes.md, "Files",
// "The terminal", "kill"), run by test=all on boots that have the initrd: the initrd file
// system read through open-file descriptions, programs reading typed lines, and kill
// reaching a process blocked in read and one spinning in ring 3, with every frame and
// open file given back.
#include <abi/syscalls.hpp>

#include <hal/cpu.hpp>
#include <hal/user_mode.hpp>

#include "boot.hpp"
#include "fs/vfs.hpp"
#include "ktest.hpp"
#include "memory/heap.hpp"
#include "memory/pmm.hpp"
#include "proc/address_space.hpp"
#include "proc/initrd.hpp"
#include "proc/process.hpp"
#include "sched/thread.hpp"
#include "tests/settle.hpp"
#include "time.hpp"
#include "tty/tty.hpp"

namespace kernel {

namespace {

using test_support::eventually;

using abi::Error;
using libk::StringView;

libk::Result<proc::Pid, Error> start(StringView path, StringView name) {
  StringView argv[] = {name};
  return proc::spawn(path, argv, proc::kKernelParent);
}

// Waits (polling, bounded) until `condition` holds; false if it never did.
}  // namespace

KTEST("fs.initrd.files_read_through_dot_dot") {
  u64 files = fs::open_files();
  auto motd = initrd::find("etc/motd");
  if (!KEXPECT(motd)) return;
  auto f = fs::open("/bin/../etc/./motd", abi::kOpenRead);
  if (!KEXPECT(f.ok())) return;
  u8 buffer[256];
  usize total = 0;
  for (;;) {  // in small reads: the shared offset advances
    auto n = f.value()->read({buffer + total, 7});
    if (!KEXPECT(n.ok()) || n.value() == 0) break;
    total += n.value();
  }
  KEXPECT_EQ(total, motd->data.size());
  KEXPECT(__builtin_memcmp(buffer, motd->data.data(), total) == 0);
  fs::OpenFile::release(f.value());
  KEXPECT_EQ(fs::open_files(), files);
}

KTEST("fs.initrd.stat_and_readdir") {
  auto s = fs::stat("/etc/motd");
  KEXPECT(s.ok() && s.value().type == abi::FileType::File &&
          s.value().size == initrd::find("etc/motd")->data.size());
  KEXPECT(fs::stat("/").value().type == abi::FileType::Directory);
  KEXPECT(fs::stat("/dev/console").value().type == abi::FileType::Device);
  auto dir = fs::open("/bin", abi::kOpenRead);
  if (!KEXPECT(dir.ok())) return;
  abi::DirEntry e;
  u32 entries = 0;
  bool cat = false;
  while (dir.value()->readdir(e).value()) {
    ++entries;
    if (StringView(e.name) == "cat")
      cat = e.type == abi::FileType::File && e.size == initrd::find("bin/cat")->data.size();
  }
  // Each program of the archive's bin/ once.
  u32 programs = 0;
  libk::ustar::Reader reader(initrd::archive());
  for (;;) {
    auto entry = reader.next();
    if (!entry.ok() || !entry.value()) break;
    programs += entry.value()->path().starts_with("bin/");
  }
  KEXPECT(programs >= 8);
  KEXPECT_EQ(entries, programs);
  KEXPECT(cat);
  KEXPECT(dir.value()->read({reinterpret_cast<u8*>(&e), 1}).error() == Error::IsDirectory);
  fs::OpenFile::release(dir.value());
}

KTEST("fs.open.bad_requests_are_errors") {
  u64 files = fs::open_files();
  char long_path[300];
  long_path[0] = '/';
  for (usize i = 1; i < sizeof(long_path); ++i) long_path[i] = 'a';
  KEXPECT(fs::open("/nosuch", 0).error() == Error::NoEntry);
  KEXPECT(fs::open("/etc/motd/x", 0).error() == Error::NotDirectory);
  KEXPECT(fs::open("/etc/motd", abi::kOpenWrite).error() == Error::ReadOnly);
  KEXPECT(fs::open("/etc/new", abi::kOpenCreate).error() == Error::ReadOnly);
  KEXPECT(fs::open("/etc/motd", abi::kOpenCreate | abi::kOpenExclusive).error() == Error::Exists);
  KEXPECT(fs::open("/etc/motd", 0x8000'0000).error() == Error::Invalid);
  KEXPECT(fs::open({long_path, sizeof(long_path)}, 0).error() == Error::NameTooLong);
  KEXPECT(fs::open("", 0).error() == Error::NoEntry);
  KEXPECT_EQ(fs::open_files(), files);
}

// Lines pushed into the terminal are what cat reads; the end of file ends it with status 0.
KTEST("tty.cat_reads_lines_until_end_of_file") {
  tty::push_line("first line for cat");
  tty::push_line("second");
  tty::push_end_of_file();
  auto pid = start("/bin/cat", "cat");
  if (!KEXPECT(pid.ok())) return;
  auto status = proc::wait(pid.value(), proc::kKernelParent);
  KEXPECT(status.ok() && status.value() == 0);
  KEXPECT_EQ(tty::buffered(), u64{0});
}

// cat blocked reading the terminal: kill wakes it, its read returns Interrupted, and the
// process ends with kStatusKilled, every frame and open file given back.
KTEST("proc.kill.ends_a_process_blocked_in_read") {
  u64 files = fs::open_files();
  u64 frames = pmm::pages_owned_by(pmm::Owner::User);
  auto pid = start("/bin/cat", "cat");
  if (!KEXPECT(pid.ok())) return;
  KEXPECT(eventually([] { return tty::readers_waiting(); }));
  KEXPECT(proc::kill(pid.value(), abi::kStatusKilled).ok());
  auto status = proc::wait(pid.value(), proc::kKernelParent);
  KEXPECT(status.ok() && status.value() == abi::kStatusKilled);
  KEXPECT(!tty::readers_waiting());
  KEXPECT_EQ(fs::open_files(), files);
  KEXPECT_EQ(pmm::pages_owned_by(pmm::Owner::User), frames);
  KEXPECT(proc::kill(pid.value(), abi::kStatusKilled).error() == Error::NoProcess);
}

// The SYSRET trap: a `syscall` in the last bytes of the canonical lower half returns to
// 0x0000'8000'0000'0000. SYSRET would take that RIP and fault in ring 0 with the user's RSP
// (Intel); the kernel returns through IRETQ, whose #GP is the process's fault: it ends with
// 128 + 13 and a "non-canonical" report, and the kernel goes on. No program can map code
// there, so this test maps it into `crash top-syscall` while that waits for a line.
KTEST("proc.sysret.non_canonical_return_ends_the_process") {
  constexpr u64 kTopPage = 0x0000'7fff'ffff'f000ull;
  constexpr u8 kCode[] = {0xb8, u8(abi::Syscall::GetPid), 0, 0, 0, 0x0f, 0x05};  // at the end
  u64 faulted = proc::stats().faulted;
  u64 iret_returns = __atomic_load_n(&hal_noncanonical_returns, __ATOMIC_RELAXED);
  StringView argv[] = {"crash", "top-syscall"};
  auto pid = proc::spawn("/bin/crash", argv, proc::kKernelParent);
  if (!KEXPECT(pid.ok())) return;
  KEXPECT(eventually([] { return tty::readers_waiting(); }));
  proc::AddressSpace* space = proc::address_space_of(pid.value());
  if (KEXPECT(space != nullptr)) {
    auto frame = space->map_page(kTopPage, {.writable = false, .executable = true});
    if (KEXPECT(frame.ok())) {
      u8* page = boot_info::physical_to_virtual<u8>(frame.value());
      __builtin_memcpy(page + libk::kPageSize - sizeof(kCode), kCode, sizeof(kCode));
    }
  }
  tty::push_line("go");
  auto status = proc::wait(pid.value(), proc::kKernelParent);
  KEXPECT(status.ok() && status.value() == 128 + 13);  // #GP
  KEXPECT_EQ(proc::stats().faulted - faulted, u64{1});
  // It went back through IRETQ, not SYSRET (QEMU's SYSRET takes such a RIP without the ring-0
  // fault Intel CPUs raise, so only the count tells the two paths apart here).
  KEXPECT_EQ(__atomic_load_n(&hal_noncanonical_returns, __ATOMIC_RELAXED) - iret_returns, u64{1});
}

// loop never makes a system call: kill reaches it in ring 3 (another CPU's, by IPI, or
// this one's at its next interrupt).
KTEST("proc.kill.ends_a_process_spinning_in_ring_3") {
  u64 frames = pmm::pages_owned_by(pmm::Owner::User);
  for (u32 round = 0; round < 3; ++round) {
    auto pid = start("/bin/loop", "loop");
    if (!KEXPECT(pid.ok())) return;
    thread::sleep_for(round * time::kNsPerMs);
    KEXPECT(proc::kill(pid.value(), abi::kStatusInterrupted).ok());
    auto status = proc::wait(pid.value(), proc::kKernelParent);
    KEXPECT(status.ok() && status.value() == abi::kStatusInterrupted);
  }
  KEXPECT_EQ(pmm::pages_owned_by(pmm::Owner::User), frames);
}

}  // namespace kernel

namespace kernel {

// read() of a file from the initrd by a program (open, 4 KiB reads, close; cycles per KiB)
// against the kernel's memcpy of the same bytes from the archive into a buffer: both as
// bytes per cycle, and the ratio (read / memcpy).
KTEST_MANUAL("bench.fs.read_vs_memcpy") {
  constexpr StringView kFile = "/bin/syscallbench";
  constexpr u32 kRounds = 200;
  thread::set_affinity(thread::current(), thread::current().cpu());
  StringView argv[] = {"readbench", kFile, "200"};
  auto pid = proc::spawn("/bin/readbench", argv, proc::kKernelParent);
  if (!KEXPECT(pid.ok())) return;
  auto per_kib = proc::wait(pid.value(), proc::kKernelParent);
  if (!KEXPECT(per_kib.ok() && per_kib.value() > 0)) return;
  auto file = initrd::find(kFile);
  if (!KEXPECT(file)) return;
  auto* copy = new (heap::nothrow) u8[file->data.size()];
  if (!KEXPECT(copy != nullptr)) return;
  __builtin_memcpy(copy, file->data.data(), file->data.size());  // warm
  u64 start = hal::cpu::rdtsc();
  for (u32 i = 0; i < kRounds; ++i) {
    __builtin_memcpy(copy, file->data.data(), file->data.size());
    asm volatile("" : : "r"(copy) : "memory");
  }
  u64 memcpy_per_kib = (hal::cpu::rdtsc() - start) * 1024 / (u64(kRounds) * file->data.size());
  delete[] copy;
  u64 read = u64(per_kib.value());
  u64 ratio_x1000 = memcpy_per_kib * 1000 / (read ? read : 1);  // read's bytes/cycle over memcpy's
  libk::format_to(ktest::out(),
                  "KBENCH fs.read: {} bytes x {}: read() {} cycles per KiB ({} bytes per 1000 "
                  "cycles); kernel memcpy {} cycles per KiB ({} bytes per 1000 cycles); ratio "
                  "{}.{:03}\n",
                  file->data.size(), kRounds, read, 1024 * 1000 / (read ? read : 1), memcpy_per_kib,
                  1024 * 1000 / (memcpy_per_kib ? memcpy_per_kib : 1), ratio_x1000 / 1000,
                  ratio_x1000 % 1000);
}

}  // namespace kernel
