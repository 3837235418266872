// A binary buddy allocator for physical page frames (Knuth, TAOCP Vol. 1 §2.5).
//
// Blocks are 2^order frames of 4 KiB, order 0 (4 KiB) to kMaxOrder (1 GiB), and a block of
// order k always starts at a physical address aligned to 4 KiB << k, so large blocks can be
// mapped with 2 MiB / 1 GiB pages. The allocator never touches the memory it manages: all it
// reads and writes is a per-frame metadata array (16 bytes a frame, 0.4% of the managed
// span) that the caller provides. That is what makes the same code testable on the host with
// made-up physical addresses.
//
// The managed span is a list of sections (runs of physical memory, e.g. below and above the
// PCI hole); holes between sections cost no metadata. Every frame of a section starts
// Reserved; add_free() hands ranges to the pool. Allocation pops the smallest non-empty free
// list at or above the requested order and splits (O(kMaxOrder)); free coalesces with the
// buddy while it is free (O(kMaxOrder)). Free lists are doubly linked through the metadata,
// so taking a buddy out of its list is O(1).
//
// Single frames (order 0: page tables, stacks, the heap's large blocks) are the most common
// request, and in a fully coalesced pool each would split a block all the way down and merge
// it all the way back up. So freed single frames first go to a small LIFO cache (the idea
// of Linux's per-CPU page lists) that order-0 allocations take from; when it is full, half
// of it is merged back. drain_cache() merges all of it (for exact-state checks).
//
// Not thread-safe: the kernel wraps it in a lock (kernel/memory/pmm.cpp).
#pragma once

#include <libk/optional.hpp>
#include <libk/result.hpp>
#include <libk/span.hpp>
#include <libk/string_view.hpp>

namespace libk {

enum class BuddyError : u8 {
  BadSections,  // sections unsorted, overlapping, misaligned or too many
  MetadataTooSmall,
  BadOrder,       // order > kMaxOrder
  NotManaged,     // the address is in no section
  Misaligned,     // not 4 KiB-aligned, or not aligned to the block's order
  NotAllocated,   // double free, or an address that was never handed out
  WrongOrder,     // freed with an order other than the one it was allocated with
  InsideBlock,    // points into the middle of a block
  NotReserved,    // add_free() of frames that are already in the pool or allocated
  Shared,         // free() of a block that other holders still reference (share())
  TooManyShares,  // share() past the counter's range
};

StringView buddy_error_text(BuddyError e);

class BuddyAllocator {
 public:
  static constexpr u32 kFrameShift = 12;
  static constexpr u64 kFrameSize = u64{1} << kFrameShift;
  static constexpr u32 kMaxOrder = 18;  // 4 KiB << 18 = 1 GiB
  static constexpr u32 kOrders = kMaxOrder + 1;
  static constexpr usize kMaxSections = 16;
  static constexpr u32 kNone = ~u32{0};
  static constexpr u32 kCacheSize = 64;  // single frames kept unmerged after free

  // Cached: a free single frame in the cache, not (yet) merged with its buddy.
  enum class State : u8 { Reserved, Free, Allocated, Tail, Cached };

  // Per-frame metadata. Only the first frame of a block (its head) says Free/Allocated and
  // the order; the other frames of a block are Tail. Reserved frames are not in the pool.
  struct Frame {
    u32 next;  // free-list links (global frame indices), kNone at the ends
    u32 prev;
    u8 order;
    State state;
    u16 tag;  // the allocating client's label for the block (statistics, debugging)
    // References to an allocated head beyond its allocator's (share()); 0 in every other
    // frame. The block goes back to the pool only when this is 0 (release()).
    u32 shares;
  };
  static_assert(sizeof(Frame) == 16);

  struct Section {
    u64 base;    // physical, 4 KiB-aligned
    u64 length;  // bytes, multiple of 4 KiB
  };

  struct Stats {
    u64 managed_frames;  // frames in all sections (pool + reserved + allocated)
    u64 free_frames;     // including the cached ones
    u64 cached_frames;
    u64 allocated_frames;
    u64 allocations;  // successful allocate() calls
    u64 frees;
    u64 failures;              // allocate() calls that found nothing
    u64 free_blocks[kOrders];  // blocks on the free lists (cached frames not included)
  };

  struct BlockInfo {
    State state;
    u32 order;
    u16 tag;
  };

