// Which interrupt vectors are free for device interrupts (MSI, MSI-X), pure: a bitmap over
// a range of the 256 vectors. Blocks are naturally aligned powers of two, because a
// function using multiple-message MSI varies the low bits of the one vector it is given
// (PCI 3.0 §6.8.1.6). Not thread-safe: kernel/interrupts.cpp holds a lock around it.
#pragma once

#include <libk/optional.hpp>
#include <libk/types.hpp>

namespace libk::irq {

class VectorAllocator {
 public:
  // Vectors [first, end) may be handed out.
  constexpr VectorAllocator(u8 first, u16 end) : first_(first), end_(end) {}

  // `count` consecutive free vectors starting at a multiple of `count` (a power of two,
  // 1-32); nullopt if none are free or `count` is not a power of two in that range.
  Optional<u8> allocate(u8 count);
  // Returns a block from allocate(). False (and nothing changed) if any of its vectors is
  // not allocated or outside the range: a double free.
  [[nodiscard]] bool free(u8 first, u8 count);
  bool is_allocated(u8 vector) const;
  u32 free_count() const;

 private:
  bool all_free(u16 first, u16 count) const;
  void set(u16 first, u16 count, bool used);

  u8 first_;
  u16 end_;
  u64 used_[4] = {};
};

}  // namespace libk::irq
