#include "kernel_image.hpp"

namespace loader {

Expected<libk::elf::LoadPlan> validate_kernel(const FileData& file, const Path& path) {
  auto plan = libk::elf::validate_kernel(libk::Bytes(file.bytes(), file.size));
  if (!plan) return fail(EFI_LOAD_ERROR, "{}: {}", path.display, plan.error());
  return plan.value();
}

Expected<LoadedKernel> load_kernel(const FileData& file, const libk::elf::LoadPlan& plan,
                                   u64 slide) {
  LoadedKernel kernel{plan, 0, plan.span(), slide};
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
