// Where the kernel image runs. The kernel is position-independent and the loader may put it
// anywhere in the kernel image window (KASLR, docs/boot-protocol.md): code that needs an
// absolute kernel address outside the kernel's own relocated data (a trampoline that jumps
// back in, a debugger, the symbolizer) asks here.
#pragma once

#include <libk/types.hpp>

namespace kernel::image {

// The run address of the image's first byte (kernel/linker.ld's __kernel_start). Valid from
// the first instruction: it is read RIP-relative, not from memory the loader filled in.
u64 base();

// Where the image was linked (BootInfo::kernel_link_base): the addresses in the kernel file's
// symbol table. Valid after boot_info::set().
u64 link_base();

// base() - link_base(): add it to a link address to get the run address.
u64 slide();

}  // namespace kernel::image
