// DMA buffers (memory/dma.hpp): under their address limit, aligned, inside their boundary,
// zeroed, and of the requested memory type in the direct map (and write-back again after).
#include <libk/utility.hpp>

#include "ktest.hpp"
#include "memory/dma.hpp"
#include "memory/pmm.hpp"
#include "memory/vm.hpp"

namespace kernel {

namespace {

using hal::paging::Cache;

constexpr u64 kUcBits = hal::paging::kCacheDisable | hal::paging::kWriteThrough;

u64 cache_bits(const void* virt) {
  auto t = vm::translate(reinterpret_cast<u64>(virt));
  return t ? t->flags & (kUcBits | hal::paging::kPat4K) : ~u64{0};
}

}  // namespace

KTEST("dma.buffer.ends_below_its_limit") {
  const u64 limits[] = {dma::kLimit4G, u64{64} << 20};
  for (u64 limit : limits) {
    dma::Buffer buffers[16];
    for (dma::Buffer& b : buffers) {
      auto r = dma::allocate(8192, {.limit = limit});
      if (!KEXPECT(r.ok())) break;
      b = r.value();
      KEXPECT(b.phys + b.size <= limit);
    }
    for (dma::Buffer& b : buffers) dma::free(b);
  }
}

KTEST("dma.buffer.is_aligned_and_inside_its_boundary_and_zeroed") {
  auto r = dma::allocate(3000, {.alignment = 64 * libk::KiB, .boundary = 64 * libk::KiB});
  if (!KEXPECT(r.ok())) return;
  dma::Buffer b = r.value();
  KEXPECT(libk::is_aligned(b.phys, 64 * libk::KiB));
  KEXPECT_EQ(b.phys / (64 * libk::KiB), (b.phys + b.size - 1) / (64 * libk::KiB));
  bool zero = true;
  for (u64 i = 0; i < b.size; ++i) zero &= b.as<u8>()[i] == 0;
  KEXPECT(zero);
  dma::free(b);
  KEXPECT(!b.valid());
}

KTEST("dma.buffer.uncached_changes_the_direct_map_and_frees_back_to_write_back") {
  u64 dma_pages = pmm::pages_owned_by(pmm::Owner::Dma);
  auto r = dma::allocate(4096, {.cache = Cache::Uncached});
  if (!KEXPECT(r.ok())) return;
  dma::Buffer b = r.value();
  void* virt = b.virt;
  KEXPECT_EQ(cache_bits(virt), kUcBits);
  b.as<volatile u32>()[0] = 0x12345678;  // writable, and reads back through the UC mapping
  KEXPECT_EQ(u32(b.as<volatile u32>()[0]), 0x12345678u);
  KEXPECT_EQ(pmm::pages_owned_by(pmm::Owner::Dma), dma_pages + 1);
  dma::free(b);
  KEXPECT_EQ(cache_bits(virt), 0u);
  KEXPECT_EQ(pmm::pages_owned_by(pmm::Owner::Dma), dma_pages);
}

KTEST("dma.buffer.refuses_constraints_that_cannot_hold") {
  KEXPECT(dma::allocate(0, {}).error() == dma::DmaError::BadConstraints);
  KEXPECT(dma::allocate(4096, {.alignment = 3000}).error() == dma::DmaError::BadConstraints);
  KEXPECT(dma::allocate(128 * libk::KiB, {.boundary = 64 * libk::KiB}).error() ==
          dma::DmaError::BadConstraints);
  KEXPECT(dma::allocate(4096, {.limit = 4096}).error() == dma::DmaError::NoMemory);
}

}  // namespace kernel
