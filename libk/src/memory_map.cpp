#include <boot/memory_map.hpp>

namespace boot {

using libk::Result;
using libk::unexpected;

MemoryType classify_uefi(u32 uefi_type, u64 attribute) {
  switch (uefi_type) {
    case kEfiConventionalMemory: return MemoryType::Usable;
    case kEfiBootServicesCode:
    case kEfiBootServicesData: return MemoryType::BootServices;
    case kEfiLoaderCode:
    case kEfiLoaderData: return MemoryType::LoaderReclaimable;
    case kEfiACPIReclaimMemory: return MemoryType::AcpiReclaimable;
    case kEfiACPIMemoryNVS: return MemoryType::AcpiNvs;
    case kEfiRuntimeServicesCode:
    case kEfiRuntimeServicesData: return MemoryType::FirmwareRuntime;
    case kEfiUnusableMemory: return MemoryType::Bad;
    case kEfiMemoryMappedIO:
    case kEfiMemoryMappedIOPortSpace: return MemoryType::Mmio;
    case kEfiPersistentMemory: return MemoryType::Persistent;
    default:  // reserved, PAL code, unaccepted, OEM/OS ranges
      return attribute & kEfiMemoryWriteBack ? MemoryType::Reserved : MemoryType::Mmio;
  }
}

namespace {

// Where firmware ranges overlap, the higher rank keeps the bytes.
u32 rank(MemoryType t) {
  switch (t) {
    case MemoryType::Usable: return 0;
    case MemoryType::BootServices: return 1;
    case MemoryType::LoaderReclaimable: return 2;
    case MemoryType::AcpiReclaimable: return 3;
    case MemoryType::Persistent: return 4;
    case MemoryType::KernelImage: return 5;
    case MemoryType::Framebuffer: return 6;
    case MemoryType::FirmwareRuntime: return 7;
    case MemoryType::AcpiNvs: return 8;
    case MemoryType::Mmio: return 9;
    case MemoryType::Reserved: return 10;
    case MemoryType::Bad: return 11;
  }
  return 10;
}
constexpr u32 kMaxRank = 11;

bool is_reusable(MemoryType t) {
  return t == MemoryType::Usable || t == MemoryType::BootServices ||
         t == MemoryType::LoaderReclaimable || t == MemoryType::AcpiReclaimable;
}

}  // namespace

Result<void, MapError> MemoryMapBuilder::add_uefi_map(libk::Bytes map, usize descriptor_size) {
  if (descriptor_size < sizeof(UefiMemoryDescriptor))
    return unexpected(MapError::BadDescriptorSize);
  usize count = map.size() / descriptor_size;
  // One pass per rank, lowest first, so that set_range's "last writer wins" becomes
  // "most restrictive wins" for overlapping firmware ranges.
  for (u32 pass = 0; pass <= kMaxRank; ++pass) {
    for (usize i = 0; i < count; ++i) {
      UefiMemoryDescriptor d;
      __builtin_memcpy(&d, map.data() + i * descriptor_size, sizeof(d));
      MemoryType type = classify_uefi(d.type, d.attribute);
      if (rank(type) != pass) continue;
      u64 length = 0, end = 0;
      if (d.number_of_pages == 0) continue;
      if (!libk::checked_mul<u64>(d.number_of_pages, libk::kPageSize, length) ||
          !libk::checked_add(d.physical_start, length, end) ||
          !libk::checked_align_up(end, libk::kPageSize, end)) {
        ++skipped_;
        continue;
      }
      // UEFI requires 4 KiB-aligned starts. If firmware breaks that, memory the kernel may
      // reuse shrinks to whole pages inside the range; anything else grows to cover them.
      u64 base = libk::align_down(d.physical_start, libk::kPageSize);
      if (base != d.physical_start && is_reusable(type)) {
        base += libk::kPageSize;
        end -= libk::kPageSize;
      }
      if (end > base) TRY(set_range(base, end - base, type));
    }
  }
  return {};
}

Result<void, MapError> MemoryMapBuilder::insert_at(usize index, const MemoryRange& r) {
  if (count_ == storage_.size()) return unexpected(MapError::Full);
  for (usize i = count_; i > index; --i) storage_[i] = storage_[i - 1];
  storage_[index] = r;
  ++count_;
  return {};
}

void MemoryMapBuilder::erase(usize index, usize n) {
  for (usize i = index; i + n < count_; ++i) storage_[i] = storage_[i + n];
  count_ -= n;
}

void MemoryMapBuilder::merge_around(usize index) {
  if (index + 1 < count_) {
    MemoryRange& a = storage_[index];
    const MemoryRange& b = storage_[index + 1];
    if (a.type == b.type && a.end() == b.base) {
      a.length += b.length;
      erase(index + 1, 1);
    }
  }
  if (index > 0) {
    MemoryRange& a = storage_[index - 1];
    const MemoryRange& b = storage_[index];
    if (a.type == b.type && a.end() == b.base) {
      a.length += b.length;
      erase(index, 1);
    }
  }
}

// How many entries set_range(base, end) adds before merging: the new range, plus a tail if
// it splits one range in two, minus the ranges it swallows whole.
i64 MemoryMapBuilder::growth(u64 base, u64 end) const {
  i64 delta = 1;
  for (usize i = 0; i < count_; ++i) {
    const MemoryRange& r = storage_[i];
    if (r.base < base && r.end() > end)
      ++delta;
    else if (r.base >= base && r.end() <= end)
      --delta;
  }
  return delta;
}

Result<void, MapError> MemoryMapBuilder::set_range(u64 base, u64 length, MemoryType type) {
  if (length == 0) return {};
  u64 end = base + length;  // callers have checked for overflow
  // Refuse up front, before editing, so that a full map stays intact.
  if (growth(base, end) > i64(storage_.size() - count_)) return unexpected(MapError::Full);
  usize i = 0;
  while (i < count_ && storage_[i].end() <= base) ++i;
  // Range i starts before `base` and reaches into it: keep its head, maybe its tail.
  if (i < count_ && storage_[i].base < base) {
    MemoryRange head = storage_[i];
    head.length = base - head.base;
    if (storage_[i].end() > end) {
      MemoryRange tail = storage_[i];
      tail.base = end;
      tail.length = storage_[i].end() - end;
      storage_[i] = head;
      TRY(insert_at(i + 1, tail));
    } else {
      storage_[i] = head;
    }
    ++i;
  }
  // Drop ranges entirely inside, trim one that sticks out past the end.
  usize j = i;
  while (j < count_ && storage_[j].end() <= end) ++j;
  erase(i, j - i);
  if (i < count_ && storage_[i].base < end) {
    u64 old_end = storage_[i].end();
    storage_[i].base = end;
    storage_[i].length = old_end - end;
  }
  TRY(insert_at(i, MemoryRange{base, length, type, 0}));
  merge_around(i);
  return {};
}

const char* check_memory_map(libk::Span<const MemoryRange> map) {
  for (usize i = 0; i < map.size(); ++i) {
    const MemoryRange& r = map[i];
    if (r.length == 0) return "empty range";
    if (!libk::is_aligned(r.base | r.length, libk::kPageSize)) return "range not page-aligned";
    if (u32(r.type) < u32(MemoryType::Usable) || u32(r.type) > u32(MemoryType::Persistent))
      return "unknown range type";
    if (r.end() < r.base) return "range wraps around";
    if (i == 0) continue;
    const MemoryRange& prev = map[i - 1];
    if (prev.end() > r.base) return "ranges unsorted or overlapping";
    if (prev.end() == r.base && prev.type == r.type)
      return "adjacent ranges of one type not merged";
  }
  return nullptr;
}

libk::StringView memory_type_name(MemoryType t) {
  switch (t) {
    case MemoryType::Usable: return "usable";
    case MemoryType::BootServices: return "boot-services";
    case MemoryType::LoaderReclaimable: return "loader";
    case MemoryType::KernelImage: return "kernel";
    case MemoryType::AcpiReclaimable: return "acpi-reclaim";
    case MemoryType::AcpiNvs: return "acpi-nvs";
    case MemoryType::FirmwareRuntime: return "firmware-runtime";
    case MemoryType::Reserved: return "reserved";
    case MemoryType::Mmio: return "mmio";
    case MemoryType::Framebuffer: return "framebuffer";
    case MemoryType::Bad: return "bad";
    case MemoryType::Persistent: return "persistent";
  }
  return "unknown";
}

}  // namespace boot
