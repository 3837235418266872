// Asking the live page tables whether an address is mapped, without touching it. The crash
// reporter uses this to walk stacks and describe faulting addresses safely.
//
// FIXME(memory): the VM code of the memory issue owns the page tables; this walks CR3 through
// the loader's direct map, which is enough until then.
//
// Context: any (reads only).
#pragma once

#include <hal/paging.hpp>
#include <libk/optional.hpp>

namespace kernel::memory_probe {

libk::Optional<hal::paging::Translation> translate(u64 address);

// Whether every byte of [address, address + length) is mapped (present) in the current
// address space. length must be at most a page.
bool mapped(u64 address, u64 length);

}  // namespace kernel::memory_probe
