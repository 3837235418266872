#include "image.hpp"

#include "boot.hpp"

extern "C" char __kernel_start[];

namespace kernel::image {

// -fpie makes this a RIP-relative LEA: the address where the code runs.
u64 base() { return reinterpret_cast<u64>(__kernel_start); }

u64 link_base() { return boot_info::get().kernel_link_base; }

u64 slide() { return base() - link_base(); }

}  // namespace kernel::image
