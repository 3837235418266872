#include <libk/utility.hpp>
#include <libk/vector_allocator.hpp>

namespace libk::irq {

bool VectorAllocator::is_allocated(u8 v) const { return (used_[v / 64] >> (v % 64)) & 1; }

bool VectorAllocator::all_free(u16 first, u16 count) const {
  for (u16 v = first; v < first + count; ++v)
    if (is_allocated(u8(v))) return false;
  return true;
}

void VectorAllocator::set(u16 first, u16 count, bool used) {
  for (u16 v = first; v < first + count; ++v) {
    u64 bit = u64{1} << (v % 64);
    used_[v / 64] = used ? used_[v / 64] | bit : used_[v / 64] & ~bit;
  }
}

Optional<u8> VectorAllocator::allocate(u8 count) {
  if (count == 0 || count > 32 || !is_power_of_two(count)) return nullopt;
  for (u16 v = u16(align_up(first_, count)); v + count <= end_; v += count) {
    if (all_free(v, count)) {
      set(v, count, true);
      return u8(v);
    }
  }
  return nullopt;
}

bool VectorAllocator::free(u8 first, u8 count) {
  if (count == 0 || first < first_ || u16(first) + count > end_) return false;
  for (u16 v = first; v < first + count; ++v)
    if (!is_allocated(u8(v))) return false;
  set(first, count, false);
  return true;
}

u32 VectorAllocator::free_count() const {
  u32 n = 0;
  for (u16 v = first_; v < end_; ++v) n += is_allocated(u8(v)) ? 0 : 1;
  return n;
}

}  // namespace libk::irq
