// Helpers shared by the page-table builder's files (paging.cpp, paging_edit.cpp).
#pragma once

#include <hal/paging.hpp>

namespace hal::paging::detail {

// Level 4 = PML4, 3 = PDPT, 2 = PD, 1 = PT (SDM Vol. 3A §4.5, Figure 4-8).
constexpr u32 index_at(u64 virt, u32 level) { return (virt >> (12 + 9 * (level - 1))) & 511; }

// Bytes one entry at `level` covers: 4 KiB, 2 MiB, 1 GiB, 512 GiB.
constexpr u64 level_bytes(u32 level) { return u64{1} << (12 + 9 * (level - 1)); }

constexpr u32 leaf_level(PageSize s) {
  return s == PageSize::Size1G ? 3 : s == PageSize::Size2M ? 2 : 1;
}

constexpr PageSize size_at(u32 level) {
  return level == 3 ? PageSize::Size1G : level == 2 ? PageSize::Size2M : PageSize::Size4K;
}

// A leaf at `level`: a PTE, or a PDE/PDPTE with PS set.
constexpr bool is_leaf(u64 entry, u32 level) {
  return level == 1 || (level <= 3 && PageEntry(entry).huge());
}

// The frame a present leaf entry at `level` points to.
constexpr u64 leaf_frame(u64 entry, u32 level) {
  return PageEntry(entry).address() & ~(level_bytes(level) - 1);
}

// An entry pointing at the next-level table at `frame`. It grants everything; the leaves
// decide (SDM Vol. 3A §4.6: the rights along the walk combine).
constexpr u64 table_entry(u64 frame) {
  return PageEntry(0).set_address(frame).set_present(true).set_writable(true).set_user(true).raw();
}

}  // namespace hal::paging::detail
