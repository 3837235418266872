#include <hal/paging.hpp>
#include <libk/utility.hpp>

#include "paging_internal.hpp"

namespace hal::paging {

using libk::Result;
using libk::unexpected;

using detail::index_at;
using detail::leaf_level;

namespace {

// `entry` with the PAT/PCD/PWT bits for a cache type (see the Cache comment for Ember's PAT
// layout).
PageEntry with_cache(PageEntry entry, Cache c, PageSize size) {
  switch (c) {
    case Cache::WriteBack: return entry;
    case Cache::WriteThrough: return entry.set_write_through(true);
    case Cache::Uncached: return entry.set_cache_disable(true).set_write_through(true);
    case Cache::WriteCombining:
      return size == PageSize::Size4K ? entry.set_pat_4k(true) : entry.set_pat_large(true);
  }
  return entry;
}

}  // namespace

libk::StringView map_error_text(MapError e) {
  switch (e) {
    case MapError::OutOfMemory: return "out of memory for page tables";
    case MapError::Misaligned: return "address or size not page-aligned";
    case MapError::AlreadyMapped: return "already mapped";
    case MapError::NotCanonical: return "non-canonical address";
    case MapError::NotMapped: return "not mapped";
    case MapError::BadPhysical: return "physical address out of range";
  }
  return "page table error";
}

Result<PageTables, MapError> PageTables::create(TableMemory& memory) {
  auto root = memory.allocate_table();
  if (!root) return unexpected(MapError::OutOfMemory);
  PageTables tables(memory, *root);
  tables.tables_allocated_ = 1;
  return tables;
}

u64 PageTables::leaf_flags(Permissions perms, PageSize size) {
  PageEntry entry = PageEntry(0)
                        .set_present(true)
                        .set_writable(perms.writable)
                        .set_no_execute(!perms.executable)
                        .set_user(perms.user)
                        .set_global(perms.global);
  if (size != PageSize::Size4K) entry.set_huge(true);  // after the PAT bit: bit 7 in a PTE
  return with_cache(entry, perms.cache, size).raw();
}

// Returns the entry at `target_level` for `virt`, creating intermediate tables on the way.
Result<u64*, MapError> PageTables::walk_create(u64 virt, u32 target_level) {
  u64* table = memory_->table_at(root_);
  for (u32 level = 4; level > target_level; --level) {
    u64& entry = table[index_at(virt, level)];
    if (!PageEntry(entry).present()) {
      auto frame = memory_->allocate_table();
      if (!frame) return unexpected(MapError::OutOfMemory);
      ++tables_allocated_;
      entry = detail::table_entry(*frame);
    } else if (detail::is_leaf(entry, level)) {
      return unexpected(MapError::AlreadyMapped);
    }
    table = memory_->table_at(PageEntry(entry).address());
  }
  return &table[index_at(virt, target_level)];
}

Result<void, MapError> PageTables::map_one(u64 virt, u64 phys, PageSize size, Permissions perms) {
  u64* entry = TRY(walk_create(virt, leaf_level(size)));
  if (*entry != 0) return unexpected(MapError::AlreadyMapped);  // a mapping or a guard page
  *entry = phys | leaf_flags(perms, size);
  return {};
}

Result<void, MapError> PageTables::map(u64 virt, u64 phys, u64 size, Permissions perms,
                                       PageSize largest) {
  if (!libk::is_aligned(virt | phys | size, kSize4K)) return unexpected(MapError::Misaligned);
  u64 last = 0;
  if (size == 0) return {};
  if (!libk::checked_add(virt, size - 1, last) || !is_canonical(virt) || !is_canonical(last) ||
      (virt >> 47) != (last >> 47))
    return unexpected(MapError::NotCanonical);
  u64 phys_last = 0;
  if (!libk::checked_add(phys, size - 1, phys_last) || phys_last > kMaxPhysical)
    return unexpected(MapError::BadPhysical);
  while (size > 0) {
    PageSize page = PageSize::Size4K;
    constexpr PageSize kCandidates[] = {PageSize::Size1G, PageSize::Size2M};
    for (PageSize candidate : kCandidates) {
      u64 bytes = page_bytes(candidate);
      if (u8(candidate) <= u8(largest) && size >= bytes && libk::is_aligned(virt | phys, bytes) &&
          slot_empty(virt, leaf_level(candidate))) {
        page = candidate;
        break;
      }
    }
    TRY(map_one(virt, phys, page, perms));
    u64 step = page_bytes(page);
    virt += step, phys += step, size -= step;
  }
  return {};
}

libk::Optional<Translation> PageTables::translate(u64 virt) const {
  Translation t;
  if (lookup(virt, &t) != PageState::Mapped) return libk::nullopt;
  return t;
}

// True if nothing occupies the entry at `level` for `virt` yet (tables above it may still
// have to be created). A large page is not placed over an existing, possibly empty, table.
bool PageTables::slot_empty(u64 virt, u32 level) const {
  const u64* table = memory_->table_at(root_);
  for (u32 l = 4; l > level; --l) {
    u64 entry = table[index_at(virt, l)];
    if (!PageEntry(entry).present()) return true;
    if (detail::is_leaf(entry, l)) return false;
    table = memory_->table_at(PageEntry(entry).address());
  }
  return table[index_at(virt, level)] == 0;
}

}  // namespace hal::paging
