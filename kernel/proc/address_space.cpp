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
      pmm::free(e.address(), 0);
      ++pages;
    } else {
      pages += free_below(e.address(), level - 1, tables);
    }
  }
  pmm::free(table, 0);
  --tables;
  return pages;
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

void AddressSpace::unmap_page(u64 virt) {
  VERIFY(user_page(virt));
  auto t = translate(virt);
  if (!t) return;
  Tables memory(tables_);
  hal::paging::PageTables tables(memory, root_);
  VERIFY(tables.unmap(virt, libk::kPageSize).ok());
  if (hal::Cr3::read().base() == root_) hal::cpu::invlpg(virt);
  pmm::free(t->physical, 0);
  --pages_;
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
      for (usize i = 0; i < n; ++i) pmm::free(frames[i], 0);
      pages_ -= n;
    }
    batch_begin = page;
  }
}

void AddressSpace::destroy() {
  if (root_ == 0) return;
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
