#include <boot/early_allocator.hpp>
#include <libk/utility.hpp>

namespace boot {

bool EarlyAllocator::init(libk::Span<const MemoryRange> map) {
  const MemoryRange* best = nullptr;
  for (const MemoryRange& r : map)
    if (r.type == MemoryType::Usable && (!best || r.length > best->length)) best = &r;
  arena_base_ = 0;
  used_ = {0, 0};
  if (!best) return false;
  u64 base = libk::align_up(best->base, libk::kPageSize);
  u64 end = libk::align_down(best->end(), libk::kPageSize);
  if (end <= base) return false;
  arena_base_ = base;
  used_ = {end, 0};
  return true;
}

libk::Optional<u64> EarlyAllocator::allocate(u64 bytes, u64 align) {
  if (bytes == 0 || !libk::is_power_of_two(align) || align < libk::kPageSize) return libk::nullopt;
  u64 size = 0;
  u64 top = used_.base;
  if (!libk::checked_align_up(bytes, libk::kPageSize, size) || size > top - arena_base_)
    return libk::nullopt;
  u64 base = libk::align_down(top - size, align);
  if (base < arena_base_) return libk::nullopt;
  used_.length += top - base;
  used_.base = base;
  return base;
}

}  // namespace boot