  constexpr BuddyAllocator() = default;
  BuddyAllocator(const BuddyAllocator&) = delete;
  BuddyAllocator& operator=(const BuddyAllocator&) = delete;

  // Bytes of Frame metadata needed for `sections`.
  static u64 metadata_bytes(Span<const Section> sections);

  // Takes over `sections` (sorted, disjoint, 4 KiB-aligned; at most kMaxSections and 2^32-1
  // frames in all) with every frame Reserved. `metadata` must hold metadata_bytes() bytes,
  // 8-byte aligned, and stay valid for the allocator's life.
  Result<void, BuddyError> init(Span<const Section> sections, void* metadata, u64 metadata_size);

  // Puts the Reserved frames of [base, base + length) into the pool (page-aligned inward).
  // Every frame in the range must be managed and Reserved; on error nothing is changed.
  // Returns the number of frames added.
  Result<u64, BuddyError> add_free(u64 base, u64 length);

  // A block of 2^order frames; its physical address, or nullopt when no block is free.
  Optional<u64> allocate(u32 order, u16 tag = 0);
  // A block of 2^order frames that ends at or below physical address `limit` (a device that
  // reaches only the low 4 GiB, say). Walks the free lists, lowest order first, for a block
  // whose first 2^order frames fit: O(free blocks) rather than O(kMaxOrder).
  Optional<u64> allocate_below(u32 order, u64 limit, u16 tag = 0);

  // Returns the block at `phys` allocated with `order`. Checks it: a double free, a foreign
  // address or a wrong order is an error and changes nothing.
  Result<void, BuddyError> free(u64 phys, u32 order);

  // Reference counts (copy-on-write frames shared by several address spaces): an allocated
  // block starts with one reference, its allocator's. share() adds one and returns the new
  // count; release() drops one and frees the block with the last, returning whether it did;
  // references() is the count now. Each is O(1) past finding the section (at most
  // kMaxSections). A block that is not allocated, or not its head, is an error (so a count
  // cannot underflow: the release that would take it below one frees the block, and any
  // release after that is NotAllocated), and free() of a block with shares left is Shared.
  Result<u32, BuddyError> share(u64 phys);
  Result<bool, BuddyError> release(u64 phys, u32 order);
  Result<u32, BuddyError> references(u64 phys) const;

  // What the frame at `phys` is part of right now (Tail for non-head frames).
  Result<BlockInfo, BuddyError> block_at(u64 phys) const;

  // Merges every cached frame back into the free lists.
  void drain_cache();

  const Stats& stats() const { return stats_; }
  Span<const Section> sections() const { return {sections_, section_count_}; }
  // The largest order with a free block, or -1 if the pool is empty.
  i32 largest_free_order() const;

  // Walks all metadata (O(frames)): lists consistent, blocks aligned and disjoint, counts
  // right, no two free buddies left unmerged. nullptr if everything holds, else what broke.
  const char* check_invariants() const;

 private:
  struct SectionInfo {
    u64 first_frame;  // physical frame number of the section's first frame
    u64 frame_count;
    u32 first_index;  // index of its first Frame in frames_
  };

  const SectionInfo* section_of(u64 pfn) const;
  // The Allocated head frame at `phys` (frames_ is writable storage; const for references()).
  Result<Frame*, BuddyError> allocated_head(u64 phys) const;
  u32 index_of(const SectionInfo& s, u64 pfn) const {
    return s.first_index + u32(pfn - s.first_frame);
  }
  u64 pfn_of_index(u32 index) const;
  void push(u32 order, u32 index);
  void unlink(u32 index);
  void insert_free(const SectionInfo& s, u64 pfn, u32 order);
  const char* check_section(const SectionInfo& s, u64 free_count[kOrders], u64& allocated) const;
  const char* check_lists(const u64 free_count[kOrders]) const;
  const char* check_cache() const;
  void flush_cache(u32 count);
  u64 take(u32 index, u32 found, u32 order, u16 tag);
  Optional<u64> take_cached_below(u64 limit, u16 tag);

  Frame* frames_ = nullptr;
  u64 frame_total_ = 0;
  SectionInfo sections_info_[kMaxSections] = {};
  Section sections_[kMaxSections] = {};
  usize section_count_ = 0;
  u32 heads_[kOrders] = {};
  u32 cache_[kCacheSize] = {};  // frame indices, most recently freed last
  u32 cache_count_ = 0;
  Stats stats_ = {};
};

}  // namespace libk
