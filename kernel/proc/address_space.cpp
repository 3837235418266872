#include "proc/address_space.hpp"

#include <boot/address_space.hpp>
#include <hal/cpu.hpp>
#include <hal/registers.hpp>

#include "boot.hpp"
#include "cpu/tlb.hpp"
#include "memory/heap.hpp"
#include "memory/pmm.hpp"
#include "memory/vm.hpp"
#include "panic.hpp"
#include "proc/memory_areas.hpp"
#include "sched/scheduler.hpp"

namespace kernel::proc {

namespace {

using hal::paging::MapError;
using hal::paging::PageEntry;

constexpr u32 kEntries = 512;
constexpr u32 kKernelHalfFirst = 256;

u64* table_at(u64 phys) { return boot_info::physical_to_virtual<u64>(phys); }

// Table frames from pmm, counted so the address space can say what it holds.
class Tables final : public hal::paging::TableMemory {
 public:
  explicit Tables(u64& count) : count_(count) {}
  libk::Optional<u64> allocate_table() override {
    auto frame = pmm::allocate(0, pmm::Owner::PageTable);
    if (frame) ++count_;
    return frame;
  }
  u64* table_at(u64 phys) override { return proc::table_at(phys); }
  void free_table(u64 phys) override {
    pmm::free(phys, 0);
    --count_;
  }

