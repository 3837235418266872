#include <libk/buddy.hpp>
#include <libk/utility.hpp>

namespace libk {

namespace {
constexpr u64 frames_in(u32 order) { return u64{1} << order; }
}  // namespace

StringView buddy_error_text(BuddyError e) {
  switch (e) {
    case BuddyError::BadSections: return "sections unsorted, overlapping or misaligned";
    case BuddyError::MetadataTooSmall: return "metadata buffer too small";
    case BuddyError::BadOrder: return "order out of range";
    case BuddyError::NotManaged: return "address not managed by the allocator";
    case BuddyError::Misaligned: return "address not aligned to the block size";
    case BuddyError::NotAllocated: return "block not allocated (double free or foreign address)";
    case BuddyError::WrongOrder: return "block freed with the wrong order";
    case BuddyError::InsideBlock: return "address inside a block, not at its start";
    case BuddyError::NotReserved: return "frames already in the pool or allocated";
    case BuddyError::Shared: return "block freed while other references to it remain";
    case BuddyError::TooManyShares: return "too many references to one block";
  }
  return "buddy allocator error";
}

u64 BuddyAllocator::metadata_bytes(Span<const Section> sections) {
  u64 frames = 0;
  for (const Section& s : sections) frames += s.length >> kFrameShift;
  return frames * sizeof(Frame);
}

Result<void, BuddyError> BuddyAllocator::init(Span<const Section> sections, void* metadata,
                                              u64 metadata_size) {
  if (sections.size() > kMaxSections) return unexpected(BuddyError::BadSections);
  u64 frames = 0, previous_end = 0;
  for (const Section& s : sections) {
    u64 end = 0;
    if (!is_aligned(s.base | s.length, kFrameSize) || s.length == 0 ||
        !checked_add(s.base, s.length, end) || s.base < previous_end)
      return unexpected(BuddyError::BadSections);
    previous_end = end;
    frames += s.length >> kFrameShift;
  }
  if (frames >= kNone) return unexpected(BuddyError::BadSections);
  if (metadata_size < frames * sizeof(Frame) || !is_aligned(u64(uptr(metadata)), 8))
    return unexpected(BuddyError::MetadataTooSmall);

  frames_ = static_cast<Frame*>(metadata);
  frame_total_ = frames;
  section_count_ = sections.size();
  u32 index = 0;
  for (usize i = 0; i < section_count_; ++i) {
    sections_[i] = sections[i];
    sections_info_[i] = {sections[i].base >> kFrameShift, sections[i].length >> kFrameShift, index};
    index += u32(sections_info_[i].frame_count);
  }
  for (u64 i = 0; i < frames; ++i) frames_[i] = {kNone, kNone, 0, State::Reserved, 0, 0};
  for (u32& head : heads_) head = kNone;
  cache_count_ = 0;
  stats_ = {};
  stats_.managed_frames = frames;
  return {};
}

// Binary search: sections are sorted and few.
const BuddyAllocator::SectionInfo* BuddyAllocator::section_of(u64 pfn) const {
  usize lo = 0, hi = section_count_;
  while (lo < hi) {
    usize mid = (lo + hi) / 2;
    const SectionInfo& s = sections_info_[mid];
    if (pfn < s.first_frame)
      hi = mid;
    else if (pfn >= s.first_frame + s.frame_count)
      lo = mid + 1;
    else
      return &s;
  }
  return nullptr;
}

u64 BuddyAllocator::pfn_of_index(u32 index) const {
  for (usize i = 0; i < section_count_; ++i) {
    const SectionInfo& s = sections_info_[i];
    if (index < s.first_index + s.frame_count) return s.first_frame + (index - s.first_index);
  }
  return 0;
}

void BuddyAllocator::push(u32 order, u32 index) {
  Frame& f = frames_[index];
  f.state = State::Free;
  f.order = u8(order);
  f.tag = 0;
  f.prev = kNone;
  f.next = heads_[order];
  if (f.next != kNone) frames_[f.next].prev = index;
  heads_[order] = index;
  ++stats_.free_blocks[order];
}

void BuddyAllocator::unlink(u32 index) {
  Frame& f = frames_[index];
  if (f.prev != kNone)
    frames_[f.prev].next = f.next;
  else
    heads_[f.order] = f.next;
  if (f.next != kNone) frames_[f.next].prev = f.prev;
  f.next = f.prev = kNone;
  --stats_.free_blocks[f.order];
}

// Inserts the free block (pfn, order), whose frames are all Tail except the head, merging it
// with its buddy for as long as the buddy is a free block of the same order.
void BuddyAllocator::insert_free(const SectionInfo& s, u64 pfn, u32 order) {
  u64 section_end = s.first_frame + s.frame_count;
  while (order < kMaxOrder) {
    u64 buddy = pfn ^ frames_in(order);
    if (buddy < s.first_frame || buddy + frames_in(order) > section_end) break;
    Frame& b = frames_[index_of(s, buddy)];
    if (b.state != State::Free || b.order != order) break;
    unlink(index_of(s, buddy));
    u64 merged = pfn < buddy ? pfn : buddy;
    frames_[index_of(s, merged == pfn ? buddy : pfn)].state = State::Tail;
    pfn = merged;
    ++order;
  }
  push(order, index_of(s, pfn));
}

Result<u64, BuddyError> BuddyAllocator::add_free(u64 base, u64 length) {
  u64 first = align_up(base, kFrameSize) >> kFrameShift;
  u64 end = 0;
  if (!checked_add(base, length, end)) return unexpected(BuddyError::NotManaged);
  u64 last = align_down(end, kFrameSize) >> kFrameShift;
  if (last <= first) return u64{0};
  const SectionInfo* s = section_of(first);
  if (!s || last > s->first_frame + s->frame_count) return unexpected(BuddyError::NotManaged);
  for (u64 pfn = first; pfn < last; ++pfn)
    if (frames_[index_of(*s, pfn)].state != State::Reserved)
      return unexpected(BuddyError::NotReserved);

  for (u64 pfn = first; pfn < last;) {
    u32 order = 0;
    while (order < kMaxOrder && is_aligned(pfn, frames_in(order + 1)) &&
           pfn + frames_in(order + 1) <= last)
      ++order;
    for (u64 f = pfn + 1; f < pfn + frames_in(order); ++f)
      frames_[index_of(*s, f)].state = State::Tail;
    insert_free(*s, pfn, order);
    pfn += frames_in(order);
  }
  stats_.free_frames += last - first;
  return last - first;
}

Optional<u64> BuddyAllocator::allocate(u32 order, u16 tag) {
  if (order > kMaxOrder) {
    ++stats_.failures;
    return nullopt;
  }
  if (order == 0 && cache_count_ > 0) {
    u32 index = cache_[--cache_count_];
    frames_[index].state = State::Allocated;
    frames_[index].tag = tag;
    --stats_.free_frames, --stats_.cached_frames;
    ++stats_.allocated_frames, ++stats_.allocations;
    return pfn_of_index(index) << kFrameShift;
  }
  u32 found = order;
  while (found <= kMaxOrder && heads_[found] == kNone) ++found;
  if (found > kMaxOrder) {
    ++stats_.failures;
    return nullopt;
  }
  u32 index = heads_[found];
  unlink(index);
  return take(index, found, order, tag);
}

// Splits the unlinked free block at `index` (of order `found`) down to `order`: keeps the
// lower half, returns the upper halves to their lists. A block never spans sections, so its
// frames have consecutive indices.
u64 BuddyAllocator::take(u32 index, u32 found, u32 order, u16 tag) {
  while (found > order) {
    --found;
    push(found, index + u32(frames_in(found)));
  }
  Frame& head = frames_[index];
  head.state = State::Allocated;
  head.order = u8(order);
  head.tag = tag;
  stats_.free_frames -= frames_in(order);
  stats_.allocated_frames += frames_in(order);
  ++stats_.allocations;
  return pfn_of_index(index) << kFrameShift;
}

Optional<u64> BuddyAllocator::take_cached_below(u64 limit, u16 tag) {
  for (u32 i = cache_count_; i-- > 0;) {
    u32 index = cache_[i];
    if ((pfn_of_index(index) << kFrameShift) + kFrameSize > limit) continue;
    for (u32 j = i + 1; j < cache_count_; ++j) cache_[j - 1] = cache_[j];
    --cache_count_;
    frames_[index].state = State::Allocated;
    frames_[index].tag = tag;
    --stats_.free_frames, --stats_.cached_frames;
    ++stats_.allocated_frames, ++stats_.allocations;
    return pfn_of_index(index) << kFrameShift;
  }
  return nullopt;
}

Optional<u64> BuddyAllocator::allocate_below(u32 order, u64 limit, u16 tag) {
  if (order <= kMaxOrder) {
    if (order == 0)
      if (auto cached = take_cached_below(limit, tag)) return cached;
    u64 bytes = kFrameSize << order;
    for (u32 found = order; found <= kMaxOrder; ++found) {
      for (u32 index = heads_[found]; index != kNone; index = frames_[index].next) {
        if ((pfn_of_index(index) << kFrameShift) + bytes > limit) continue;
        unlink(index);
        return take(index, found, order, tag);
      }
    }
  }
  ++stats_.failures;
  return nullopt;
}

Result<BuddyAllocator::BlockInfo, BuddyError> BuddyAllocator::block_at(u64 phys) const {
  const SectionInfo* s = section_of(phys >> kFrameShift);
  if (!s) return unexpected(BuddyError::NotManaged);
  const Frame& f = frames_[index_of(*s, phys >> kFrameShift)];
  return BlockInfo{f.state, f.order, f.tag};
}

Result<void, BuddyError> BuddyAllocator::free(u64 phys, u32 order) {
  if (order > kMaxOrder) return unexpected(BuddyError::BadOrder);
  u64 pfn = phys >> kFrameShift;
  const SectionInfo* s = section_of(pfn);
  if (!s) return unexpected(BuddyError::NotManaged);
  if (!is_aligned(phys, kFrameSize << order)) return unexpected(BuddyError::Misaligned);
  Frame& f = frames_[index_of(*s, pfn)];
  if (f.state == State::Tail) return unexpected(BuddyError::InsideBlock);
  if (f.state != State::Allocated) return unexpected(BuddyError::NotAllocated);
  if (f.order != order) return unexpected(BuddyError::WrongOrder);
  if (f.shares != 0) return unexpected(BuddyError::Shared);
  f.tag = 0;
  if (order == 0) {
    if (cache_count_ == kCacheSize) flush_cache(kCacheSize / 2);
    f.state = State::Cached;
    cache_[cache_count_++] = index_of(*s, pfn);
    ++stats_.cached_frames;
  } else {
    insert_free(*s, pfn, order);
  }
  stats_.free_frames += frames_in(order);
  stats_.allocated_frames -= frames_in(order);
  ++stats_.frees;
  return {};
}

Result<BuddyAllocator::Frame*, BuddyError> BuddyAllocator::allocated_head(u64 phys) const {
  u64 pfn = phys >> kFrameShift;
  const SectionInfo* s = section_of(pfn);
  if (!s) return unexpected(BuddyError::NotManaged);
  if (!is_aligned(phys, kFrameSize)) return unexpected(BuddyError::Misaligned);
  Frame& f = frames_[index_of(*s, pfn)];
  if (f.state == State::Tail) return unexpected(BuddyError::InsideBlock);
  if (f.state != State::Allocated) return unexpected(BuddyError::NotAllocated);
  return &f;
}

Result<u32, BuddyError> BuddyAllocator::share(u64 phys) {
  Frame* f = TRY(allocated_head(phys));
  if (f->shares == ~u32{0} - 1) return unexpected(BuddyError::TooManyShares);
  return ++f->shares + 1;
}

Result<bool, BuddyError> BuddyAllocator::release(u64 phys, u32 order) {
  Frame* f = TRY(allocated_head(phys));
  if (f->order != order) return unexpected(BuddyError::WrongOrder);
  if (f->shares > 0) {
    --f->shares;
    return false;
  }
  TRY(free(phys, order));
  return true;
}

Result<u32, BuddyError> BuddyAllocator::references(u64 phys) const {
  const Frame* f = TRY(allocated_head(phys));
  return f->shares + 1;
}

// Merges the `count` oldest cached frames into the free lists.
void BuddyAllocator::flush_cache(u32 count) {
  for (u32 i = 0; i < count; ++i) {
    u32 index = cache_[i];
    u64 pfn = pfn_of_index(index);
    frames_[index].state = State::Tail;  // insert_free makes it a head again
    insert_free(*section_of(pfn), pfn, 0);
  }
  for (u32 i = count; i < cache_count_; ++i) cache_[i - count] = cache_[i];
  cache_count_ -= count;
  stats_.cached_frames -= count;
}

void BuddyAllocator::drain_cache() { flush_cache(cache_count_); }

i32 BuddyAllocator::largest_free_order() const {
  for (i32 order = kMaxOrder; order >= 0; --order)
    if (heads_[order] != kNone) return order;
  return cache_count_ > 0 ? 0 : -1;
}

}  // namespace libk
