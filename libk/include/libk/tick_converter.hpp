// Converting counts of one clock into another (TSC cycles -> nanoseconds, nanoseconds ->
// LAPIC timer ticks) without division or floating point at run time:
//   out = (in * mult) >> shift,   mult = (to_hz << shift) / from_hz
// computed once at calibration. The product is taken in 128 bits, so it cannot overflow for
// any 64-bit input; the result saturates at 2^64 - 1. The conversion rounds down.
#pragma once

#include <libk/types.hpp>

namespace libk {

class TickConverter {
 public:
  constexpr TickConverter() = default;

  // A converter from a clock at `from_hz` to one at `to_hz` (any unit, as long as both use
  // it). The shift is the largest for which to_hz << shift fits in 64 bits, so mult keeps at
  // least 64 - log2(from_hz) significant bits. `from_hz` and `to_hz` must be non-zero.
  static constexpr TickConverter between(u64 from_hz, u64 to_hz) {
    if (from_hz == 0 || to_hz == 0) return {};
    u32 shift = u32(__builtin_clzll(to_hz));
    return TickConverter((to_hz << shift) / from_hz, shift);
  }

  constexpr u64 convert(u64 ticks) const {
    unsigned __int128 product = static_cast<unsigned __int128>(ticks) * mult_;
    unsigned __int128 out = product >> shift_;
    return out > ~u64{0} ? ~u64{0} : u64(out);
  }

  constexpr u64 mult() const { return mult_; }
  constexpr u32 shift() const { return shift_; }
  constexpr bool valid() const { return mult_ != 0; }

 private:
  constexpr TickConverter(u64 mult, u32 shift) : mult_(mult), shift_(shift) {}
  u64 mult_ = 0;
  u32 shift_ = 0;
};

}  // namespace libk
