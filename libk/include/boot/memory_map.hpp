// Builds the kernel's compact memory map (boot::MemoryRange) from the firmware's UEFI map.
// Pure logic with no allocation: it runs in the loader between GetMemoryMap and
// ExitBootServices, where allocating would change the map. Host-tested.
#pragma once

#include <boot/boot_info.hpp>
#include <libk/format.hpp>
#include <libk/result.hpp>
#include <libk/span.hpp>

namespace boot {

// UEFI 2.10 §7.2.3 EFI_MEMORY_DESCRIPTOR. Firmware may use a larger stride
// (DescriptorSize); walk with that, never with sizeof.
struct UefiMemoryDescriptor {
  u32 type;
  u32 pad;
  u64 physical_start;
  u64 virtual_start;
  u64 number_of_pages;
  u64 attribute;
};
static_assert(sizeof(UefiMemoryDescriptor) == 40);

// UEFI 2.10 Table 7-5 memory types.
enum UefiMemoryType : u32 {
  kEfiReservedMemoryType = 0,
  kEfiLoaderCode = 1,
  kEfiLoaderData = 2,
  kEfiBootServicesCode = 3,
  kEfiBootServicesData = 4,
  kEfiRuntimeServicesCode = 5,
  kEfiRuntimeServicesData = 6,
  kEfiConventionalMemory = 7,
  kEfiUnusableMemory = 8,
  kEfiACPIReclaimMemory = 9,
  kEfiACPIMemoryNVS = 10,
  kEfiMemoryMappedIO = 11,
  kEfiMemoryMappedIOPortSpace = 12,
  kEfiPalCode = 13,
  kEfiPersistentMemory = 14,
  kEfiUnacceptedMemoryType = 15,
};

// UEFI 2.10 §7.2.3 memory attribute: the range supports write-back caching (RAM does).
inline constexpr u64 kEfiMemoryWriteBack = 0x8;

// The kernel's type for a firmware descriptor. Reserved ranges that cannot be cached
// write-back are device memory (e.g. the PCIe ECAM window OVMF reports as reserved), not RAM.
MemoryType classify_uefi(u32 uefi_type, u64 attribute);

enum class MapError : u8 { Full, BadDescriptorSize };

// A map under construction in caller-provided storage: sorted by base, disjoint, with
// adjacent ranges of one type merged.
class MemoryMapBuilder {
 public:
  explicit MemoryMapBuilder(libk::Span<MemoryRange> storage) : storage_(storage) {}

  // Adds every descriptor of a raw UEFI map. Where firmware ranges overlap, the more
  // restrictive type wins (Usable loses to everything). Descriptors whose range overflows
  // are skipped and counted.
  libk::Result<void, MapError> add_uefi_map(libk::Bytes map, usize descriptor_size);

  // Sets [base, base + length) to `type`, replacing whatever was there (used for the
  // kernel image and the framebuffer). Fails with Full, leaving the map unchanged, unless
  // there is room for two more ranges.
  libk::Result<void, MapError> set_range(u64 base, u64 length, MemoryType type);

  libk::Span<const MemoryRange> ranges() const { return {storage_.data(), count_}; }
  usize count() const { return count_; }
  u32 skipped() const { return skipped_; }
  void clear() { count_ = 0, skipped_ = 0; }

 private:
  libk::Result<void, MapError> insert_at(usize index, const MemoryRange& r);
  void erase(usize index, usize n);
  void merge_around(usize index);
  i64 growth(u64 base, u64 end) const;

  libk::Span<MemoryRange> storage_;
  usize count_ = 0;
  u32 skipped_ = 0;
};

libk::StringView memory_type_name(MemoryType t);

// Checks the invariants the kernel relies on: sorted, disjoint, page-aligned, non-empty
// ranges of known types, adjacent ranges of one type merged. Returns nullptr if they hold,
// else what is wrong.
const char* check_memory_map(libk::Span<const MemoryRange> map);

// Sum of the lengths of ranges whose type satisfies `pred`.
template <typename Pred>
u64 total_bytes(libk::Span<const MemoryRange> map, Pred pred) {
  u64 sum = 0;
  for (const MemoryRange& r : map)
    if (pred(r.type)) sum += r.length;
  return sum;
}

}  // namespace boot
