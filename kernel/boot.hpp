// Access to what the loader handed over (boot::BootInfo) and to physical memory through
// the direct map the loader set up.
#pragma once

#include <boot/boot_info.hpp>
#include <libk/span.hpp>
#include <libk/string_view.hpp>

namespace kernel::boot_info {

// Checks magic, version and size. Returns a description of the problem, or nullptr if the
// structure is acceptable.
const char* check(const boot::BootInfo* info);

// Records the BootInfo pointer for the accessors below. Call once from kernel_main.
void set(const boot::BootInfo* info);
const boot::BootInfo& get();

template <typename T>
T* physical_to_virtual(u64 phys) {
  return reinterpret_cast<T*>(phys + boot::kDirectMapBase);
}

libk::Span<const boot::MemoryRange> memory_map();
libk::StringView cmdline();

}  // namespace kernel::boot_info
