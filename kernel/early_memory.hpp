// Physical memory for the boot sequence, before the page allocator runs (framebuffer shadow
// buffers, early tables). Backed by boot::EarlyAllocator over the BootInfo memory map;
// nothing is ever freed. The page allocator excludes allocated() when it builds its pool;
// after that (pmm::ready()), allocate() takes whole blocks from the page allocator instead.
//
// Context: boot CPU, single-threaded boot sequence only (no locking).
#pragma once

#include <boot/early_allocator.hpp>
#include <libk/optional.hpp>

namespace kernel::early_memory {

// Call once, after boot_info::set(). Returns false if the map has no usable memory.
bool init();

// Zero-filled memory: `bytes` rounded up to pages. Returns the physical address (reach it
// through boot_info::physical_to_virtual), or nullopt when out of early memory.
libk::Optional<u64> allocate(u64 bytes, u64 align = libk::kPageSize);

libk::Span<const boot::EarlyAllocator::Range> allocated();

}  // namespace kernel::early_memory
