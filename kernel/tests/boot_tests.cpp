// In-kernel tests of the boot handoff: what the loader promised in docs/boot-protocol.md.
#include <boot/kaslr.hpp>
#include <boot/memory_map.hpp>
#include <hal/cpu.hpp>
#include <hal/paging.hpp>

#include "boot.hpp"
#include "image.hpp"
#include "ktest.hpp"
#include "memory/memory.hpp"
#include "memory_probe.hpp"
#include "panic.hpp"
#include "sched/thread.hpp"

extern "C" char __kernel_start[], __text_start[], __text_end[], __rodata_start[], __data_start[],
    __kernel_end[];

namespace kernel {

namespace {

using boot::MemoryType;

libk::Optional<hal::paging::Translation> translate(const void* p) {
  return memory_probe::translate(reinterpret_cast<u64>(p));
}

bool covered_by(MemoryType type, u64 base, u64 length) {
  for (const boot::MemoryRange& r : boot_info::memory_map())
    if (r.type == type && r.base <= base && base + length <= r.end()) return true;
  return false;
}

}  // namespace

KTEST("boot.info.header") {
  const boot::BootInfo& info = boot_info::get();
  KEXPECT_EQ(info.magic, boot::kMagic);
  KEXPECT(info.version >= boot::kVersion);
  KEXPECT(info.size >= sizeof(boot::BootInfo));
  KEXPECT_EQ(info.direct_map_base, boot::kDirectMapBase);
  KEXPECT(info.direct_map_size >= 4 * libk::GiB);
}

KTEST("boot.memory_map.well_formed") {
  auto map = boot_info::memory_map();
  KEXPECT(map.size() > 0);
  const char* problem = boot::check_memory_map(map);
  KEXPECT_EQ(libk::StringView(problem ? problem : "ok"), libk::StringView("ok"));
  KEXPECT(boot::total_bytes(map, [](MemoryType t) { return t == MemoryType::Usable; }) > 0);
}

KTEST("boot.memory_map.covers_handoff") {
  const boot::BootInfo& info = boot_info::get();
  KEXPECT(covered_by(MemoryType::KernelImage, info.kernel_physical_base, info.kernel_size));
  // memory::finish_boot copied BootInfo and the map out of loader memory into the pool...
  KEXPECT(covered_by(MemoryType::Usable, info.memory_map,
                     info.memory_map_count * sizeof(boot::MemoryRange)));
  // ...and kept the kernel file where the loader put it.
  KEXPECT(covered_by(MemoryType::LoaderReclaimable, info.kernel_file, info.kernel_file_size));
  if (info.framebuffer.format != boot::PixelFormat::None)
    KEXPECT(covered_by(MemoryType::Framebuffer, info.framebuffer.base, info.framebuffer.size));
}

KTEST("boot.kernel.placement") {
  const boot::BootInfo& info = boot_info::get();
  KEXPECT_EQ(info.kernel_virtual_base, reinterpret_cast<u64>(__kernel_start));
  KEXPECT(info.kernel_size >= u64(__kernel_end - __kernel_start));
  auto text = translate(__text_start);
  if (!KEXPECT(text.has_value())) return;
  KEXPECT_EQ(text->physical, info.kernel_physical_base + u64(__text_start - __kernel_start));
}

// KASLR (docs/boot-protocol.md): the image runs 2 MiB-aligned slots away from its link
// address, inside the kernel image window, where BootInfo says; at the link address with
// nokaslr.
KTEST("boot.kernel.kaslr_placement") {
  const boot::BootInfo& info = boot_info::get();
  KEXPECT_EQ(image::base(), info.kernel_virtual_base);
  KEXPECT_EQ(image::slide(), info.kernel_virtual_base - info.kernel_link_base);
  KEXPECT_EQ(image::slide() % boot::kaslr::kAlign, 0u);
  KEXPECT(boot::layout::kKernelImage.contains_range(image::base(), info.kernel_size));
  if (info.kaslr_source == boot::EntropySource::None) KEXPECT_EQ(image::slide(), 0u);
}

KTEST("boot.kernel.w_xor_x") {
  using namespace hal::paging;
  auto text = translate(__text_start);
  auto rodata = translate(__rodata_start);
  auto data = translate(__data_start);
  if (!KEXPECT(text && rodata && data)) return;
  KEXPECT(!(text->flags & kWritable) && !(text->flags & kNoExecute));
  KEXPECT(!(rodata->flags & kWritable) && (rodata->flags & kNoExecute));
  KEXPECT((data->flags & kWritable) && (data->flags & kNoExecute));
  int local = 0;
  auto stack = translate(&local);
  if (KEXPECT(stack.has_value()))
    KEXPECT((stack->flags & kWritable) && (stack->flags & kNoExecute));
}

KTEST("boot.stack") {
  // The boot runs on the kernel's own stack (memory::switch_to_kernel_stack), not the loader's.
  const stacks::KernelStack& stack = memory::boot_stack();
  u64 rsp = hal::cpu::read_rsp();
  if (ktest::active()) {
    KEXPECT(rsp < stack.top() && rsp >= stack.base);
  } else {  // the shell's `test` runs the tests in their own thread, on its stack
    KEXPECT(rsp < thread::current().stack_top() && rsp >= thread::current().stack_base());
  }
  // The guard page below the stack is not mapped.
  KEXPECT(!translate(reinterpret_cast<void*>(stack.base - 8)).has_value());
  // The loader's stack is gone from the kernel's tables.
  const boot::BootInfo& info = boot_info::get();
  KEXPECT(!translate(reinterpret_cast<void*>(info.boot_stack_top - 8)).has_value());
}

KTEST("boot.direct_map") {
  const boot::BootInfo& info = boot_info::get();
  auto* through_map =
      boot_info::physical_to_virtual<const boot::BootInfo>(translate(&info)->physical);
  KEXPECT_EQ(through_map, &info);
  // The highest RAM byte is reachable.
  auto map = boot_info::memory_map();
  u64 top = 0;
  for (const boot::MemoryRange& r : map)
    if (boot::is_ram(r.type)) top = r.end();
  KEXPECT(top <= info.direct_map_size);
  auto last = translate(boot_info::physical_to_virtual<const u8>(top - 1));
  if (KEXPECT(last.has_value())) KEXPECT_EQ(last->physical, top - 1);
}

KTEST("boot.cmdline") {
  const boot::BootInfo& info = boot_info::get();
  const char* text = boot_info::physical_to_virtual<const char>(info.cmdline);
  KEXPECT_EQ(text[info.cmdline_length], '\0');
  KEXPECT_EQ(libk::cstring_length(text), u64(info.cmdline_length));
  // In test mode the command line named the tests (the shell's `test` runs without).
  if (ktest::active()) KEXPECT(boot_info::cmdline().find("test=") != libk::StringView::npos);
}

KTEST("boot.timestamps") {
  const boot::Timestamps& ts = boot_info::get().timestamps;
  KEXPECT(ts.loader_entry < ts.kernel_read);
  KEXPECT(ts.kernel_read < ts.exit_boot_services);
  KEXPECT(ts.exit_boot_services <= ts.kernel_jump);
  KEXPECT(ts.kernel_jump < hal::cpu::rdtsc());
}

// Proves the harness reports failures: tests/qemu expects this one to fail.
KTEST_MANUAL("harness.expect_failure") { KEXPECT_EQ(1 + 1, 3); }

// Proves a panic inside a test is reported as that test's failure and ends QEMU.
KTEST_MANUAL("harness.panic") { PANIC("deliberate panic from {}", "harness.panic"); }

}  // namespace kernel
