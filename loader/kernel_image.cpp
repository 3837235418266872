#include "kernel_image.hpp"

#include <boot/kaslr.hpp>
#include <libk/cmdline.hpp>

namespace loader {

Expected<libk::elf::LoadPlan> validate_kernel(const FileData& file, const Path& path) {
  auto plan = libk::elf::validate_kernel(libk::Bytes(file.bytes(), file.size));
  if (!plan) return fail(EFI_LOAD_ERROR, "{}: {}", path.display, plan.error());
  return plan.value();
}

Placement choose_placement(libk::StringView cmdline, const libk::elf::LoadPlan& plan, u64 random,
                           boot::EntropySource source) {
  u64 places = boot::kaslr::place_count(plan.image_begin, plan.span());
  if (libk::CommandLine(cmdline).has("nokaslr")) {
    print("{}: kernel at its link address {:#x} (nokaslr)\n", kName, plan.image_begin);
    return {0, boot::EntropySource::None};
  }
  // validate_kernel put the image inside the window, so its link address is one place.
  u64 slide = boot::kaslr::slide_for(random, plan.image_begin, plan.span());
  print("{}: kernel at {:#x} (KASLR: one of {} places, entropy from {})\n", kName,
        plan.image_begin + slide, places, boot::entropy_source_name(source));
  return {slide, source};
}

Expected<LoadedKernel> load_kernel(const FileData& file, const libk::elf::LoadPlan& plan,
                                   Placement placement) {
  const u64 slide = placement.slide;
  LoadedKernel kernel{plan, 0, plan.span(), slide, placement.source};
  kernel.physical_base = TRY(allocate_pages(kernel.size, "kernel image"));  // zero-filled
  for (const libk::elf::Segment& s : kernel.plan.loadable()) {
    auto* dest = reinterpret_cast<u8*>(kernel.physical_of_link(s.vaddr));
    __builtin_memcpy(dest, file.bytes() + s.offset, s.filesz);
  }
  // Boot-services memory is identity-mapped: the image is written at its physical address.
  libk::MutableBytes image(reinterpret_cast<u8*>(kernel.physical_base), kernel.size);
  libk::elf::apply_relocations(plan, libk::Bytes(file.bytes(), file.size), image, slide);
  return kernel;
}

}  // namespace loader
