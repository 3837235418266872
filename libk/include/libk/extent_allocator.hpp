// Address-range allocator for the kernel's virtual area (large heap blocks, kernel stacks,
// MMIO windows): a sorted array of free extents in caller-provided storage, first fit,
// merging neighbours on free. Allocation is O(extents), free O(log extents) to find the slot
// plus O(extents) to shift the array; the extent count stays small because the users free
// what they allocate. Pure logic: it never touches the addresses it hands out.
//
// Not thread-safe: the kernel serialises callers.
#pragma once

#include <libk/result.hpp>
#include <libk/span.hpp>
#include <libk/string_view.hpp>

namespace libk {

enum class ExtentError : u8 {
  OutOfSpace,  // no free extent is large enough
  TableFull,   // the extent table has no room for the split or the freed range
  BadRange,    // zero size, misaligned, or outside the managed area
  Overlap,     // freeing a range that is (partly) free already: double free
};

StringView extent_error_text(ExtentError e);

class ExtentAllocator {
 public:
  struct Extent {
    u64 base;
    u64 size;
    u64 end() const { return base + size; }
  };

  constexpr ExtentAllocator() = default;
  ExtentAllocator(const ExtentAllocator&) = delete;
  ExtentAllocator& operator=(const ExtentAllocator&) = delete;

  // Manages [base, base + size) in units of `granule` (a power of two; base and size are
  // multiples of it), all free. `storage` holds the extent table and must outlive this.
  void init(u64 base, u64 size, u64 granule, Span<Extent> storage);

  // `size` rounded up to the granule, at an address aligned to `align` (a power of two,
  // at least the granule).
  Result<u64, ExtentError> allocate(u64 size, u64 align = 0);
  Result<void, ExtentError> free(u64 base, u64 size);

  u64 free_bytes() const { return free_bytes_; }
  u64 total_bytes() const { return size_; }
  usize extent_count() const { return count_; }
  Span<const Extent> extents() const { return {storage_.data(), count_}; }
  bool contains(u64 address) const { return address >= base_ && address - base_ < size_; }

  // Sorted, disjoint, non-adjacent, inside the area, counts right. nullptr if so.
  const char* check_invariants() const;

 private:
  bool insert(usize index, Extent e);
  void erase(usize index);

  Span<Extent> storage_;
  usize count_ = 0;
  u64 base_ = 0;
  u64 size_ = 0;
  u64 granule_ = 1;
  u64 free_bytes_ = 0;
};

}  // namespace libk
