// The last steps: the final memory map, ExitBootServices, and the jump into the kernel.
#pragma once

#include <boot/boot_info.hpp>

#include "kernel_image.hpp"
#include "page_tables.hpp"

namespace loader {

// Space for BootInfo, the command line and the kernel's memory map, allocated while boot
// services still run, sized for the map's current length plus slack.
struct HandoffBlock {
  boot::BootInfo* info;
  char* cmdline;           // Config::kMaxCmdline + 1 bytes
  boot::MemoryRange* map;  // map_capacity entries
  usize map_capacity;
  u8* raw_map;  // the firmware's map, raw_capacity bytes
  usize raw_capacity;
};

Expected<HandoffBlock> allocate_handoff_block();

// Takes the final memory map (kernel image and framebuffer ranges marked), exits boot
// services (retrying if the map changed under us) and fills in the memory-map fields of
// BootInfo. After success no firmware call other than runtime services is allowed, and no
// console output: on failure after the first ExitBootServices attempt, reports on COM1 and
// halts, since the firmware may already be half shut down.
Expected<void> exit_boot_services(HandoffBlock& block, const LoadedKernel& kernel,
                                  const boot::Framebuffer& fb);

// Switches to the kernel's address space and jumps to its entry. Does not return.
[[noreturn]] void enter_kernel(const AddressSpace& space, const LoadedKernel& kernel,
                               const HandoffBlock& block);

}  // namespace loader
