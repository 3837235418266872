// libFuzzer harness for MemoryMapBuilder. Input layout:
//   byte 0        descriptor size: 40 + byte % 25 (40..64; UEFI only promises >= 40)
//   byte 1        number of set_range overlays (0..3), each then taking 9 bytes:
//                 u32 first page, u32 page count, u8 type
//   the rest      the raw UEFI memory map
// Whenever building succeeds the map must pass check_memory_map; running out of storage
// (MapError::Full) is a legitimate outcome with the deliberately small storage.
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <vector>

#include <boot/memory_map.hpp>

namespace {

constexpr usize kOverlayBytes = 9;

void require(bool ok) {
  if (!ok) __builtin_trap();
}

struct Overlay {
  u64 base;
  u64 length;
  boot::MemoryType type;
};

Overlay read_overlay(const u8* p) {
  u32 first = 0, count = 0;
  memcpy(&first, p, 4);
  memcpy(&count, p + 4, 4);
  // Callers of set_range pass page-aligned ranges that do not wrap (see loader/handoff.cpp).
  return {u64(first) * libk::kPageSize, u64(count) * libk::kPageSize,
          boot::MemoryType(1 + p[8] % 12)};
}

bool succeeded(const libk::Result<void, boot::MapError>& r) {
  if (r.ok()) return true;
  require(r.error() == boot::MapError::Full);
  return false;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 2) return 0;
  usize stride = 40 + data[0] % 25;
  usize overlays = data[1] % 4;
  usize header = 2 + overlays * kOverlayBytes;
  if (size < header) return 0;

  std::vector<u8> raw(data + header, data + size);
  boot::MemoryRange storage[32];
  boot::MemoryMapBuilder builder(storage);
  if (!succeeded(builder.add_uefi_map({raw.data(), raw.size()}, stride))) return 0;
  require(check_memory_map(builder.ranges()) == nullptr);
  require(builder.skipped() <= raw.size() / stride);

  for (usize i = 0; i < overlays; ++i) {
    Overlay o = read_overlay(data + 2 + i * kOverlayBytes);
    if (!succeeded(builder.set_range(o.base, o.length, o.type))) return 0;
    require(check_memory_map(builder.ranges()) == nullptr);
  }
  return 0;
}
