// Validating the kernel ELF, placing its segments in memory and relocating it.
#pragma once

#include <boot/boot_info.hpp>
#include <libk/elf.hpp>

#include "files.hpp"

namespace loader {

// Where the kernel runs: `slide` bytes from its link address, chosen with randomness from
// `source` (None: at the link address, nokaslr).
struct Placement {
  u64 slide;
  boot::EntropySource source;
};

struct LoadedKernel {
  libk::elf::LoadPlan plan;  // link addresses
  u64 physical_base;         // where plan.image_begin landed; the image is contiguous
  u64 size;                  // plan.span()
  u64 slide;                 // run address - link address (0 at the link address)
  boot::EntropySource placed_by;

  u64 virtual_base() const { return plan.image_begin + slide; }
  u64 entry() const { return plan.entry + slide; }
  u64 physical_of_link(u64 link_address) const {
    return physical_base + (link_address - plan.image_begin);
  }
};

// Validates `file` as an Ember kernel (libk::elf::validate_kernel) and returns its plan.
Expected<libk::elf::LoadPlan> validate_kernel(const FileData& file, const Path& path);

// KASLR: a random place in the kernel image window (boot/kaslr.hpp) from `random`, which came
// from `source`; the link address when the command line says `nokaslr`.
Placement choose_placement(libk::StringView cmdline, const libk::elf::LoadPlan& plan, u64 random,
                           boot::EntropySource source);

// Allocates one contiguous run of EfiLoaderData pages for the whole image, copies each
// segment's file bytes, leaves the rest (BSS, gaps) zero, and applies the relocations for
// the placement.
Expected<LoadedKernel> load_kernel(const FileData& file, const libk::elf::LoadPlan& plan,
                                   Placement placement);

}  // namespace loader
