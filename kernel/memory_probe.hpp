// Asking the live page tables whether an address is mapped, without touching it. The crash
// reporter uses this to walk stacks and describe faulting addresses safely.
//
// Unlike vm::lookup (kernel/memory/vm.hpp), this takes no lock and trusts nothing but CR3
// and the direct map, so it works in any state the crash reporter may find the kernel in.
//
// Context: any (reads only), including exception handlers and NMI.
#pragma once

#include <hal/paging.hpp>
#include <libk/optional.hpp>

namespace kernel::memory_probe {

libk::Optional<hal::paging::Translation> translate(u64 address);

// Whether every byte of [address, address + length) is mapped (present) in the current
// address space. length must be at most a page.
bool mapped(u64 address, u64 length);

}  // namespace kernel::memory_probe
