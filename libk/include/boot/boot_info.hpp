// The Ember boot protocol: what the loader hands the kernel. See docs/boot-protocol.md.
//
// Plain data, identical in the loader (PE, MS ABI) and the kernel (ELF, SysV ABI): fixed-width
// fields only, explicit padding, no pointers (addresses are physical u64s unless a field says
// otherwise), and the layout is pinned by static_asserts. Compatible changes append fields and
// bump kVersion; the kernel accepts any version >= the one it needs and reads `size` bytes.
#pragma once

#include <boot/address_space.hpp>
#include <libk/types.hpp>

namespace boot {

inline constexpr u64 kMagic = 0x544f4f4252424d45ull;  // "EMBRBOOT" in memory order
inline constexpr u32 kVersion = 3;                    // 2: Secure Boot, KASLR; 3: ap_trampoline

// What the loader maps besides the kernel (boot/address_space.hpp, docs/boot-protocol.md).
inline constexpr u64 kDirectMapBase = layout::kDirectMap.base;  // virt = phys + this
inline constexpr u64 kBootStackTop = layout::kBootStackTop;
inline constexpr u64 kBootStackSize = layout::kBootStackSize;  // with an unmapped guard page below

enum class MemoryType : u32 {
  Usable = 1,             // free RAM
  BootServices = 2,       // firmware boot-services code/data: free once the kernel runs
  LoaderReclaimable = 3,  // loader, BootInfo, boot page tables/stack, kernel file: free after copy
  KernelImage = 4,        // the loaded kernel segments
  AcpiReclaimable = 5,    // ACPI tables: free after parsing
  AcpiNvs = 6,            // firmware's ACPI NVS: keep forever
  FirmwareRuntime = 7,    // UEFI runtime services code/data: keep
  Reserved = 8,           // reserved or unknown: never touch
  Mmio = 9,               // memory-mapped I/O
  Framebuffer = 10,       // the GOP framebuffer
  Bad = 11,               // firmware-reported unusable RAM
  Persistent = 12,        // persistent memory (NVDIMM)
};

// True for types that are RAM (as opposed to device memory or holes).
constexpr bool is_ram(MemoryType t) {
  return t != MemoryType::Mmio && t != MemoryType::Framebuffer;
}

struct MemoryRange {
  u64 base;
  u64 length;
  MemoryType type;
  u32 reserved0;

  u64 end() const { return base + length; }
};
static_assert(sizeof(MemoryRange) == 24);

enum class PixelFormat : u32 {
  None = 0,     // no linear framebuffer (no GOP, or BltOnly)
  Rgbx = 1,     // byte 0 red, 1 green, 2 blue, 3 reserved
  Bgrx = 2,     // byte 0 blue, 1 green, 2 red, 3 reserved
  Bitmask = 3,  // channel positions given by the masks
};

struct Framebuffer {
  u64 base;  // physical
  u64 size;  // bytes
  u32 width;
  u32 height;
  u32 pitch;  // bytes per scanline, >= width * bytes_per_pixel
  u32 bits_per_pixel;
  PixelFormat format;
  u32 red_mask;
  u32 green_mask;
  u32 blue_mask;
  u32 reserved_mask;
  u32 reserved0;
};
static_assert(sizeof(Framebuffer) == 56);

// Time-stamp counter readings taken by the loader (cycles; the kernel calibrates the TSC).
struct Timestamps {
  u64 loader_entry;
  u64 kernel_read;         // after the kernel file was read from the ESP
  u64 exit_boot_services;  // just after ExitBootServices succeeded
  u64 kernel_jump;         // just before the jump to the kernel entry
};
static_assert(sizeof(Timestamps) == 32);

struct Module {
  u64 base;  // physical
  u64 size;
  char name[48];  // UTF-8, NUL-terminated
};
static_assert(sizeof(Module) == 64);

// Where the loader's random numbers came from (KASLR's base, the stack canary).
enum class EntropySource : u32 {
  None = 0,    // nokaslr: the kernel runs at its link address (the canary still gets entropy)
  EfiRng = 1,  // EFI_RNG_PROTOCOL (UEFI spec §37.5)
  Rdrand = 2,  // the CPU's RDRAND instruction
  Tsc = 3,     // time-stamp counter jitter, hashed: weak, the last resort
};

constexpr const char* entropy_source_name(EntropySource s) {
  switch (s) {
    case EntropySource::None: return "none";
    case EntropySource::EfiRng: return "EFI_RNG_PROTOCOL";
    case EntropySource::Rdrand: return "RDRAND";
    case EntropySource::Tsc: return "TSC";
  }
  return "unknown";
}

// The firmware's SecureBoot and SetupMode variables (UEFI spec §3.3, "Globally Defined
// Variables") as the loader read them.
enum class SecureBootState : u32 {
  Unsupported = 0,  // no SecureBoot variable: firmware without Secure Boot
  Off = 1,          // SecureBoot = 0, keys enrolled (user mode) but checks disabled
  On = 2,           // SecureBoot = 1: the firmware verified the loader's signature
  SetupMode = 3,    // SetupMode = 1: no platform key enrolled, nothing is verified
};

constexpr const char* secure_boot_state_name(SecureBootState s) {
  switch (s) {
    case SecureBootState::Unsupported: return "unsupported by the firmware";
    case SecureBootState::Off: return "off";
    case SecureBootState::On: return "on";
    case SecureBootState::SetupMode: return "off (setup mode: no platform key enrolled)";
  }
  return "unknown";
}

// Files the loader checked against the SHA-256 digests embedded in its signed image
// (docs/secure-boot.md); BootInfo::verified_files holds these bits.
inline constexpr u32 kVerifiedKernel = 1u << 0;
inline constexpr u32 kVerifiedConfig = 1u << 1;
inline constexpr u32 kVerifiedModules = 1u << 2;  // every boot module (the initrd)

struct BootInfo {
  u64 magic;
  u32 version;
  u32 size;  // sizeof(BootInfo) as built by the loader

