// In-kernel tests of copy-on-write faults that race (docs/processes.md, "Fork and
// copy-on-write"), in test=all; they race for real on the smp-ktests boots. Two threads of
// the parent and one of the child write every shared page at once, each from its own CPU:
// per page and side exactly one of them copies or reuses (the other side's count decides
// which), nobody copies twice, every page ends writable on both sides with its bytes and one
// reference each, and no frame is lost or leaked.
#include <abi/syscalls.hpp>

#include "boot.hpp"
#include "cpu/percpu.hpp"
#include "ktest.hpp"
#include "memory/pmm.hpp"
#include "proc/address_space.hpp"
#include "proc/memory_areas.hpp"
#include "sched/thread.hpp"

namespace kernel {

namespace {

using Fault = proc::ProcessMemory::FaultResult;

constexpr u64 P = libk::kPageSize;
constexpr u64 kPages = 64;

struct Racer {
  proc::ProcessMemory* memory;
  u64 base;
  const libk::Atomic<bool>* go;
  u64 mapped = 0;  // faults that came back Mapped
};

void race(void* arg) {
  auto* r = static_cast<Racer*>(arg);
  while (!r->go->load()) thread::yield();
  for (u64 i = 0; i < kPages; ++i)
    r->mapped += r->memory->fault(r->base + i * P + 8, true, false, true) == Fault::Mapped;
}

// A racer on CPU `index` modulo the CPUs there are (one CPU: they take turns).
Thread* start_racer(Racer& r, u32 index) {
  ThreadOptions options;
  options.cpu = index % cpu_count();
  auto t = thread::create("cow-racer", race, &r, options);
  return t ? t.value() : nullptr;
}

u8 first_byte(proc::AddressSpace& space, u64 virt) {
  return *boot_info::physical_to_virtual<u8>(space.translate(virt)->physical);
}

}  // namespace

KTEST("proc.fork.racing_write_faults_copy_or_reuse_once_per_side") {
  u64 user_pages = pmm::pages_owned_by(pmm::Owner::User);
  u64 tables = pmm::pages_owned_by(pmm::Owner::PageTable);
  {
    proc::AddressSpace parent, child;
    if (!KEXPECT(parent.create() && child.create())) return;
    auto data = parent.memory().mmap(0, kPages * P, abi::kProtRead | abi::kProtWrite);
    if (!KEXPECT(data.ok())) return;
    u64 base = data.value();
    for (u64 i = 0; i < kPages; ++i) {
      KEXPECT(parent.memory().fault(base + i * P, true, false) == Fault::Mapped);
      *boot_info::physical_to_virtual<u8>(parent.translate(base + i * P)->physical) = u8(i);
    }
    KEXPECT(parent.memory().fork_into(child.memory()).ok());
    libk::Atomic<bool> go{false};
    Racer racers[] = {
        {&parent.memory(), base, &go}, {&parent.memory(), base, &go}, {&child.memory(), base, &go}};
    Thread* threads[3] = {};
    for (u32 i = 0; i < 3; ++i)
      threads[i] = start_racer(racers[i], thread::current().cpu() + 1 + i);
    go.store(true);
    for (Thread* racer : threads)
      if (KEXPECT(racer != nullptr)) thread::join(*racer);
    for (const Racer& r : racers) KEXPECT_EQ(r.mapped, kPages);
    for (u64 i = 0; i < kPages; ++i) {
      u64 page = base + i * P;
      auto p = parent.page_info(page), c = child.page_info(page);
      KEXPECT(p.present && p.writable && c.present && c.writable && p.frame != c.frame);
      KEXPECT_EQ(pmm::references(p.frame), u32{1});
      KEXPECT_EQ(pmm::references(c.frame), u32{1});
      KEXPECT_EQ(first_byte(parent, page), u8(i));
      KEXPECT_EQ(first_byte(child, page), u8(i));
    }
    KEXPECT_EQ(parent.pages(), child.pages());
    child.destroy();
    parent.destroy();
  }
  // A page copied twice on one side, or an old frame released once too few times, shows here.
  KEXPECT_EQ(pmm::pages_owned_by(pmm::Owner::User), user_pages);
  KEXPECT_EQ(pmm::pages_owned_by(pmm::Owner::PageTable), tables);
}

}  // namespace kernel
