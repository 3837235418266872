// Changing existing mappings: unmap, protect, guard pages, lookup, and splitting a large page
// into 512 smaller ones when only part of it changes (SDM Vol. 3A §4.5).
#include <hal/paging.hpp>
#include <libk/utility.hpp>

#include "paging_internal.hpp"

namespace hal::paging {

using detail::index_at;
using detail::is_leaf;
using detail::leaf_frame;
using detail::level_bytes;
using detail::size_at;
using detail::table_entry;
using libk::Result;
using libk::unexpected;

// Replaces the large page at `entry` (level 3 or 2) with a table of 512 pages one level down,
// with the same frames, permissions and memory type. The PAT bit moves from bit 12 (large
// entries) to bit 7 (4 KiB entries), where PS was (SDM Vol. 3A Tables 4-17 to 4-20).
Result<void, MapError> PageTables::split_large(u64* entry, u32 level) {
  auto frame = memory_->allocate_table();
  if (!frame) return unexpected(MapError::OutOfMemory);
  ++tables_allocated_;
  PageEntry old(*entry);
  u64 base = leaf_frame(old.raw(), level);
  // The flags: bits 11:0 (PS included) and 63:52 (NX); the PAT bit moves to its new place.
  PageEntry flags = PageEntry(old).set_address(0);
  if (level - 1 == 1)
    flags.set_huge(false).set_pat_4k(old.pat_large());
  else
    flags.set_pat_large(old.pat_large());
  u64 child_bytes = level_bytes(level - 1);
  u64* child = memory_->table_at(*frame);
  for (u64 i = 0; i < 512; ++i) child[i] = (base + i * child_bytes) | flags.raw();
  *entry = table_entry(*frame);
  return {};
}

// The entry that maps (or would map) `virt` at the level where the walk stops: a leaf, or a
// non-present entry at any level. With `split`, a large leaf not wholly inside [virt, end)
// is split and the walk goes on below it.
Result<PageTables::Slot, MapError> PageTables::find_leaf(u64 virt, u64 end, bool split) {
  u64* table = memory_->table_at(root_);
  Slot slot{};
  for (u32 level = 4;;) {
    u64* entry = &table[index_at(virt, level)];
    slot.path[level] = entry;
    slot.entry = entry;
    slot.level = level;
    if (!PageEntry(*entry).present()) return slot;
    if (is_leaf(*entry, level)) {
      u64 base = libk::align_down(virt, level_bytes(level));
      bool partial = virt != base || end - base < level_bytes(level);
      if (!split || level == 1 || !partial) return slot;
      TRY(split_large(entry, level));
    }
    table = memory_->table_at(PageEntry(*entry).address());
    --level;
  }
}

// After the last entry unmap() touches in a table: frees the table if it is empty, then its
// parent if that became empty, up to (not including) the PDPTs.
void PageTables::free_empty_tables(const Slot& slot) {
  for (u32 level = slot.level; level <= 2; ++level) {
    u64* parent = slot.path[level + 1];
    u64 table_address = PageEntry(*parent).address();
    u64* table = memory_->table_at(table_address);
    for (u32 i = 0; i < 512; ++i)
      if (table[i] != 0) return;
    memory_->free_table(table_address);
    ++tables_freed_;
    *parent = 0;
  }
}

PageState PageTables::lookup(u64 virt, Translation* out) const {
  if (!is_canonical(virt)) return PageState::NotMapped;
  const u64* table = memory_->table_at(root_);
  for (u32 level = 4; level >= 1; --level) {
    u64 entry = table[index_at(virt, level)];
    if (!PageEntry(entry).present())
      return level == 1 && entry == kGuardEntry ? PageState::Guard : PageState::NotMapped;
    if (is_leaf(entry, level)) {
      u64 offset = virt & (level_bytes(level) - 1);
      u64 frame = leaf_frame(entry, level);
      if (out)
        *out = {frame | offset, entry & ~(kAddressMask & ~(level_bytes(level) - 1)),
                size_at(level)};
      return PageState::Mapped;
    }
    table = memory_->table_at(PageEntry(entry).address());
  }
  return PageState::NotMapped;
}

namespace {
Result<u64, MapError> range_end(u64 virt, u64 size) {
  u64 end = 0;
  if (!libk::is_aligned(virt | size, kSize4K)) return unexpected(MapError::Misaligned);
  if (!libk::checked_add(virt, size, end) || !is_canonical(virt) ||
      (size > 0 && (!is_canonical(end - 1) || (virt >> 47) != ((end - 1) >> 47))))
    return unexpected(MapError::NotCanonical);
  return end;
}
}  // namespace

Result<u64, MapError> PageTables::unmap(u64 virt, u64 size) {
  u64 end = TRY(range_end(virt, size));
  u64 unmapped = 0;
  for (u64 va = virt; va < end;) {
    Slot slot = TRY(find_leaf(va, end, true));
    u64 next = libk::align_down(va, level_bytes(slot.level)) + level_bytes(slot.level);
    bool present = PageEntry(*slot.entry).present();
    if (present) unmapped += level_bytes(slot.level);
    if (present || (slot.level == 1 && *slot.entry == kGuardEntry)) *slot.entry = 0;
    // The last entry of its table this call touches: the table may now be empty.
    bool last_in_table = index_at(va, slot.level) == 511 || next >= end || next < va;
    if (slot.level <= 2 && last_in_table) free_empty_tables(slot);
    if (next < va) break;  // wrapped past the top of the address space
    va = next;
  }
  return unmapped;
}

// NotMapped unless every page of [virt, virt + size) is mapped. Changes nothing.
Result<void, MapError> PageTables::check_range(u64 virt, u64 size) const {
  for (u64 va = virt; va < virt + size; va += kSize4K) {
    Translation t;
    if (lookup(va, &t) != PageState::Mapped) return unexpected(MapError::NotMapped);
    u64 page = page_bytes(t.size);  // skip the rest of a large page
    va = libk::align_down(va, page) + page - kSize4K;
  }
  return {};
}

Result<void, MapError> PageTables::protect(u64 virt, u64 size, Permissions perms) {
  u64 end = TRY(range_end(virt, size));
  TRY(check_range(virt, size));
  for (u64 va = virt; va < end;) {
    Slot slot = TRY(find_leaf(va, end, true));
    *slot.entry = leaf_frame(*slot.entry, slot.level) | leaf_flags(perms, size_at(slot.level));
    va = libk::align_down(va, level_bytes(slot.level)) + level_bytes(slot.level);
  }
  return {};
}

Result<void, MapError> PageTables::map_guard(u64 virt, u64 size) {
  u64 end = TRY(range_end(virt, size));
  for (u64 va = virt; va < end; va += kSize4K)
    if (lookup(va) == PageState::Mapped) return unexpected(MapError::AlreadyMapped);
  for (u64 va = virt; va < end; va += kSize4K) {
    u64* entry = TRY(walk_create(va, 1));
    *entry = kGuardEntry;
  }
  return {};
}

}  // namespace hal::paging
