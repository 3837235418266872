#include "handoff.hpp"

#include <boot/memory_map.hpp>
#include <hal/cpu.hpp>
#include <hal/registers.hpp>
#include <hal/uart.hpp>

#include "config.hpp"
#include "files.hpp"
#include "firmware_map.hpp"

extern "C" void ember_handoff(u64 cr3, u64 stack_top, u64 entry, u64 boot_info);

namespace loader {

namespace {

constexpr u32 kMaxExitAttempts = 8;

// Between ExitBootServices attempts only GetMemoryMap may run: no allocation, no printing.
EFI_STATUS read_map(HandoffBlock& block, MapSnapshot& snap) {
  return read_memory_map(block.raw_map, block.raw_capacity, snap);
}

bool convert_map(HandoffBlock& block, const MapSnapshot& snap, const LoadedKernel& kernel,
                 const boot::Framebuffer& fb, boot::MemoryMapBuilder& builder) {
  builder.clear();
  if (!builder.add_uefi_map(libk::Bytes(block.raw_map, snap.size), snap.descriptor_size))
    return false;
  if (!builder.set_range(kernel.physical_base, kernel.size, boot::MemoryType::KernelImage))
    return false;
  if (fb.format != boot::PixelFormat::None &&
      !builder.set_range(libk::align_down(fb.base, libk::kPageSize),
                         libk::align_up(fb.base + fb.size, libk::kPageSize) -
                             libk::align_down(fb.base, libk::kPageSize),
                         boot::MemoryType::Framebuffer))
    return false;
  return true;
}

// After a failed ExitBootServices the console may be gone: COM1 is all that is left.
[[noreturn]] void die_after_exit(const char* why) {
  hal::Uart16550 com1(hal::Uart16550::kCom1);
  com1.init();
  libk::format_to(com1, "\n{}: {}; halting\n", kName, why);
  hal::cpu::halt_forever();
}

}  // namespace

Expected<HandoffBlock> allocate_handoff_block() {
  MapSizing sizing = TRY(size_memory_map());
  HandoffBlock block{};
  block.raw_capacity = sizing.capacity;
  // Each descriptor yields at most one range; each of the two overlays adds at most two.
  block.map_capacity = block.raw_capacity / sizing.descriptor_size + 8;
  u64 info_bytes = libk::align_up(sizeof(boot::BootInfo), 64);
  u64 cmdline_bytes = libk::align_up(Config::kMaxCmdline + 1, 64);
  u64 map_bytes = block.map_capacity * sizeof(boot::MemoryRange);
  u64 total = info_bytes + cmdline_bytes + map_bytes + block.raw_capacity;
  u64 base = TRY(allocate_pages(total, "boot information"));
  block.info = reinterpret_cast<boot::BootInfo*>(base);
  block.cmdline = reinterpret_cast<char*>(base + info_bytes);
  block.map = reinterpret_cast<boot::MemoryRange*>(base + info_bytes + cmdline_bytes);
  block.raw_map = reinterpret_cast<u8*>(base + info_bytes + cmdline_bytes + map_bytes);
  return block;
}

Expected<void> exit_boot_services(HandoffBlock& block, const LoadedKernel& kernel,
                                  const boot::Framebuffer& fb) {
  boot::MemoryMapBuilder builder({block.map, block.map_capacity});
  MapSnapshot snap{};
  EFI_STATUS s = read_map(block, snap);
  if (EFI_ERROR(s)) return fail(s, "cannot read the memory map ({})", Status{s});
  if (!convert_map(block, snap, kernel, fb, builder))
    return fail(EFI_BUFFER_TOO_SMALL, "memory map has too many entries ({} bytes)", snap.size);
  firmware.exiting_boot_services = true;
  for (u32 attempt = 0; attempt < kMaxExitAttempts; ++attempt) {
    s = firmware.boot->ExitBootServices(firmware.image, snap.key);
    if (s == EFI_SUCCESS) {
      hal::cpu::cli();
      block.info->memory_map = reinterpret_cast<u64>(block.map);
      block.info->memory_map_count = u32(builder.count());
      block.info->memory_map_skipped = builder.skipped();
      return {};
    }
    if (s != EFI_INVALID_PARAMETER) die_after_exit("ExitBootServices failed");
    // The map changed since we read it (the firmware allocated): read and convert again.
    if (EFI_ERROR(read_map(block, snap))) die_after_exit("cannot re-read the memory map");
    if (!convert_map(block, snap, kernel, fb, builder)) die_after_exit("memory map grew too large");
  }
  die_after_exit("the memory map kept changing during ExitBootServices");
}

void enter_kernel(const AddressSpace& space, const LoadedKernel& kernel,
                  const HandoffBlock& block) {
  // W^X needs NX; the kernel's own page tables come later (docs/memory.md).
  hal::Efer::read().set_nxe(true).write();
  hal::Cr0::read().set_wp(true).write();
  block.info->timestamps.kernel_jump = hal::cpu::rdtsc();
  ember_handoff(space.root, boot::kBootStackTop, kernel.entry(),
                boot::kDirectMapBase + reinterpret_cast<u64>(block.info));
  __builtin_unreachable();
}

}  // namespace loader
