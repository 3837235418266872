// Packing 8-bit RGB colours into framebuffer pixels for the formats the loader reports
// (RGBX, BGRX, or arbitrary channel masks). Pure logic, host-tested.
#pragma once

#include <libk/types.hpp>

namespace libk {

struct Rgb {
  u8 r, g, b;
  constexpr bool operator==(const Rgb&) const = default;
};

struct ChannelMasks {
  u32 red, green, blue;
};

class PixelPacker {
 public:
  static constexpr PixelPacker rgbx() { return from_masks({0x0000FF, 0x00FF00, 0xFF0000}); }
  static constexpr PixelPacker bgrx() { return from_masks({0xFF0000, 0x00FF00, 0x0000FF}); }

  // Any contiguous channel masks of up to 8 bits each (wider masks keep their top 8 bits).
  static constexpr PixelPacker from_masks(ChannelMasks m) {
    PixelPacker p;
    p.red_ = channel(m.red);
    p.green_ = channel(m.green);
    p.blue_ = channel(m.blue);
    return p;
  }

  constexpr u32 pack(Rgb c) const {
    return place(red_, c.r) | place(green_, c.g) | place(blue_, c.b);
  }

  constexpr Rgb unpack(u32 pixel) const {
    return {take(red_, pixel), take(green_, pixel), take(blue_, pixel)};
  }

 private:
  struct Channel {
    u8 shift = 0;  // position of the mask's lowest bit
    u8 bits = 0;   // width of the mask (at most 8 used)
  };

  static constexpr Channel channel(u32 mask) {
    if (mask == 0) return {};
    u8 shift = u8(__builtin_ctz(mask));
    u8 bits = u8(32 - __builtin_clz(mask) - shift);
    if (bits > 8) shift = u8(shift + bits - 8), bits = 8;
    return {shift, bits};
  }
  static constexpr u32 place(Channel ch, u8 v) {
    return ch.bits ? u32(v >> (8 - ch.bits)) << ch.shift : 0;
  }
  static constexpr u8 take(Channel ch, u32 pixel) {
    if (!ch.bits) return 0;
    u32 v = (pixel >> ch.shift) & ((1u << ch.bits) - 1);
    u32 scaled = v << (8 - ch.bits);
    // Replicate the top bits downwards so full-scale stays full-scale (5-bit 31 -> 255).
    for (u32 filled = ch.bits; filled < 8; filled += ch.bits) scaled |= scaled >> ch.bits;
    return u8(scaled);
  }

  Channel red_, green_, blue_;
};

}  // namespace libk
