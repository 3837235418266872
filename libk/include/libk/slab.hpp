// Slab caches (Bonwick, "The Slab Allocator", USENIX 1994): fixed-size objects carved out of
// 32 KiB slabs that come from a SlabPageSource (the kernel's buddy allocator through the
// direct map; malloc'ed blocks on the host).
//
// Each slab starts with its header (magic, owning cache, free list, in-use count, and in
// debug mode an allocation bitmap); objects follow. Slabs are aligned to their size, so the
// header of any object's slab is at align_down(object, kSlabBytes): freeing needs no lookup.
//
// Fast path: each cache has a magazine (Bonwick & Adams, USENIX 2001), a small LIFO array of
// recently freed objects: free pushes there, allocation pops from there first, then from the
// current slab's free list. Objects in the magazine still count as used in their slabs; when
// it is full, the older half really goes back to its slabs. List moves (current / partial /
// full / empty) happen only when a slab fills up or drains. At most kKeepEmpty empty slabs
// are kept per cache; trim() empties the magazine and releases them.
//
// Debug mode (per cache) adds, around each object, a 16-byte front and a 16-byte back
// redzone and the requested size; checks on free: magic (foreign pointer), exact object
// start, allocation bit (double free), redzones (buffer overrun); poisons freed objects and
// checks the poison on allocation (write after free). Debug mode bypasses the magazine, so
// every free is checked at once. Without debug mode only the magic is checked. Errors are
// values (HeapFault); the kernel turns them into a clear panic.
//
// Not thread-safe: the kernel heap serialises callers.
#pragma once

#include <libk/result.hpp>
#include <libk/span.hpp>
#include <libk/string_view.hpp>

namespace libk {

class SlabPageSource {
 public:
  // SlabCache::kSlabBytes bytes aligned to kSlabBytes, or nullptr when out of memory.
  virtual void* allocate_slab() = 0;
  virtual void free_slab(void* slab) = 0;

 protected:
  ~SlabPageSource() = default;
};

enum class HeapError : u8 {
  OutOfMemory,
  ForeignPointer,      // not inside any slab
  NotObjectStart,      // inside a slab, but not the start of an object
  DoubleFree,          // the object is already free
  RedzoneOverwritten,  // bytes before or after the object were written
  WriteAfterFree,      // a freed object's poison was changed before it was reused
};

StringView heap_error_text(HeapError e);

class SlabCache;

// What went wrong, where: enough for a panic message that names the culprit.
struct HeapFault {
  HeapError error;
  const void* pointer;     // the object (or the pointer passed to free)
  const SlabCache* cache;  // nullptr for ForeignPointer
  isize offset;            // for corruption: offset of the first bad byte from `pointer`
};

struct SlabStats {
  u64 slabs;   // slabs held (including empty ones kept for reuse)
  u64 in_use;  // objects allocated now
  u64 peak_in_use;
  u64 allocations;
  u64 frees;
  u64 failures;  // allocations that found no memory
};

class SlabCache {
 public:
  static constexpr usize kSlabBytes = 32 * KiB;
  static constexpr usize kRedzone = 16;     // debug mode, each side
  static constexpr usize kKeepEmpty = 1;    // empty slabs kept per cache
  static constexpr u32 kMagazine = 32;      // recently freed objects kept per cache
  static constexpr u8 kPoison = 0x6b;       // freed object bytes (debug mode)
  static constexpr u8 kRedzoneByte = 0xbb;  // redzone bytes (debug mode)

  constexpr SlabCache() = default;
  SlabCache(const SlabCache&) = delete;
  SlabCache& operator=(const SlabCache&) = delete;

  // `object_size`: a multiple of 16, at most kSlabBytes / 8. `name` must outlive the cache.
  void init(const char* name, u32 object_size, SlabPageSource& source, bool debug);

  // An object (16-byte aligned). `requested` (<= object_size) is what debug mode guards:
  // bytes past it up to the slot's end are redzone. The fast path is inline (below).
  Result<void*, HeapFault> allocate(usize requested);
  Result<void*, HeapFault> allocate() { return allocate(object_size_); }

  // Frees an object of whichever cache owns it (found through its slab header).
  static Result<void, HeapFault> free(void* object);
  // The cache owning `object`, or nullptr if the pointer is in no slab.
  static SlabCache* owner(const void* object);

  // Returns the magazine's objects to their slabs and empty slabs to the page source.
  void trim();

  const char* name() const { return name_; }
  u32 object_size() const { return object_size_; }
  u32 objects_per_slab() const { return capacity_; }
  bool debug() const { return debug_; }
  const SlabStats& stats() const { return stats_; }

  // Walks every slab (O(objects)): headers, free lists, counts, bitmaps. nullptr if all
  // holds, else what broke.
  const char* check_invariants() const;

  struct Slab;  // the header at the start of each slab (below)

 private:
  struct List {
    Slab* head = nullptr;
    u64 count = 0;
  };

  Result<void*, HeapFault> allocate_slow(usize requested);
  Result<void*, HeapFault> take_from(Slab* slab, usize requested);
  Result<void, HeapFault> free_slow(Slab* slab, u8* object);
  static Result<void, HeapFault> foreign(void* object);
  void release_object(Slab* slab, u8* slot);
  void flush_magazine(u32 count);
  Result<void, HeapFault> free_debug(Slab* slab, u8* slot);
  void after_free(Slab* slab);
  Slab* new_slab();
  void release(Slab* slab);
  u8* slot_of(const Slab* slab, u32 index) const;
  bool slot_index(const Slab* slab, const u8* slot, u32& index) const;
  static void list_push(List& list, Slab* slab);
  static void list_remove(List& list, Slab* slab);
  const char* check_slab(const Slab* slab, u64& in_use) const;
  const char* check_list(const List& list, u32 state, u64& slabs, u64& in_use) const;
  const char* check_magazine() const;

