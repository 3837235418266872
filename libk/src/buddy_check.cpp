// BuddyAllocator::check_invariants: the full consistency check used by the host property
// tests, the fuzzer and the kernel's memory tests. O(frames); never on a fast path.
#include <libk/buddy.hpp>
#include <libk/utility.hpp>

namespace libk {

// Walks a section block by block: every frame must be Reserved or inside exactly one block.
const char* BuddyAllocator::check_section(const SectionInfo& s, u64 free_count[kOrders],
                                          u64& allocated) const {
  u64 end = s.first_frame + s.frame_count;
  for (u64 pfn = s.first_frame; pfn < end;) {
    const Frame& f = frames_[index_of(s, pfn)];
    if (f.shares != 0 && f.state != State::Allocated) return "shares on a frame not allocated";
    if (f.state == State::Reserved) {
      ++pfn;
      continue;
    }
    if (f.state == State::Tail) return "a tail frame outside any block";
    if (f.state == State::Cached) {  // a free single frame; its buddy may be free too
      ++pfn;
      continue;
    }
    if (f.order > kMaxOrder) return "a block with an order out of range";
    u64 size = u64{1} << f.order;
    if (!is_aligned(pfn, size)) return "a block not aligned to its order";
    if (pfn + size > end) return "a block running past the end of its section";
    for (u64 t = pfn + 1; t < pfn + size; ++t) {
      const Frame& tail = frames_[index_of(s, t)];
      if (tail.state != State::Tail) return "a block frame that is not a tail";
      if (tail.shares != 0) return "shares on a tail frame";
    }
    if (f.state == State::Free) {
      ++free_count[f.order];
      u64 buddy = pfn ^ size;
      if (f.order < kMaxOrder && buddy >= s.first_frame && buddy + size <= end) {
        const Frame& b = frames_[index_of(s, buddy)];
        if (b.state == State::Free && b.order == f.order) return "two free buddies not merged";
      }
    } else {
      allocated += size;
    }
    pfn += size;
  }
  return nullptr;
}

const char* BuddyAllocator::check_lists(const u64 free_count[kOrders]) const {
  u64 free_frames = 0;
  for (u32 order = 0; order < kOrders; ++order) {
    u64 n = 0;
    u32 prev = kNone;
    for (u32 i = heads_[order]; i != kNone; i = frames_[i].next) {
      if (i >= frame_total_ || ++n > frame_total_) return "a free list that is corrupt or cyclic";
      const Frame& f = frames_[i];
      if (f.state != State::Free || f.order != order)
        return "a free-list entry that is not a free block of that order";
      if (f.prev != prev) return "a broken back link in a free list";
      prev = i;
    }
    if (n != free_count[order]) return "free blocks missing from their free list";
    if (n != stats_.free_blocks[order]) return "free-block statistics out of step";
    free_frames += n << order;
  }
  if (free_frames + cache_count_ != stats_.free_frames) return "free-frame statistics out of step";
  return nullptr;
}

// Every cached frame is in state Cached exactly once, and no other frame is.
const char* BuddyAllocator::check_cache() const {
  if (cache_count_ > kCacheSize || cache_count_ != stats_.cached_frames)
    return "cache count out of step";
  u64 cached_states = 0;
  for (u64 i = 0; i < frame_total_; ++i) cached_states += frames_[i].state == State::Cached;
  if (cached_states != cache_count_) return "cached frames missing from the cache";
  for (u32 i = 0; i < cache_count_; ++i) {
    if (cache_[i] >= frame_total_ || frames_[cache_[i]].state != State::Cached)
      return "a cache entry that is not a cached frame";
    for (u32 j = 0; j < i; ++j)
      if (cache_[j] == cache_[i]) return "a frame cached twice";
  }
  return nullptr;
}

const char* BuddyAllocator::check_invariants() const {
  u64 free_count[kOrders] = {};
  u64 allocated = 0;
  for (usize i = 0; i < section_count_; ++i)
    if (const char* problem = check_section(sections_info_[i], free_count, allocated))
      return problem;
  if (allocated != stats_.allocated_frames) return "allocated-frame statistics out of step";
  if (const char* problem = check_cache()) return problem;
  return check_lists(free_count);
}

}  // namespace libk
