// Validating the kernel ELF and placing its segments in memory.
#pragma once

#include <libk/elf.hpp>

#include "files.hpp"

namespace loader {

struct LoadedKernel {
  libk::elf::LoadPlan plan;
  u64 physical_base;  // where plan.image_begin landed; the image is contiguous
  u64 size;           // plan.image_end - plan.image_begin

  u64 physical_of(u64 virt) const { return physical_base + (virt - plan.image_begin); }
};

// Validates `file` as an Ember kernel (libk::elf::validate_kernel), allocates one
// contiguous run of EfiLoaderData pages for the whole image, copies each segment's file
// bytes and leaves the rest (BSS, gaps) zero.
Expected<LoadedKernel> load_kernel(const FileData& file, const Path& path);

}  // namespace loader
