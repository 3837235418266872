// TLB invalidation after page-table changes — Intel SDM Vol. 3A §4.10.4.
#pragma once

#include <hal/registers.hpp>

namespace hal::tlb {

// Invalidates the translation of the page holding `virt`, large pages and global pages
// included (INVLPG, SDM Vol. 3A §4.10.4.1).
inline void flush_page(u64 virt) { cpu::invlpg(virt); }

// Invalidates every translation on this CPU, global ones included: toggling CR4.PGE flushes
// global entries; with PGE off, reloading CR3 is enough (SDM Vol. 3A §4.10.4.1).
inline void flush_all() {
  Cr4 cr4 = Cr4::read();
  if (cr4.pge()) {
    Cr4(cr4.raw()).set_pge(false).write();
    cr4.write();
  } else {
    Cr3::read().write();
  }
}

// Invalidates [virt, virt + size): page by page for small ranges, all at once above that.
inline void flush_range(u64 virt, u64 size) {
  constexpr u64 kMaxSinglePages = 64;
  if (size / 4096 > kMaxSinglePages) return flush_all();
  for (u64 va = virt; va < virt + size; va += 4096) flush_page(va);
}

}  // namespace hal::tlb
