#include <libk/fpu_area.hpp>

namespace libk::fpu {

u64 choose_xcr0(u64 supported) {
  u64 xcr0 = kX87 | kSse;
  if ((supported & kAvx) == 0) return xcr0;
  xcr0 |= kAvx;
  if ((supported & kAvx512) == kAvx512) xcr0 |= kAvx512;
  return xcr0;
}

u32 xsave_area_size(u64 xcr0, Span<const Component> components) {
  constexpr u64 kMaxArea = 64 * 1024;
  u64 size = kLegacySize + kXsaveHeaderSize;
  for (u32 i = 2; i < 64; ++i) {
    if ((xcr0 >> i & 1) == 0) continue;
    if (i >= components.size()) return 0;
    const Component& c = components[i];
    u64 end = u64(c.offset) + c.size;
    if (c.offset < kLegacySize + kXsaveHeaderSize || c.size == 0 || end > kMaxArea) return 0;
    if (end > size) size = end;
  }
  return u32(size);
}

void write_clean_state(Span<u8> area) {
  for (u8& b : area) b = 0;
  if (area.size() < kLegacySize) return;
  area[kFcwOffset] = u8(kDefaultFcw);
  area[kFcwOffset + 1] = u8(kDefaultFcw >> 8);
  for (u32 i = 0; i < 4; ++i) area[kMxcsrOffset + i] = u8(kDefaultMxcsr >> (8 * i));
}

}  // namespace libk::fpu
