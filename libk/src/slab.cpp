#include <libk/slab.hpp>
#include <libk/utility.hpp>

namespace libk {

using namespace slab_detail;

namespace {

// In debug mode a slot is: [u64 link-or-requested-size][8 B redzone][object][16 B redzone].

// The offset of the first byte in [p, p + n) that is not `value`, or n.
usize first_mismatch(const u8* p, usize n, u8 value) {
  for (usize i = 0; i < n; ++i)
    if (p[i] != value) return i;
  return n;
}

}  // namespace

StringView heap_error_text(HeapError e) {
  switch (e) {
    case HeapError::OutOfMemory: return "out of memory";
    case HeapError::ForeignPointer: return "pointer not allocated from the heap";
    case HeapError::NotObjectStart: return "pointer into the middle of a heap object";
    case HeapError::DoubleFree: return "double free";
    case HeapError::RedzoneOverwritten: return "heap buffer overrun (redzone overwritten)";
    case HeapError::WriteAfterFree: return "write after free (poison overwritten)";
  }
  return "heap error";
}

void SlabCache::init(const char* name, u32 object_size, SlabPageSource& source, bool debug) {
  name_ = name;
  source_ = &source;
  object_size_ = object_size;
  debug_ = debug;
  front_ = debug ? kRedzone : 0;
  stride_ = object_size + (debug ? 2 * kRedzone : 0);
  u32 capacity = u32((kSlabBytes - sizeof(Slab)) / stride_);
  auto header = [&](u32 cap) {
    usize bitmap = debug ? (cap + 63) / 64 * 8 : 0;
    return u32(align_up(sizeof(Slab) + bitmap, 64));
  };
  while (header(capacity) + u64(capacity) * stride_ > kSlabBytes) --capacity;
  capacity_ = capacity;
  first_offset_ = header(capacity);
  reciprocal_ = u32((u64{1} << 32) / stride_ + 1);
  current_ = nullptr;
  magazine_count_ = 0;
  partial_ = full_ = empty_ = {};
  stats_ = {};
}

u8* SlabCache::slot_of(const Slab* slab, u32 index) const {
  return reinterpret_cast<u8*>(const_cast<Slab*>(slab)) + first_offset_ + u64(index) * stride_;
}

// Exact for offsets below kSlabBytes because stride_ < 2^17 (see docs/memory.md).
bool SlabCache::slot_index(const Slab* slab, const u8* slot, u32& index) const {
  u64 offset = u64(slot - reinterpret_cast<const u8*>(slab));
  if (offset < first_offset_) return false;
  offset -= first_offset_;
  index = u32((offset * reciprocal_) >> 32);
  return index < capacity_ && u64(index) * stride_ == offset;
}

void SlabCache::list_push(List& list, Slab* slab) {
  slab->prev = nullptr;
  slab->next = list.head;
  if (list.head) list.head->prev = slab;
  list.head = slab;
  ++list.count;
}

void SlabCache::list_remove(List& list, Slab* slab) {
  if (slab->prev)
    slab->prev->next = slab->next;
  else
    list.head = slab->next;
  if (slab->next) slab->next->prev = slab->prev;
  slab->next = slab->prev = nullptr;
  --list.count;
}

SlabCache::Slab* SlabCache::new_slab() {
  void* memory = source_->allocate_slab();
  if (!memory) return nullptr;
  auto* slab = static_cast<Slab*>(memory);
  slab->magic = kSlabMagic ^ u64(uptr(slab));
  slab->cache = this;
  slab->next = slab->prev = nullptr;
  slab->in_use = 0;
  slab->list = kEmpty;
  if (debug_) {
    __builtin_memset(slab->allocated(), 0, first_offset_ - sizeof(Slab));
    __builtin_memset(slot_of(slab, 0), kRedzoneByte, u64(capacity_) * stride_);
    for (u32 i = 0; i < capacity_; ++i)
      __builtin_memset(slot_of(slab, i) + front_, kPoison, object_size_);
  }
  // Thread the free list front to back, so objects are handed out in address order.
  u8* next = nullptr;
  for (u32 i = capacity_; i-- > 0;) {
    store_link(slot_of(slab, i), next);
    next = slot_of(slab, i);
  }
  slab->free = next;
  ++stats_.slabs;
  return slab;
}

void SlabCache::release(Slab* slab) {
  slab->magic = 0;  // a stale pointer into it is foreign from now on
  --stats_.slabs;
  source_->free_slab(slab);
}

Result<void*, HeapFault> SlabCache::take_from(Slab* slab, usize requested) {
  u8* slot = slab->free;
  if (debug_) {
    u8* object = slot + front_;
    usize bad = first_mismatch(object, object_size_, kPoison);
    if (bad != object_size_)
      return unexpected(HeapFault{HeapError::WriteAfterFree, object, this, isize(bad)});
    u32 index = 0;
    slot_index(slab, slot, index);
    slab->allocated()[index / 64] |= u64{1} << (index % 64);
  }
  slab->free = static_cast<u8*>(load_link(slot));
  ++slab->in_use;
  if (++stats_.in_use > stats_.peak_in_use) stats_.peak_in_use = stats_.in_use;
  ++stats_.allocations;
  if (!debug_) return static_cast<void*>(slot);
  u64 size = requested < object_size_ ? requested : object_size_;
  __builtin_memcpy(slot, &size, sizeof(size));
  __builtin_memset(slot + front_ + size, kRedzoneByte, object_size_ - size);
  return static_cast<void*>(slot + front_);
}

// Debug mode, or the current slab is exhausted (or there is none): retire it and pick the
// fullest source of free objects: a partial slab, then an empty one, then a new one.
Result<void*, HeapFault> SlabCache::allocate_slow(usize requested) {
  if (current_ && current_->free) return take_from(current_, requested);
  if (current_) {
    current_->list = kFull;
    list_push(full_, current_);
    current_ = nullptr;
  }
  Slab* next = partial_.head ? partial_.head : empty_.head;
  if (next) {
    list_remove(next == partial_.head ? partial_ : empty_, next);
  } else if (!(next = new_slab())) {
    ++stats_.failures;
    return unexpected(HeapFault{HeapError::OutOfMemory, nullptr, this, 0});
  }
  next->list = kCurrent;
  current_ = next;
  return take_from(current_, requested);
}

SlabCache* SlabCache::owner(const void* object) {
  Slab* slab = Slab::of(object);
  return slab->valid() ? slab->cache : nullptr;
}

Result<void, HeapFault> SlabCache::foreign(void* object) {
  return unexpected(HeapFault{HeapError::ForeignPointer, object, nullptr, 0});
}

// Puts a slot back on its slab's free list; the slab may change lists.
void SlabCache::release_object(Slab* slab, u8* slot) {
  store_link(slot, slab->free);
  slab->free = slot;
  --slab->in_use;
  if (slab->list != kCurrent) after_free(slab);
}

// Returns the `count` oldest magazine entries to their slabs.
void SlabCache::flush_magazine(u32 count) {
  for (u32 i = 0; i < count; ++i) {
    auto* object = static_cast<u8*>(magazine_[i]);
    release_object(Slab::of(object), object - front_);
  }
  for (u32 i = count; i < magazine_count_; ++i) magazine_[i - count] = magazine_[i];
  magazine_count_ -= count;
}

// Debug mode (checked, no magazine), or the magazine is full (its older half goes back).
Result<void, HeapFault> SlabCache::free_slow(Slab* slab, u8* object) {
  if (debug_) {
    TRY(free_debug(slab, object - front_));
    release_object(slab, object - front_);
  } else {
    flush_magazine(kMagazine / 2);
    magazine_[magazine_count_++] = object;
  }
  --stats_.in_use;
  ++stats_.frees;
  return {};
}

// Checks a debug-mode slot being freed, then poisons it and clears its allocation bit.
Result<void, HeapFault> SlabCache::free_debug(Slab* slab, u8* slot) {
  u8* object = slot + front_;
  u32 index = 0;
  if (!slot_index(slab, slot, index))
    return unexpected(HeapFault{HeapError::NotObjectStart, object, this, 0});
  u64 bit = u64{1} << (index % 64);
  if (!(slab->allocated()[index / 64] & bit))
    return unexpected(HeapFault{HeapError::DoubleFree, object, this, 0});
  u64 requested = 0;
  __builtin_memcpy(&requested, slot, sizeof(requested));
  usize front_bad = first_mismatch(slot + sizeof(u64), kRedzone - sizeof(u64), kRedzoneByte);
  if (front_bad != kRedzone - sizeof(u64))
    return unexpected(HeapFault{HeapError::RedzoneOverwritten, object, this,
                                isize(sizeof(u64) + front_bad) - isize(kRedzone)});
  usize tail = object_size_ - requested + kRedzone;
  usize back_bad = first_mismatch(object + requested, tail, kRedzoneByte);
  if (back_bad != tail)
    return unexpected(
        HeapFault{HeapError::RedzoneOverwritten, object, this, isize(requested + back_bad)});
  slab->allocated()[index / 64] &= ~bit;
  __builtin_memset(object, kPoison, object_size_);
  return {};
}

// A non-current slab got an object back: it may move from full to partial, or become empty.
void SlabCache::after_free(Slab* slab) {
  if (slab->list == kFull) {
    list_remove(full_, slab);
    slab->list = kPartial;
    list_push(partial_, slab);
  }
  if (slab->in_use != 0) return;
  list_remove(partial_, slab);
  if (empty_.count >= kKeepEmpty) {
    release(slab);
    return;
  }
  slab->list = kEmpty;
  list_push(empty_, slab);
}

void SlabCache::trim() {
  flush_magazine(magazine_count_);
  while (empty_.head) {
    Slab* slab = empty_.head;
    list_remove(empty_, slab);
    release(slab);
  }
  if (current_ && current_->in_use == 0) {
    release(current_);
    current_ = nullptr;
  }
}

void SlabHeap::init(SlabPageSource& source, bool debug) {
  static constexpr const char* kNames[kClassCount] = {
      "kmalloc-16",   "kmalloc-32",   "kmalloc-48",   "kmalloc-64",  "kmalloc-96",  "kmalloc-128",
      "kmalloc-192",  "kmalloc-256",  "kmalloc-384",  "kmalloc-512", "kmalloc-768", "kmalloc-1024",
      "kmalloc-1536", "kmalloc-2048", "kmalloc-3072", "kmalloc-4096"};
  for (usize i = 0; i < kClassCount; ++i) caches_[i].init(kNames[i], kClassSizes[i], source, debug);
}

void SlabHeap::trim() {
  for (SlabCache& c : caches_) c.trim();
}

const char* SlabHeap::check_invariants() const {
  for (const SlabCache& c : caches_)
    if (const char* problem = c.check_invariants()) return problem;
  return nullptr;
}

}  // namespace libk
