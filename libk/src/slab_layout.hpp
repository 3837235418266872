// The slab header (private to slab.cpp and slab_check.cpp).
#pragma once

#include <libk/slab.hpp>

namespace libk {

namespace slab_layout {
inline constexpr u64 kSlabMagic = 0x5ab5'0f0e'3be7'2c41ull;  // XORed with the slab's address
enum SlabList : u32 { kCurrent, kPartial, kFull, kEmpty };
}  // namespace slab_layout

struct SlabCache::Slab {
  u64 magic;
  SlabCache* cache;
  Slab* next;
  Slab* prev;
  u8* free;  // first free slot; each free slot holds the next one's address
  u32 in_use;
  u32 list;  // slab_layout::SlabList
  // Debug mode: one allocation bit per slot follows the header.

  bool valid() const { return magic == (slab_layout::kSlabMagic ^ u64(uptr(this))); }
  u64* allocated() { return reinterpret_cast<u64*>(this + 1); }
  const u64* allocated() const { return reinterpret_cast<const u64*>(this + 1); }
};
static_assert(sizeof(SlabCache::Slab) % 8 == 0);

}  // namespace libk
