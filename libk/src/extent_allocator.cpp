#include <libk/extent_allocator.hpp>
#include <libk/utility.hpp>

namespace libk {

StringView extent_error_text(ExtentError e) {
  switch (e) {
    case ExtentError::OutOfSpace: return "address space exhausted";
    case ExtentError::TableFull: return "extent table full";
    case ExtentError::BadRange: return "bad range";
    case ExtentError::Overlap: return "range already free (double free)";
  }
  return "extent allocator error";
}

void ExtentAllocator::init(u64 base, u64 size, u64 granule, Span<Extent> storage) {
  storage_ = storage;
  base_ = base;
  size_ = size;
  granule_ = granule;
  count_ = 0;
  free_bytes_ = 0;
  if (size > 0 && insert(0, {base, size})) free_bytes_ = size;
}

bool ExtentAllocator::insert(usize index, Extent e) {
  if (count_ == storage_.size()) return false;
  for (usize i = count_; i > index; --i) storage_[i] = storage_[i - 1];
  storage_[index] = e;
  ++count_;
  return true;
}

void ExtentAllocator::erase(usize index) {
  for (usize i = index; i + 1 < count_; ++i) storage_[i] = storage_[i + 1];
  --count_;
}

Result<u64, ExtentError> ExtentAllocator::allocate(u64 size, u64 align) {
  if (align < granule_) align = granule_;
  if (size == 0 || !is_power_of_two(align) || !checked_align_up(size, granule_, size))
    return unexpected(ExtentError::BadRange);
  for (usize i = 0; i < count_; ++i) {
    Extent e = storage_[i];
    u64 start = 0;
    if (!checked_align_up(e.base, align, start) || start >= e.end() || e.end() - start < size)
      continue;
    u64 end = start + size;
    bool before = start > e.base, after = end < e.end();
    if (before && after) {
      if (!insert(i + 1, {end, e.end() - end})) return unexpected(ExtentError::TableFull);
      storage_[i].size = start - e.base;
    } else if (before) {
      storage_[i].size = start - e.base;
    } else if (after) {
      storage_[i] = {end, e.end() - end};
    } else {
      erase(i);
    }
    free_bytes_ -= size;
    return start;
  }
  return unexpected(ExtentError::OutOfSpace);
}

Result<void, ExtentError> ExtentAllocator::free(u64 base, u64 size) {
  if (!checked_align_up(size, granule_, size) || size == 0 || !is_aligned(base, granule_) ||
      base < base_ || base - base_ > size_ || size > size_ - (base - base_))
    return unexpected(ExtentError::BadRange);
  u64 end = base + size;
  // The first extent starting at or after `base`.
  usize lo = 0, hi = count_;
  while (lo < hi) {
    usize mid = (lo + hi) / 2;
    if (storage_[mid].base < base)
      lo = mid + 1;
    else
      hi = mid;
  }
  bool merge_left = lo > 0 && storage_[lo - 1].end() == base;
  bool merge_right = lo < count_ && storage_[lo].base == end;
  if ((lo > 0 && storage_[lo - 1].end() > base) || (lo < count_ && storage_[lo].base < end))
    return unexpected(ExtentError::Overlap);
  if (merge_left && merge_right) {
    storage_[lo - 1].size += size + storage_[lo].size;
    erase(lo);
  } else if (merge_left) {
    storage_[lo - 1].size += size;
  } else if (merge_right) {
    storage_[lo] = {base, storage_[lo].size + size};
  } else if (!insert(lo, {base, size})) {
    return unexpected(ExtentError::TableFull);
  }
  free_bytes_ += size;
  return {};
}

const char* ExtentAllocator::check_invariants() const {
  u64 sum = 0;
  for (usize i = 0; i < count_; ++i) {
    const Extent& e = storage_[i];
    if (e.size == 0 || !is_aligned(e.base | e.size, granule_))
      return "an empty or misaligned extent";
    if (e.base < base_ || e.end() > base_ + size_) return "an extent outside the area";
    if (i > 0 && storage_[i - 1].end() >= e.base)
      return "extents unsorted, overlapping or unmerged";
    sum += e.size;
  }
  if (sum != free_bytes_) return "free-byte count out of step";
  return nullptr;
}

}  // namespace libk
