#include "splash.hpp"

#include <libk/pixel.hpp>

#include "boot.hpp"

namespace kernel {

namespace {

libk::PixelPacker packer_for(const boot::Framebuffer& fb) {
  switch (fb.format) {
    case boot::PixelFormat::Rgbx: return libk::PixelPacker::rgbx();
    case boot::PixelFormat::Bgrx: return libk::PixelPacker::bgrx();
    default: return libk::PixelPacker::from_masks({fb.red_mask, fb.green_mask, fb.blue_mask});
  }
}

constexpr libk::Rgb kBackground{0x1c, 0x1b, 0x22};
constexpr libk::Rgb kBands[] = {{0xff, 0x6b, 0x1a}, {0xff, 0x9e, 0x2c}, {0xff, 0xd1, 0x66}};

}  // namespace

void paint_splash() {
  const boot::Framebuffer& fb = boot_info::get().framebuffer;
  if (fb.format == boot::PixelFormat::None || fb.bits_per_pixel != 32) return;
  libk::PixelPacker packer = packer_for(fb);
  u32 background = packer.pack(kBackground);
  u32 band_height = fb.height / 24;
  u32 bands_top = fb.height / 2 - band_height * 3 / 2;
  for (u32 y = 0; y < fb.height; ++y) {
    u32 pixel = background;
    if (y >= bands_top && y < bands_top + 3 * band_height)
      pixel = packer.pack(kBands[(y - bands_top) / band_height]);
    auto* row = boot_info::physical_to_virtual<volatile u32>(fb.base + u64(y) * fb.pitch);
    for (u32 x = 0; x < fb.width; ++x) row[x] = pixel;
  }
}

}  // namespace kernel
