#include "boot_summary.hpp"

#include <boot/memory_map.hpp>
#include <hal/cpu.hpp>

#include "boot.hpp"
#include "image.hpp"
#include "log.hpp"
#include "time.hpp"

namespace kernel {

namespace {

using boot::MemoryType;
using libk::ByteSize;

libk::StringView pixel_format_name(boot::PixelFormat f) {
  switch (f) {
    case boot::PixelFormat::None: return "none";
    case boot::PixelFormat::Rgbx: return "RGBX";
    case boot::PixelFormat::Bgrx: return "BGRX";
    case boot::PixelFormat::Bitmask: return "bitmask";
  }
  return "?";
}

// KASLR: where the loader put the image, relative to its link address, and why.
void log_placement(const boot::BootInfo& info) {
  if (info.kaslr_source == boot::EntropySource::None) {
    log::info("kaslr: off (nokaslr): the kernel runs at its link address {:#x}",
              info.kernel_link_base);
    return;
  }
  log::info("kaslr: base {:#x}, slide {:#x} from the link address {:#x}, entropy from {}",
            image::base(), image::slide(), info.kernel_link_base,
            boot::entropy_source_name(info.kaslr_source));
}

// The chain of trust (docs/secure-boot.md): the firmware checked the loader's signature if
// Secure Boot is on; the loader checked these files against the digests in its image.
void log_secure_boot(const boot::BootInfo& info) {
  log::info("secure boot: {}", boot::secure_boot_state_name(info.secure_boot));
  const u32 v = info.verified_files;
  if (v == 0) {
    log::info("secure boot: the loader verified nothing (its image carries no digests)");
    return;
  }
  log::info("secure boot: the loader verified{}{} against the SHA-256 digests in its image",
            v & boot::kVerifiedKernel ? " the kernel" : "",
            v & boot::kVerifiedConfig
                ? (v & boot::kVerifiedKernel ? " and ember.conf" : " ember.conf")
                : "");
}

void log_memory() {
  auto map = boot_info::memory_map();
  u64 ram = boot::total_bytes(map, boot::is_ram);
  auto of = [&](MemoryType t) {
    return ByteSize{boot::total_bytes(map, [t](MemoryType x) { return x == t; })};
  };
  log::info("memory: {} bytes of RAM ({}) in {} ranges", ram, ByteSize{ram}, map.size());
  log::info(
      "memory: usable {}, boot-services {}, loader {}, kernel {}, acpi {}+{} nvs, "
      "runtime {}, reserved {}",
      of(MemoryType::Usable), of(MemoryType::BootServices), of(MemoryType::LoaderReclaimable),
      of(MemoryType::KernelImage), of(MemoryType::AcpiReclaimable), of(MemoryType::AcpiNvs),
      of(MemoryType::FirmwareRuntime), of(MemoryType::Reserved));
  if (boot_info::get().memory_map_skipped)
    log::warn("memory: {} firmware descriptors were invalid and skipped",
              boot_info::get().memory_map_skipped);
  for (const boot::MemoryRange& r : map)
    log::debug("  {:#018x}-{:#018x} {}", r.base, r.end() - 1, boot::memory_type_name(r.type));
}

void log_framebuffer(const boot::Framebuffer& fb) {
  if (fb.format == boot::PixelFormat::None) {
    log::info("framebuffer: none (serial console only)");
    return;
  }
  log::info("framebuffer: {}x{}, {} bpp, pitch {}, {} at {:#x} ({})", fb.width, fb.height,
            fb.bits_per_pixel, fb.pitch, pixel_format_name(fb.format), fb.base, ByteSize{fb.size});
}

}  // namespace

void log_boot_summary() {
  const boot::BootInfo& info = boot_info::get();
  log::info("boot: BootInfo v{} ({} bytes), firmware {} rev {:#x}", info.version, info.size,
            libk::StringView(info.firmware_vendor), info.firmware_revision);
  log_memory();
  log_framebuffer(info.framebuffer);
  if (info.rsdp)
    log::info("acpi: RSDP at {:#x} (revision {})", info.rsdp, info.acpi_revision);
  else
    log::warn("acpi: no RSDP");
  if (info.smbios_entry)
    log::info("smbios: {}.x entry point at {:#x}", info.smbios_major, info.smbios_entry);
  log::info("kernel: {:#x} -> phys {:#x}, {}; file {} at {:#x}", info.kernel_virtual_base,
            info.kernel_physical_base, ByteSize{info.kernel_size}, ByteSize{info.kernel_file_size},
            info.kernel_file);
  log_placement(info);
  log_secure_boot(info);
  log::info("cmdline: \"{}\"", boot_info::cmdline());
}

void log_loader_timings() {
  const boot::Timestamps& t = boot_info::get().timestamps;
  auto us = [&](u64 tsc) { return time::tsc_to_ns(tsc - t.loader_entry) / time::kNsPerUs; };
  log::info(
      "loader: kernel read after {} us, boot services exited after {} us, kernel entered "
      "after {} us; now {} us since loader entry",
      us(t.kernel_read), us(t.exit_boot_services), us(t.kernel_jump), us(hal::cpu::rdtsc()));
  const boot::BootInfo& info = boot_info::get();
  if (info.verified_files != 0)
    log::info("loader: SHA-256 of the verified files took {} us",
              time::tsc_to_ns(info.verify_cycles) / time::kNsPerUs);
}

}  // namespace kernel
