#include <boot/phys_pool.hpp>
#include <libk/utility.hpp>

namespace boot {

namespace {

using libk::kPageSize;

// Writes the sections for one gap size; returns how many there are (even past out.size()).
usize plan_with_gap(libk::Span<const MemoryRange> map, u64 max_gap,
                    libk::Span<libk::BuddyAllocator::Section> out) {
  usize count = 0;
  bool open = false;
  u64 begin = 0, end = 0;
  auto emit = [&] {
    if (count < out.size()) out[count] = {begin, end - begin};
    ++count;
  };
  for (const MemoryRange& r : map) {
    if (!is_poolable(r.type)) continue;
    u64 b = libk::align_up(r.base, kPageSize);
    u64 e = 0;
    if (!libk::checked_add(r.base, r.length, e)) e = ~u64{0};
    e = libk::align_down(e, kPageSize);
    if (e <= b) continue;
    if (open && b >= begin && (b <= end || b - end < max_gap)) {
      end = libk::max(end, e);
      continue;
    }
    if (open) emit();
    begin = b, end = e, open = true;
  }
  if (open) emit();
  return count;
}

// [base, end) of an exclusion widened outward to pages, saturating at the top.
void widen(const PhysRange& x, u64& base, u64& end) {
  base = libk::align_down(x.base, kPageSize);
  if (!libk::checked_add(x.base, x.length, end) || !libk::checked_align_up(end, kPageSize, end))
    end = ~u64{0} & ~(kPageSize - 1);
}

}  // namespace

usize plan_sections(libk::Span<const MemoryRange> map, u64 max_gap,
                    libk::Span<libk::BuddyAllocator::Section> out) {
  if (max_gap == 0) max_gap = kPageSize;
  for (;;) {
    usize count = plan_with_gap(map, max_gap, out);
    if (count <= out.size() || out.empty()) return count <= out.size() ? count : 0;
    max_gap = max_gap > (~u64{0} >> 1) ? ~u64{0} : max_gap * 2;
  }
}

usize subtract_ranges(PhysRange range, libk::Span<const PhysRange> exclusions,
                      libk::Span<PhysRange> out) {
  u64 end = 0;
  if (!libk::checked_add(range.base, range.length, end)) end = ~u64{0};
  u64 cur = 0;
  if (!libk::checked_align_up(range.base, kPageSize, cur)) return 0;
  end = libk::align_down(end, kPageSize);
  usize n = 0;
  auto emit = [&](u64 b, u64 e) {
    if (n < out.size()) out[n] = {b, e - b};
    ++n;
  };
  while (cur < end) {
    // The lowest exclusion overlapping [cur, end).
    bool found = false;
    u64 cut_begin = 0, cut_end = 0;
    for (const PhysRange& x : exclusions) {
      if (x.length == 0) continue;
      u64 xb = 0, xe = 0;
      widen(x, xb, xe);
      if (xe <= cur || xb >= end) continue;
      if (!found || xb < cut_begin)
        cut_begin = xb, cut_end = xe, found = true;
      else if (xb == cut_begin)
        cut_end = libk::max(cut_end, xe);
    }
    if (!found) {
      emit(cur, end);
      break;
    }
    if (cut_begin > cur) emit(cur, cut_begin);
    cur = cut_end;
  }
  return n;
}

}  // namespace boot
