// x86-64 4-level page tables (Intel SDM Vol. 3A §4.5). The builder is pure logic: it gets
// zeroed table frames and a way to reach them through a TableMemory interface, so the same
// code runs in the loader (identity-mapped firmware memory), in the kernel (direct map) and
// in host tests (a fake physical memory).
#pragma once

#include <hal/bit_register.hpp>
#include <libk/optional.hpp>
#include <libk/result.hpp>
#include <libk/string_view.hpp>
#include <libk/types.hpp>

namespace hal::paging {

// A paging-structure entry at any level — SDM Vol. 3A §4.5, Tables 4-15 to 4-20. Some bits
// mean different things at different levels: bit 7 is PS in a PDPTE/PDE and PAT in a 4 KiB
// PTE; bit 12 is PAT in a 2 MiB/1 GiB leaf and an address bit everywhere else.
class PageEntry : public hal::detail::BitRegister<PageEntry> {
 public:
  using BitRegister::BitRegister;
  HAL_BIT(0, present);
  HAL_BIT(1, writable);
  HAL_BIT(2, user);
  HAL_BIT(3, write_through);  // PWT
  HAL_BIT(4, cache_disable);  // PCD
  HAL_BIT(5, accessed);
  HAL_BIT(6, dirty);
  HAL_BIT(7, huge);    // PS in a PDPTE/PDE: the entry maps a 1 GiB/2 MiB page
  HAL_BIT(7, pat_4k);  // PAT in a 4 KiB PTE
  HAL_BIT(8, global);
  HAL_BIT(12, pat_large);  // PAT in a 2 MiB/1 GiB entry
  // The next table's address, or the page's (a large page's address has more low zeros).
  HAL_ADDRESS(51, 12, address);
  HAL_BIT(63, no_execute);  // XD, with IA32_EFER.NXE
};

// The entry bits as masks, for code that tests or combines flags; each comes from PageEntry.
inline constexpr u64 kPresent = PageEntry(0).set_present(true).raw();
inline constexpr u64 kWritable = PageEntry(0).set_writable(true).raw();
inline constexpr u64 kUser = PageEntry(0).set_user(true).raw();
inline constexpr u64 kWriteThrough = PageEntry(0).set_write_through(true).raw();
inline constexpr u64 kCacheDisable = PageEntry(0).set_cache_disable(true).raw();
inline constexpr u64 kAccessed = PageEntry(0).set_accessed(true).raw();
inline constexpr u64 kDirty = PageEntry(0).set_dirty(true).raw();
inline constexpr u64 kHuge = PageEntry(0).set_huge(true).raw();
inline constexpr u64 kPat4K = PageEntry(0).set_pat_4k(true).raw();
inline constexpr u64 kGlobal = PageEntry(0).set_global(true).raw();
inline constexpr u64 kPatLarge = PageEntry(0).set_pat_large(true).raw();
inline constexpr u64 kNoExecute = PageEntry(0).set_no_execute(true).raw();
inline constexpr u64 kAddressMask = PageEntry(~u64{0}).address();
inline constexpr u64 kMaxPhysical = (1ull << 52) - 1;  // architectural MAXPHYADDR limit

// A non-present 4 KiB entry with this value marks a guard page. With P = 0 the processor
// ignores every other bit (SDM Vol. 3A §4.5, Figure 4-11: "Ignored"), so software may store
// a tag there; the fault classifier reads it back.
inline constexpr u64 kGuardEntry = 0x6775617264ull << 12;  // "guard"

inline constexpr u64 kSize4K = 4096;
inline constexpr u64 kSize2M = 2 * 1024 * 1024;
inline constexpr u64 kSize1G = 1024 * 1024 * 1024;

// Memory types selected through PAT/PCD/PWT. Ember programs IA32_PAT so that index 4
// (PAT=1, PCD=0, PWT=0) is write-combining; indices 0-3 keep their power-on values
// (WB, WT, UC-, UC). Until the kernel programs the PAT, WriteCombining falls back to WB.
enum class Cache : u8 { WriteBack, WriteThrough, Uncached, WriteCombining };

struct Permissions {
  bool writable = false;
  bool executable = false;
  bool user = false;
  bool global = false;
  Cache cache = Cache::WriteBack;
};

enum class PageSize : u8 { Size4K, Size2M, Size1G };

constexpr u64 page_bytes(PageSize s) {
  return s == PageSize::Size1G ? kSize1G : s == PageSize::Size2M ? kSize2M : kSize4K;
}

// Where table frames come from and how to reach them.
class TableMemory {
 public:
  // A zero-filled, 4 KiB-aligned frame for a new table; nullopt when out of memory.
  virtual libk::Optional<u64> allocate_table() = 0;
  // A pointer through which the table at physical address `phys` can be read and written.
  virtual u64* table_at(u64 phys) = 0;
  // Takes back a table frame that unmap() emptied. The default keeps it.
  virtual void free_table(u64 /*phys*/) {}