  u64 direct_map_base;  // = kDirectMapBase
  u64 direct_map_size;  // bytes of physical address space mapped there

  u64 memory_map;  // physical address of MemoryRange[memory_map_count], sorted, disjoint
  u32 memory_map_count;
  u32 memory_map_skipped;  // firmware descriptors dropped as invalid (overflowing ranges)

  Framebuffer framebuffer;

  u64 rsdp;  // physical address of the ACPI RSDP (0 if none); checksum verified by the loader
  u32 acpi_revision;  // RSDP revision: 0 = ACPI 1.0 (RSDT), 2 = ACPI 2.0+ (XSDT)
  u32 smbios_major;   // 2 or 3, or 0 if there is no SMBIOS entry point
  u64 smbios_entry;   // physical address of the SMBIOS entry point

  u64 kernel_physical_base;
  u64 kernel_virtual_base;
  u64 kernel_size;  // bytes from the bases above (page-aligned span of all segments)

  u64 kernel_file;  // physical address of the kernel ELF file as read from the ESP
  u64 kernel_file_size;

  u64 cmdline;  // physical address of a NUL-terminated UTF-8 string
  u32 cmdline_length;
  u32 module_count;
  u64 modules;  // physical address of Module[module_count]

  u64 boot_stack_top;  // virtual; the stack the kernel was entered on
  u64 boot_stack_size;
  u64 loader_image_base;  // physical, for debuggers
  u64 loader_image_size;

  Timestamps timestamps;

  u32 firmware_revision;
  u32 reserved0;
  char firmware_vendor[64];  // UTF-8, NUL-terminated

  // Version 2: Secure Boot and KASLR.
  u64 kernel_link_base;        // the image's link address; kernel_virtual_base - this = the slide
  EntropySource kaslr_source;  // what chose kernel_virtual_base (None: nokaslr)
  SecureBootState secure_boot;
  u32 verified_files;  // kVerified* bits
  u32 reserved1;
  u64 entropy;        // 64 random bits from kaslr's source (or the best one left): the stack canary
  u64 verify_cycles;  // TSC cycles the loader spent hashing the files it verified

  // Version 3.
  // A page below 640 KiB the loader reserved for the kernel's application-processor
  // trampoline (a start-up IPI starts a CPU in real mode at such a page); 0 if it could not.
  u64 ap_trampoline;
};

static_assert(__builtin_offsetof(BootInfo, memory_map) == 32);
static_assert(__builtin_offsetof(BootInfo, framebuffer) == 48);
static_assert(__builtin_offsetof(BootInfo, rsdp) == 104);
static_assert(__builtin_offsetof(BootInfo, kernel_physical_base) == 128);
static_assert(__builtin_offsetof(BootInfo, cmdline) == 168);
static_assert(__builtin_offsetof(BootInfo, boot_stack_top) == 192);
static_assert(__builtin_offsetof(BootInfo, timestamps) == 224);
static_assert(__builtin_offsetof(BootInfo, firmware_vendor) == 264);
static_assert(__builtin_offsetof(BootInfo, kernel_link_base) == 328);
static_assert(__builtin_offsetof(BootInfo, secure_boot) == 340);
static_assert(__builtin_offsetof(BootInfo, entropy) == 352);
static_assert(__builtin_offsetof(BootInfo, ap_trampoline) == 368);
static_assert(sizeof(BootInfo) == 376);

}  // namespace boot
