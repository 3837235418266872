#include "kernel_image.hpp"

namespace loader {

Expected<LoadedKernel> load_kernel(const FileData& file, const Path& path) {
  auto plan = libk::elf::validate_kernel(libk::Bytes(file.bytes(), file.size));
  if (!plan) return fail(EFI_LOAD_ERROR, "{}: {}", path.display, plan.error());
  LoadedKernel kernel{plan.value(), 0, plan.value().image_end - plan.value().image_begin};
  kernel.physical_base = TRY(allocate_pages(kernel.size, "kernel image"));  // zero-filled
  for (const libk::elf::Segment& s : kernel.plan.loadable()) {
    auto* dest = reinterpret_cast<u8*>(kernel.physical_of(s.vaddr));
    __builtin_memcpy(dest, file.bytes() + s.offset, s.filesz);
  }
  return kernel;
}

}  // namespace loader