 protected:
  ~TableMemory() = default;
};

enum class MapError : u8 {
  OutOfMemory,
  Misaligned,
  AlreadyMapped,
  NotCanonical,  // virtual range leaves (or crosses) a canonical half
  NotMapped,
  BadPhysical,  // physical range wraps or exceeds 52 bits
};

// What the tables say about one virtual address.
enum class PageState : u8 { Mapped, Guard, NotMapped };

libk::StringView map_error_text(MapError e);

struct Translation {
  u64 physical;
  u64 flags;  // the leaf entry without its frame address (PAT is bit 12 in a large page)
  PageSize size;
};

inline constexpr bool is_canonical(u64 va) {
  u64 top = va >> 47;
  return top == 0 || top == 0x1ffff;
}

class PageTables {
 public:
  // Builds an empty top-level table.
  static libk::Result<PageTables, MapError> create(TableMemory& memory);
  // Wraps an existing hierarchy (e.g. the one in CR3).
  constexpr PageTables(TableMemory& memory, u64 root) : memory_(&memory), root_(root) {}

  u64 root() const { return root_; }

  // Maps [virt, virt + size) to [phys, phys + size). All three must be 4 KiB-aligned. Uses
  // the largest page size up to `largest` that alignment and length allow. Fails, without
  // undoing earlier pages, if any page in the range is already mapped.
  libk::Result<void, MapError> map(u64 virt, u64 phys, u64 size, Permissions perms,
                                   PageSize largest = PageSize::Size4K);

  libk::Optional<Translation> translate(u64 virt) const;

  // Like translate(), but tells a guard page from an address that is simply not mapped.
  PageState lookup(u64 virt, Translation* out = nullptr) const;

  // Removes every mapping and guard marker in [virt, virt + size) (4 KiB-aligned). A large
  // page only partly inside the range is split first, so the rest of it stays mapped.
  // Pages that are not mapped are skipped. Page tables and page directories left empty go
  // back through TableMemory::free_table; PDPTs stay (the top-level entries of the kernel
  // half are shared by every address space). Returns the number of bytes that were mapped.
  // The caller invalidates the TLB for the range (hal/tlb.hpp).
  libk::Result<u64, MapError> unmap(u64 virt, u64 size);

  // Gives every page in [virt, virt + size) the permissions and cache type `perms`, keeping
  // its physical address, splitting large pages only partly inside the range. Fails with
  // NotMapped, changing nothing, if any page in the range is not mapped. The caller
  // invalidates the TLB for the range.
  libk::Result<void, MapError> protect(u64 virt, u64 size, Permissions perms);

  // Marks [virt, virt + size) as guard pages: not present, tagged kGuardEntry. Fails if a
  // page in the range is mapped.
  libk::Result<void, MapError> map_guard(u64 virt, u64 size);

  // Counts the table frames allocated by this builder so far, and those freed by unmap().
  usize tables_allocated() const { return tables_allocated_; }
  usize tables_freed() const { return tables_freed_; }

  static u64 leaf_flags(Permissions perms, PageSize size);

 private:
  struct Slot {
    u64* entry;
    u32 level;     // the entry maps (or would map) a page of level_bytes(level)
    u64* path[5];  // path[l]: the entry at level l on the way down (l >= level)
  };
  libk::Result<u64*, MapError> walk_create(u64 virt, u32 target_level);
  bool slot_empty(u64 virt, u32 level) const;
  libk::Result<Slot, MapError> find_leaf(u64 virt, u64 end, bool split);
  libk::Result<void, MapError> split_large(u64* entry, u32 level);
  libk::Result<void, MapError> check_range(u64 virt, u64 size) const;
  void free_empty_tables(const Slot& slot);
  libk::Result<void, MapError> map_one(u64 virt, u64 phys, PageSize size, Permissions perms);

  TableMemory* memory_;
  u64 root_;
  usize tables_allocated_ = 0;
  usize tables_freed_ = 0;
};

}  // namespace hal::paging
