// Validating the kernel ELF, placing its segments in memory and relocating it.
#pragma once

#include <libk/elf.hpp>

#include "files.hpp"

namespace loader {

struct LoadedKernel {
  libk::elf::LoadPlan plan;  // link addresses
  u64 physical_base;         // where plan.image_begin landed; the image is contiguous
  u64 size;                  // plan.span()
  u64 slide;                 // run address - link address (0 at the link address)

  u64 virtual_base() const { return plan.image_begin + slide; }
  u64 entry() const { return plan.entry + slide; }
  u64 physical_of_link(u64 link_address) const {
    return physical_base + (link_address - plan.image_begin);
  }
};

// Validates `file` as an Ember kernel (libk::elf::validate_kernel) and returns its plan.
Expected<libk::elf::LoadPlan> validate_kernel(const FileData& file, const Path& path);

// Allocates one contiguous run of EfiLoaderData pages for the whole image, copies each
// segment's file bytes, leaves the rest (BSS, gaps) zero, and applies the relocations for a
// run address `slide` bytes from the link address.
Expected<LoadedKernel> load_kernel(const FileData& file, const libk::elf::LoadPlan& plan,
                                   u64 slide);

}  // namespace loader
