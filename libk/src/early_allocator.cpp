#include <boot/early_allocator.hpp>
#include <libk/utility.hpp>

namespace boot {

bool EarlyAllocator::init(libk::Span<const MemoryRange> map) {
  const MemoryRange* best = nullptr;
  for (const MemoryRange& r : map)
    if (r.type == MemoryType::Usable && (!best || r.length > best->length)) best = &r;
  if (!best) return false;
  arena_base_ = libk::align_up(best->base, libk::kPageSize);
  top_ = libk::align_down(best->end(), libk::kPageSize);
  if (top_ <= arena_base_) return false;
  count_ = 0;
  return true;
}

libk::Optional<u64> EarlyAllocator::allocate(u64 bytes, u64 align) {
  if (bytes == 0 || !libk::is_power_of_two(align) || align < libk::kPageSize) return libk::nullopt;
  u64 size = 0;
  if (!libk::checked_align_up(bytes, libk::kPageSize, size)) return libk::nullopt;
  if (size > top_ - arena_base_) return libk::nullopt;
  u64 base = libk::align_down(top_ - size, align);
  if (base < arena_base_) return libk::nullopt;
  // Allocations grow down: a new one extends the last range if it ends where that begins.
  if (count_ > 0 && top_ == ranges_[count_ - 1].base) {
    ranges_[count_ - 1].base = base;
    ranges_[count_ - 1].length += top_ - base;
  } else if (count_ == kMaxAllocations) {
    return libk::nullopt;
  } else {
    ranges_[count_++] = {base, top_ - base};  // includes alignment padding above the block
  }
  top_ = base;
  return base;
}

u64 EarlyAllocator::bytes_allocated() const {
  u64 sum = 0;
  for (usize i = 0; i < count_; ++i) sum += ranges_[i].length;
  return sum;
}

}  // namespace boot
