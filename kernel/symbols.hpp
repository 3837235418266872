// The kernel's own symbol table, for symbolized backtraces. The loader hands over the kernel
// ELF file (BootInfo::kernel_file); its .symtab/.strtab are parsed by libk's bounds-checked
// parser, so a damaged file only costs the names.
//
// The file lives in LoaderReclaimable memory; pmm::reclaim_boot_memory() leaves its pages out
// of the pool, so the table stays valid after the loader's memory is reclaimed.
#pragma once

#include <libk/format.hpp>
#include <libk/optional.hpp>
#include <libk/string_view.hpp>

namespace kernel::symbols {

// Parses the kernel file. Call once after boot_info::set(); without it (or if the file is
// unusable) lookups find nothing and backtraces show bare addresses.
void init();

bool available();

struct Resolved {
  libk::StringView name;  // mangled, as in the symbol table
  u64 address;            // of the symbol, where it runs (its link address + image::slide())
  u64 offset;             // of the looked-up address from it
};

libk::Optional<Resolved> resolve(u64 address);

// Writes "kernel::log::init+0x1c" (demangled where possible) or "?" for `address`.
void write(libk::Sink& out, u64 address);

}  // namespace kernel::symbols
