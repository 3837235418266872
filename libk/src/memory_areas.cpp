#include <libk/assert.hpp>
#include <libk/memory_areas.hpp>

namespace libk {

namespace {

bool aligned(u64 v) { return (v & (kPageSize - 1)) == 0; }

bool mergeable(const Area& a, const Area& b) {
  return a.kind == b.kind && a.protection == b.protection;
}

}  // namespace

StringView area_error_text(AreaError e) {
  switch (e) {
    case AreaError::Misaligned: return "not page-aligned";
    case AreaError::Empty: return "empty range";
    case AreaError::Overlaps: return "overlaps an area";
    case AreaError::Full: return "too many areas";
  }
  return "unknown area error";
}

StringView area_kind_text(AreaKind k) {
  switch (k) {
    case AreaKind::Image: return "image";
    case AreaKind::Heap: return "heap";
    case AreaKind::Stack: return "stack";
    case AreaKind::Guard: return "stack guard";
    case AreaKind::Anonymous: return "anonymous";
  }
  return "unknown";
}

usize MemoryAreas::first_ending_above(u64 address) const {
  usize low = 0, high = count_;
  while (low < high) {
    usize mid = low + (high - low) / 2;
    if (areas_[mid].end <= address)
      low = mid + 1;
    else
      high = mid;
  }
  return low;
}

void MemoryAreas::insert_at(usize index, const Area& area) {
  DEBUG_ASSERT(count_ < kCapacity && index <= count_);
  for (usize i = count_; i > index; --i) areas_[i] = areas_[i - 1];
  areas_[index] = area;
  ++count_;
}

void MemoryAreas::erase(usize index, usize n) {
  DEBUG_ASSERT(index + n <= count_);
  for (usize i = index; i + n < count_; ++i) areas_[i] = areas_[i + n];
  count_ -= n;
}

Result<void, AreaError> MemoryAreas::insert(const Area& area) {
  if (!aligned(area.begin) || !aligned(area.end)) return unexpected(AreaError::Misaligned);
  if (area.begin >= area.end) return unexpected(AreaError::Empty);
  usize i = first_ending_above(area.begin);
  if (i < count_ && areas_[i].begin < area.end) return unexpected(AreaError::Overlaps);
  // areas_[i - 1] ends at or below area.begin; areas_[i] begins at or above area.end.
  bool left = i > 0 && areas_[i - 1].end == area.begin && mergeable(areas_[i - 1], area);
  bool right = i < count_ && areas_[i].begin == area.end && mergeable(areas_[i], area);
  if (left && right) {
    areas_[i - 1].end = areas_[i].end;
    erase(i, 1);
  } else if (left) {
    areas_[i - 1].end = area.end;
  } else if (right) {
    areas_[i].begin = area.begin;
  } else {
    if (count_ == kCapacity) return unexpected(AreaError::Full);
    insert_at(i, area);
  }
  return {};
}

Result<u64, AreaError> MemoryAreas::remove(u64 begin, u64 end) {
  if (!aligned(begin) || !aligned(end)) return unexpected(AreaError::Misaligned);
  if (begin >= end) return unexpected(AreaError::Empty);
  usize i = first_ending_above(begin);
  if (i == count_ || areas_[i].begin >= end) return u64{0};
  // The range inside one area, with some of it left on both sides: a split.
  if (areas_[i].begin < begin && areas_[i].end > end) {
    if (count_ == kCapacity) return unexpected(AreaError::Full);
    Area upper = areas_[i];
    upper.begin = end;
    areas_[i].end = begin;
    insert_at(i + 1, upper);
    return (end - begin) / kPageSize;
  }
  u64 removed = 0;
  if (areas_[i].begin < begin) {  // keeps its lower part
    removed += areas_[i].end - begin;
    areas_[i].end = begin;
    ++i;
  }
  usize first_whole = i;
  while (i < count_ && areas_[i].end <= end) {
    removed += areas_[i].end - areas_[i].begin;
    ++i;
  }
  if (i < count_ && areas_[i].begin < end) {  // keeps its upper part
    removed += end - areas_[i].begin;
    areas_[i].begin = end;
  }
  erase(first_whole, i - first_whole);
  return removed / kPageSize;
}

Optional<Area> MemoryAreas::find(u64 address) const {
  usize i = first_ending_above(address);
  if (i < count_ && areas_[i].contains(address)) return areas_[i];
  return nullopt;
}

bool MemoryAreas::overlaps(u64 begin, u64 end) const {
  if (begin >= end) return false;
  usize i = first_ending_above(begin);
  return i < count_ && areas_[i].begin < end;
}

Optional<u64> MemoryAreas::find_free_top_down(u64 bytes, u64 low, u64 high) const {
  if (bytes == 0 || low >= high || high - low < bytes) return nullopt;
  // The gaps from the top: below areas_[i] (or `high`) and above areas_[i - 1] (or 0),
  // clipped to [low, high).
  for (usize i = count_ + 1; i-- > 0;) {
    u64 above = i < count_ ? areas_[i].begin : high;
    u64 below = i > 0 ? areas_[i - 1].end : 0;
    u64 gap_end = above < high ? above : high;
    u64 gap_begin = below > low ? below : low;
    if (gap_end > gap_begin && gap_end - gap_begin >= bytes) return gap_end - bytes;
    if (below <= low) break;  // every lower gap lies below `low`
  }
  return nullopt;
}

u64 MemoryAreas::pages(AreaKind kind) const {
  u64 n = 0;
  for (usize i = 0; i < count_; ++i)
    if (areas_[i].kind == kind) n += areas_[i].pages();
  return n;
}

bool MemoryAreas::check() const {
  if (count_ > kCapacity) return false;
  for (usize i = 0; i < count_; ++i) {
    const Area& a = areas_[i];
    if (!aligned(a.begin) || !aligned(a.end) || a.begin >= a.end) return false;
    if (i == 0) continue;
    const Area& prev = areas_[i - 1];
    if (prev.end > a.begin) return false;
    if (prev.end == a.begin && mergeable(prev, a)) return false;
  }
  return true;
}

}  // namespace libk
