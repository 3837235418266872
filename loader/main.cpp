// ember-loader: the UEFI application that boots the Ember kernel.
//
// Boot sequence (each step may fail with a specific message; see docs/boot-protocol.md):
//   1. read \boot\ember.conf (optional) and the kernel ELF from the boot volume
//   2. validate the ELF and load its segments; read the initrd (a boot module)
//   3. choose a display mode; find the ACPI RSDP and SMBIOS entry point
//   4. build the kernel's initial page tables and the BootInfo block
//   5. ExitBootServices, then jump to the kernel on its boot stack
#include <boot/boot_info.hpp>
#include <hal/cpu.hpp>
#include <hal/cpu_info.hpp>
#include <hal/registers.hpp>
#include <libk/utf8.hpp>

#include "config.hpp"
#include "entropy.hpp"
#include "files.hpp"
#include "firmware_tables.hpp"
#include "handoff.hpp"
#include "kernel_image.hpp"
#include "loader.hpp"
#include "modules.hpp"
#include "page_tables.hpp"
#include "stack_protector.hpp"
#include "verify.hpp"
#include "video.hpp"

namespace loader {

constinit Firmware firmware{};

namespace {

constexpr u64 kMaxKernelFile = 512 * libk::MiB;
constinit EFI_GUID kLoadedImageGuid = EFI_LOADED_IMAGE_PROTOCOL_GUID;

// Checks the CPU state the kernel's page tables depend on, before anything is committed.
Expected<void> check_cpu(const hal::CpuInfo& cpu) {
  if (!cpu.nx)
    return fail(EFI_UNSUPPORTED,
                "this CPU has no NX (execute-disable) bit; Ember needs it for W^X");
  if (hal::Cr4::read().la57())
    return fail(EFI_UNSUPPORTED,
                "firmware runs with 5-level paging, which Ember does not support yet");
  return {};
}

void copy_firmware_vendor(boot::BootInfo& info) {
  const CHAR16* vendor = firmware.system->FirmwareVendor;
  usize out = 0;
  for (usize i = 0; vendor && vendor[i] && out + 4 < sizeof(info.firmware_vendor); ++i)
    out += libk::encode_utf8(vendor[i], info.firmware_vendor + out);
  info.firmware_vendor[out] = '\0';
  info.firmware_revision = firmware.system->FirmwareRevision;
}

void fill_boot_info(const HandoffBlock& block, const Config& config, const LoadedKernel& kernel,
                    const FileData& kernel_file, const boot::Framebuffer& fb,
                    const FirmwareTables& tables, const AddressSpace& space,
                    const Verifier& verifier) {
  boot::BootInfo& info = *block.info;
  info.magic = boot::kMagic;
  info.version = boot::kVersion;
  info.size = sizeof(boot::BootInfo);
  info.direct_map_base = boot::kDirectMapBase;
  info.direct_map_size = space.direct_map_size;
  info.framebuffer = fb;
  info.rsdp = tables.rsdp;
  info.acpi_revision = tables.acpi_revision;
  info.smbios_entry = tables.smbios;
  info.smbios_major = tables.smbios_major;
  info.kernel_physical_base = kernel.physical_base;
  info.kernel_virtual_base = kernel.virtual_base();
  info.kernel_size = kernel.size;
  info.kernel_link_base = kernel.plan.image_begin;
  info.kaslr_source = kernel.placed_by;
  info.kernel_file = kernel_file.address;
  info.kernel_file_size = kernel_file.size;
  __builtin_memcpy(block.cmdline, config.cmdline, config.cmdline_length + 1);
  info.cmdline = reinterpret_cast<u64>(block.cmdline);
  info.cmdline_length = config.cmdline_length;
  info.boot_stack_top = boot::kBootStackTop;
  info.boot_stack_size = boot::kBootStackSize;
  info.secure_boot = verifier.state;
  info.verified_files = verifier.verified_files;
  info.verify_cycles = verifier.hash_cycles;
  copy_firmware_vendor(info);
  // Below 640 KiB: a start-up IPI can name only pages there (docs/smp.md). The kernel looks
  // in the memory map itself if this fails.
  constexpr u64 kTrampolineLimit = 0xA'0000;
  info.ap_trampoline = allocate_page_below(kTrampolineLimit);
}

void record_loader_image(boot::BootInfo& info) {
  EFI_LOADED_IMAGE* image = nullptr;
  if (EFI_ERROR(firmware.boot->HandleProtocol(firmware.image, &kLoadedImageGuid,
                                              reinterpret_cast<void**>(&image))))
    return;
  info.loader_image_base = reinterpret_cast<u64>(image->ImageBase);
  info.loader_image_size = image->ImageSize;
  print("{}: loaded at {:#x} ({} bytes)\n", kName, info.loader_image_base, info.loader_image_size);
}

Expected<void> boot(u64 entry_tsc, const hal::CpuInfo& cpu, const Entropy& entropy) {
  TRY(check_cpu(cpu));
  Verifier verifier = TRY(start_verifying());
  EFI_FILE_PROTOCOL* root = TRY(open_boot_volume());
  static Config config;
  TRY(load_config(root, config, verifier));
  FileData kernel_file = TRY(read_file(root, config.kernel, kMaxKernelFile));
  u64 read_tsc = hal::cpu::rdtsc();
  TRY(verify_file(verifier, boot::digests::Role::Kernel, config.kernel,
                  libk::Bytes(kernel_file.bytes(), kernel_file.size)));
  libk::elf::LoadPlan plan = TRY(validate_kernel(kernel_file, config.kernel));
  print("{}: {}: {} bytes, {} segments, {} relocations\n", kName, config.kernel.display,
        kernel_file.size, plan.segment_count, plan.relocation_count);
  Placement placement = choose_placement({config.cmdline, config.cmdline_length}, plan,
                                         entropy.words[0], entropy.source);
  LoadedKernel kernel = TRY(load_kernel(kernel_file, plan, placement));
  static Modules modules;
  TRY(load_modules(root, verifier, modules));
  boot::Framebuffer fb = setup_video(config);
  FirmwareTables tables = find_firmware_tables();
  u64 highest = TRY(highest_physical_address());
  if (fb.format != boot::PixelFormat::None) highest = libk::max(highest, fb.base + fb.size);
  AddressSpace space = TRY(build_address_space(kernel, highest, cpu));
  HandoffBlock block = TRY(allocate_handoff_block());
  fill_boot_info(block, config, kernel, kernel_file, fb, tables, space, verifier);
  record_loader_image(*block.info);
  TRY(record_modules(modules, *block.info));
  block.info->timestamps.loader_entry = entry_tsc;
  block.info->timestamps.kernel_read = read_tsc;
  block.info->entropy = entropy.words[1];
  print("{}: starting the kernel\n", kName);
  TRY(exit_boot_services(block, kernel, fb));
  block.info->timestamps.exit_boot_services = hal::cpu::rdtsc();
  enter_kernel(space, kernel, block);
}

}  // namespace

void report_cannot_boot() {
  constexpr u64 kFailureDelayMicroseconds = 5'000'000;
  print("{}: cannot boot; returning to the firmware in {} seconds\n", kName,
        kFailureDelayMicroseconds / 1'000'000);
  firmware.boot->Stall(kFailureDelayMicroseconds);
}

}  // namespace loader

// No stack cookie of its own: the cookie changes while it runs.
extern "C" [[clang::no_stack_protector]] EFI_STATUS efi_main(EFI_HANDLE image,
                                                             EFI_SYSTEM_TABLE* system) {
  u64 entry_tsc = hal::cpu::rdtsc();
  loader::firmware = {image, system, system->BootServices, false};
  system->BootServices->SetWatchdogTimer(0, 0, 0, nullptr);  // else a reset after 5 minutes
  loader::print("{} {}\n", loader::kName, EMBER_VERSION);
  const hal::CpuInfo cpu = hal::CpuInfo::decode(hal::CpuidSnapshot::read());  // CPUID, once
  // KASLR's base, the kernel's canary and the loader's own cookie from one draw.
  const loader::Entropy entropy = loader::gather_entropy(cpu);
  loader::set_stack_cookie(entropy.words[2]);
  auto result = loader::boot(entry_tsc, cpu, entropy);
  // Only failures come back here.
  loader::print("{}: {}\n", loader::kName, result.error().text);
  loader::report_cannot_boot();
  return result.error().status;
}
