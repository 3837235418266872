// SlabCache::check_invariants: the full consistency walk used by host property tests, the
// fuzzer and the kernel's heap tests. O(objects); never on a fast path.
#include <libk/slab.hpp>

namespace libk {

using namespace slab_detail;

const char* SlabCache::check_slab(const Slab* slab, u64& in_use) const {
  if (!slab->valid()) return "a slab with a bad magic";
  if (slab->cache != this) return "a slab on the wrong cache";
  u64 free_count = 0;
  for (const u8* slot = slab->free; slot;) {
    u32 index = 0;
    if (!slot_index(slab, slot, index)) return "a free-list entry that is not a slot";
    if (++free_count > capacity_) return "a cyclic free list";
    if (debug_ && (slab->allocated()[index / 64] >> (index % 64) & 1))
      return "a free slot marked allocated";
    const u8* next;
    __builtin_memcpy(&next, slot, sizeof(next));
    slot = next;
  }
  if (free_count + slab->in_use != capacity_) return "a slab whose counts do not add up";
  if (debug_) {
    u64 bits = 0;
    for (u32 w = 0; w < (capacity_ + 63) / 64; ++w)
      bits += u64(__builtin_popcountll(slab->allocated()[w]));
    if (bits != slab->in_use) return "an allocation bitmap out of step";
  }
  in_use += slab->in_use;
  return nullptr;
}

const char* SlabCache::check_list(const List& list, u32 state, u64& slabs, u64& in_use) const {
  u64 n = 0;
  const Slab* prev = nullptr;
  for (const Slab* s = list.head; s; prev = s, s = s->next) {
    if (++n > stats_.slabs) return "a cyclic slab list";
    if (s->prev != prev) return "a broken back link in a slab list";
    if (s->list != state) return "a slab on the wrong list";
    if (state == kFull && s->in_use != capacity_) return "a non-full slab on the full list";
    if (state == kEmpty && s->in_use != 0) return "a non-empty slab on the empty list";
    if (state == kPartial && (s->in_use == 0 || s->in_use == capacity_))
      return "a full or empty slab on the partial list";
    if (const char* problem = check_slab(s, in_use)) return problem;
  }
  if (n != list.count) return "a slab list count out of step";
  slabs += n;
  return nullptr;
}

const char* SlabCache::check_invariants() const {
  u64 slabs = 0, in_use = 0;
  if (current_) {
    if (current_->list != kCurrent) return "the current slab is on a list";
    if (const char* problem = check_slab(current_, in_use)) return problem;
    ++slabs;
  }
  if (const char* p = check_list(partial_, kPartial, slabs, in_use)) return p;
  if (const char* p = check_list(full_, kFull, slabs, in_use)) return p;
  if (const char* p = check_list(empty_, kEmpty, slabs, in_use)) return p;
  if (empty_.count > kKeepEmpty) return "more empty slabs kept than allowed";
  if (slabs != stats_.slabs) return "slab count statistics out of step";
  if (in_use != stats_.in_use + magazine_count_) return "in-use statistics out of step";
  return check_magazine();
}

// Magazine entries are distinct object starts in this cache's slabs (never in debug mode).
const char* SlabCache::check_magazine() const {
  if (magazine_count_ > kMagazine || (debug_ && magazine_count_ > 0)) return "a bad magazine count";
  for (u32 i = 0; i < magazine_count_; ++i) {
    const Slab* slab = Slab::of(magazine_[i]);
    u32 index = 0;
    if (!slab->valid() || slab->cache != this) return "a magazine entry from another cache";
    if (!slot_index(slab, static_cast<const u8*>(magazine_[i]) - front_, index))
      return "a magazine entry that is not an object";
    for (const u8* slot = slab->free; slot; slot = static_cast<const u8*>(load_link(slot)))
      if (slot == static_cast<const u8*>(magazine_[i]) - front_)
        return "a magazine entry also on a free list";
    for (u32 j = 0; j < i; ++j)
      if (magazine_[j] == magazine_[i]) return "an object twice in the magazine";
  }
  return nullptr;
}

}  // namespace libk