  const char* name_ = "";
  SlabPageSource* source_ = nullptr;
  u32 object_size_ = 0;
  u32 stride_ = 0;        // slot size: object plus redzones in debug mode
  u32 front_ = 0;         // object offset inside its slot (kRedzone in debug mode)
  u32 capacity_ = 0;      // objects per slab
  u32 first_offset_ = 0;  // offset of the first slot from the slab start
  u32 reciprocal_ = 0;    // ceil(2^32 / stride_): slot index without a division
  bool debug_ = false;
  Slab* current_ = nullptr;
  void* magazine_[kMagazine] = {};
  u32 magazine_count_ = 0;
  List partial_, full_, empty_;
  SlabStats stats_ = {};
};

namespace slab_detail {
inline constexpr u64 kSlabMagic = 0x5ab5'0f0e'3be7'2c41ull;  // XORed with the slab's address
enum SlabList : u32 { kCurrent, kPartial, kFull, kEmpty };
inline void* load_link(const u8* slot) {
  void* link;
  __builtin_memcpy(&link, slot, sizeof(link));
  return link;
}
inline void store_link(u8* slot, const void* link) { __builtin_memcpy(slot, &link, sizeof(link)); }
}  // namespace slab_detail

struct SlabCache::Slab {
  u64 magic;
  SlabCache* cache;
  Slab* next;
  Slab* prev;
  u8* free;  // first free slot; each free slot holds the next one's address
  u32 in_use;
  u32 list;  // slab_detail::SlabList
  // Debug mode: one allocation bit per slot follows the header.

  bool valid() const { return magic == (slab_detail::kSlabMagic ^ u64(uptr(this))); }
  u64* allocated() { return reinterpret_cast<u64*>(this + 1); }
  const u64* allocated() const { return reinterpret_cast<const u64*>(this + 1); }
  static Slab* of(const void* object) {
    return reinterpret_cast<Slab*>(uptr(object) & ~uptr(kSlabBytes - 1));
  }
};
static_assert(sizeof(SlabCache::Slab) % 8 == 0);

// Fast path: pop the magazine (empty in debug mode), else the current slab's free list.
inline Result<void*, HeapFault> SlabCache::allocate(usize requested) {
  if (magazine_count_ > 0) [[likely]] {
    if (++stats_.in_use > stats_.peak_in_use) stats_.peak_in_use = stats_.in_use;
    ++stats_.allocations;
    return magazine_[--magazine_count_];
  }
  Slab* slab = current_;
  if (!debug_ && slab && slab->free) [[likely]] {
    u8* slot = slab->free;
    slab->free = static_cast<u8*>(slab_detail::load_link(slot));
    ++slab->in_use;
    if (++stats_.in_use > stats_.peak_in_use) stats_.peak_in_use = stats_.in_use;
    ++stats_.allocations;
    return static_cast<void*>(slot);
  }
  return allocate_slow(requested);
}

// Fast path: push onto the owning cache's magazine.
inline Result<void, HeapFault> SlabCache::free(void* object) {
  Slab* slab = Slab::of(object);
  if (!object || !slab->valid()) [[unlikely]]
    return foreign(object);
  SlabCache* cache = slab->cache;
  if (cache->debug_ || cache->magazine_count_ == kMagazine) [[unlikely]]
    return cache->free_slow(slab, static_cast<u8*>(object));
  cache->magazine_[cache->magazine_count_++] = object;
  --cache->stats_.in_use;
  ++cache->stats_.frees;
  return {};
}

// kmalloc-style size classes over slab caches: 16 B ... 4 KiB. Larger requests are the
// caller's business (the kernel maps whole pages for them).
class SlabHeap {
 public:
  static constexpr usize kMaxSmall = 4096;
  static constexpr u32 kClassSizes[] = {16,  32,  48,  64,   96,   128,  192,  256,
                                        384, 512, 768, 1024, 1536, 2048, 3072, 4096};
  static constexpr usize kClassCount = sizeof(kClassSizes) / sizeof(kClassSizes[0]);

  constexpr SlabHeap() = default;
  void init(SlabPageSource& source, bool debug);

  // 1 <= size <= kMaxSmall (0 is treated as 1).
  Result<void*, HeapFault> allocate(usize size) {
    return caches_[class_index(size)].allocate(size == 0 ? 1 : size);
  }
  static Result<void, HeapFault> free(void* object) { return SlabCache::free(object); }

  static constexpr usize class_index(usize size);

  Span<const SlabCache> caches() const { return {caches_, kClassCount}; }
  SlabCache& cache(usize index) { return caches_[index]; }
  void trim();
  const char* check_invariants() const;

 private:
  SlabCache caches_[kClassCount];
};

namespace slab_detail {
// Size class of each 16-byte step up to kMaxSmall: index (size + 15) / 16.
struct ClassTable {
  u8 index[SlabHeap::kMaxSmall / 16 + 1];
};
constexpr ClassTable make_class_table() {
  ClassTable t{};
  usize c = 0;
  for (usize i = 0; i <= SlabHeap::kMaxSmall / 16; ++i) {
    while (SlabHeap::kClassSizes[c] < i * 16) ++c;
    t.index[i] = u8(c);
  }
  return t;
}
inline constexpr ClassTable kClassTable = make_class_table();
}  // namespace slab_detail

constexpr usize SlabHeap::class_index(usize size) {
  return slab_detail::kClassTable.index[(size + 15) >> 4];
}

}  // namespace libk