 private:
  u64& count_;
};

// Frees the tables below `table` (at `level`: 3 for a PDPT, 2 a PD, 1 a page table) and the
// frames their leaves map; returns the user pages freed.
u64 free_below(u64 table, u32 level, u64& tables) {
  u64 pages = 0;
  u64* entries = table_at(table);
  for (u32 i = 0; i < kEntries; ++i) {
    PageEntry e(entries[i]);
    if (!e.present()) continue;
    VERIFY(level == 1 || !e.huge());  // the user half has 4 KiB pages only
    if (level == 1) {
      pmm::release(e.address());  // frees it unless another address space shares it
      ++pages;
    } else {
      pages += free_below(e.address(), level - 1, tables);
    }
  }
  pmm::free(table, 0);
  --tables;
  return pages;
}

// Counts the leaves below `table` (at `level`) into `s`.
void count_below(u64 table, u32 level, AddressSpace::Sharing& s) {
  u64* entries = table_at(table);
  for (u32 i = 0; i < kEntries; ++i) {
    PageEntry e(entries[i]);
    if (!e.present()) continue;
    if (level > 1) {
      count_below(e.address(), level - 1, s);
      continue;
    }
    ++s.resident;
    if (pmm::references(e.address()) > 1) ++s.shared;
  }
}

// Copies the user table `from` (at `level`: 3 a PDPT, 2 a PD, 1 a page table) into `to`, a
// zeroed table already linked into the child's tree, so that a failure half-way leaves a tree
// destroy() can free. Leaves: the frame is shared, both entries read-only.
bool copy_below(u64 from, u64 to, u32 level, u64& tables, u64& pages) {
  u64* src = table_at(from);
  u64* dst = table_at(to);
  for (u32 i = 0; i < kEntries; ++i) {
    PageEntry e(src[i]);
    if (!e.present()) {
      dst[i] = src[i];  // empty, or a guard marker (level 1)
      continue;
    }
    VERIFY(level == 1 || !e.huge());
    if (level == 1) {
      // Atomically: a thread of the parent on another CPU may be setting accessed/dirty.
      u64 shared = __atomic_and_fetch(&src[i], ~hal::paging::kWritable, __ATOMIC_SEQ_CST);
      pmm::share(PageEntry(shared).address());
      dst[i] = shared;
      ++pages;
      continue;
    }
    auto table = pmm::allocate(0, pmm::Owner::PageTable);
    if (!table) return false;
    ++tables;
    u64 next = e.address();
    dst[i] = e.set_address(*table).raw();  // set_address changes e
    if (!copy_below(next, *table, level - 1, tables, pages)) return false;
  }
  return true;
}

bool user_page(u64 virt) {
  return libk::is_aligned(virt, libk::kPageSize) &&
         boot::layout::kUserSpace.contains_range(virt, libk::kPageSize);
}

}  // namespace

bool AddressSpace::create() {
  VERIFY(root_ == 0);
  memory_ = new (heap::nothrow) ProcessMemory(*this);
  if (memory_ == nullptr) return false;
  auto frame = pmm::allocate(0, pmm::Owner::PageTable);
  if (!frame) {
    delete memory_;
    memory_ = nullptr;
    return false;
  }
  root_ = *frame;
  tables_ = 1;
  pages_ = 0;
  const u64* kernel = table_at(vm::kernel_root());
  u64* own = table_at(root_);
  for (u32 i = kKernelHalfFirst; i < kEntries; ++i) own[i] = kernel[i];
  return true;
}

libk::Result<u64, MapError> AddressSpace::map_page(u64 virt, hal::paging::Permissions perms) {
  if (!user_page(virt)) return libk::unexpected(MapError::NotCanonical);
  if (auto t = translate(virt)) return t->physical;
  auto frame = pmm::allocate(0, pmm::Owner::User);
  if (!frame) return libk::unexpected(MapError::OutOfMemory);
  perms.user = true;
  perms.global = false;  // a CR3 switch must drop them
  Tables memory(tables_);
  hal::paging::PageTables tables(memory, root_);
  if (auto r = tables.map(virt, *frame, libk::kPageSize, perms); !r) {
    pmm::free(*frame, 0);
    return libk::unexpected(r.error());
  }
  ++pages_;
  return *frame;
}

libk::Result<void, MapError> AddressSpace::map_guard(u64 virt, u64 size) {
  if (!user_page(virt)) return libk::unexpected(MapError::NotCanonical);
  Tables memory(tables_);
  hal::paging::PageTables tables(memory, root_);
  return tables.map_guard(virt, size);
}

libk::Optional<hal::paging::Translation> AddressSpace::translate(u64 virt) {
  Tables memory(tables_);
  return hal::paging::PageTables(memory, root_).translate(virt);
}

void AddressSpace::unmap_range(u64 begin, u64 end) {
  VERIFY(libk::is_aligned(begin, libk::kPageSize) && libk::is_aligned(end, libk::kPageSize));
  constexpr usize kBatch = 64;  // frames held back per shootdown
  u64 frames[kBatch];
  Tables memory(tables_);
  hal::paging::PageTables tables(memory, root_);
  for (u64 batch_begin = begin; batch_begin < end;) {
    usize n = 0;
    u64 page = batch_begin;
    for (; page < end && n < kBatch; page += libk::kPageSize) {
      VERIFY(user_page(page));
      auto t = tables.translate(page);
      if (!t) continue;
      VERIFY(tables.unmap(page, libk::kPageSize).ok());
      frames[n++] = t->physical;
    }
    if (n > 0) {
      tlb::shootdown(batch_begin, page - batch_begin);
      for (usize i = 0; i < n; ++i) pmm::release(frames[i]);
      pages_ -= n;
    }
    batch_begin = page;
  }
}

bool AddressSpace::copy_to(AddressSpace& child) {
  VERIFY(child.live() && child.pages_ == 0 && child.tables_ == 1);
  u64* top = table_at(root_);
  u64* child_top = table_at(child.root_);
  for (u32 i = 0; i < kKernelHalfFirst; ++i) {
    PageEntry e(top[i]);
    if (!e.present()) continue;
    auto table = pmm::allocate(0, pmm::Owner::PageTable);
    if (!table) return false;
    ++child.tables_;
    u64 next = e.address();
    child_top[i] = e.set_address(*table).raw();  // set_address changes e
    if (!copy_below(next, *table, 3, child.tables_, child.pages_)) return false;
  }
  return true;
}

AddressSpace::Sharing AddressSpace::sharing() {
  Sharing s{0, 0};
  if (root_ == 0) return s;
  u64* top = table_at(root_);
  for (u32 i = 0; i < kKernelHalfFirst; ++i) {
    PageEntry e(top[i]);
    if (e.present()) count_below(e.address(), 3, s);
  }
  VERIFY(s.resident == pages_);
  return s;
}

AddressSpace::PageInfo AddressSpace::page_info(u64 virt) {
  VERIFY(user_page(virt));
  Tables memory(tables_);
  hal::paging::PageTables tables(memory, root_);
  hal::paging::Translation t;
  if (tables.lookup(virt, &t) != hal::paging::PageState::Mapped) return {false, false, 0};
  return {true, (t.flags & hal::paging::kWritable) != 0, t.physical};
}

namespace {

// The PTE of mapped user page `virt` (4 KiB pages only in the user half).
u64* leaf_of(u64 root, u64 virt) {
  u64 table = root;
  for (u32 level = 4; level > 1; --level) {
    PageEntry e(table_at(table)[(virt >> (12 + 9 * (level - 1))) & 511]);
    VERIFY(e.present() && !e.huge());
    table = e.address();
  }
  u64* leaf = &table_at(table)[(virt >> 12) & 511];
  VERIFY(PageEntry(*leaf).present());
  return leaf;
}

}  // namespace

bool AddressSpace::copy_page(u64 virt) {
  VERIFY(user_page(virt));
  u64* leaf = leaf_of(root_, virt);
  u64 old = PageEntry(*leaf).address();
  auto frame = pmm::allocate(0, pmm::Owner::User);
  if (!frame) return false;
  __builtin_memcpy(boot_info::physical_to_virtual<void>(*frame),
                   boot_info::physical_to_virtual<void>(old), libk::kPageSize);
  u64 entry = PageEntry(*leaf).set_address(*frame).set_writable(true).raw();
  __atomic_store_n(leaf, entry, __ATOMIC_SEQ_CST);
  // Another thread of this process may have the old read-only translation cached: it would
  // go on reading the old frame after this one's writes.
  tlb::shootdown(virt, libk::kPageSize);
  pmm::release(old);
  return true;
}

void AddressSpace::make_writable(u64 virt) {
  VERIFY(user_page(virt));
  u64* leaf = leaf_of(root_, virt);
  __atomic_or_fetch(leaf, hal::paging::kWritable, __ATOMIC_SEQ_CST);
  // Other CPUs with the read-only translation cached fault once more and find it writable.
  if (hal::Cr3::read().base() == root_) hal::cpu::invlpg(virt);
}

void AddressSpace::swap(AddressSpace& other) {
  libk::swap(root_, other.root_);
  libk::swap(memory_, other.memory_);
  libk::swap(pages_, other.pages_);
  libk::swap(tables_, other.tables_);
  if (memory_) memory_->rebind(*this);
  if (other.memory_) other.memory_->rebind(other);
}

void AddressSpace::destroy() {
  if (root_ == 0) return;
  Scheduler::forget_address_space(root_);  // a CPU may hold it lazily (scheduler.cpp)
  VERIFY(hal::Cr3::read().base() != root_);
  u64* top = table_at(root_);
  u64 freed = 0;
  for (u32 i = 0; i < kKernelHalfFirst; ++i) {
    PageEntry e(top[i]);
    if (e.present()) freed += free_below(e.address(), 3, tables_);
  }
  VERIFY(freed == pages_);
  pmm::free(root_, 0);
  --tables_;
  VERIFY(tables_ == 0);
  root_ = 0;
  delete memory_;
  memory_ = nullptr;
  pages_ = 0;
}

}  // namespace kernel::proc
