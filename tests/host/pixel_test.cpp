// libk/pixel.hpp: packing RGB colours into framebuffer pixels.
#include <catch2/catch.hpp>
#include <cstdlib>
#include <ostream>

#include <libk/pixel.hpp>

using libk::PixelPacker;
using libk::Rgb;

namespace libk {
std::ostream& operator<<(std::ostream& os, const Rgb& c) {
  return os << "rgb(" << int(c.r) << ", " << int(c.g) << ", " << int(c.b) << ")";
}
}  // namespace libk

namespace {

constexpr Rgb kWhite{255, 255, 255};
constexpr Rgb kBlack{0, 0, 0};
constexpr Rgb kSample{0x12, 0x34, 0x56};

// 16-bit 5-6-5, as in many small LCD controllers.
constexpr PixelPacker k565 = PixelPacker::from_masks({0xF800, 0x07E0, 0x001F});
// 30-bit 10-10-10 (x2r10g10b10), as some GOP drivers report with PixelBitMask.
constexpr PixelPacker k101010 = PixelPacker::from_masks({0x3FF0'0000, 0x000F'FC00, 0x0000'03FF});

}  // namespace

TEST_CASE("RGBX puts red in the lowest byte") {
  CHECK(PixelPacker::rgbx().pack(kSample) == 0x0056'3412);
}

TEST_CASE("BGRX puts blue in the lowest byte") {
  CHECK(PixelPacker::bgrx().pack(kSample) == 0x0012'3456);
}

TEST_CASE("BGRX masks given explicitly pack like the preset") {
  auto masks = PixelPacker::from_masks({0x00FF'0000, 0x0000'FF00, 0x0000'00FF});
  CHECK(masks.pack(kSample) == PixelPacker::bgrx().pack(kSample));
}

TEST_CASE("8-bit channel formats unpack what they pack") {
  for (PixelPacker p : {PixelPacker::rgbx(), PixelPacker::bgrx()}) {
    for (int v = 0; v < 256; ++v) {
      Rgb c{u8(v), u8(255 - v), u8(v * 7)};
      CHECK(p.unpack(p.pack(c)) == c);
    }
  }
}

TEST_CASE("8-bit channel formats ignore the reserved byte when unpacking") {
  CHECK(PixelPacker::rgbx().unpack(0xFF56'3412) == kSample);
  CHECK(PixelPacker::bgrx().unpack(0xAB12'3456) == kSample);
}

TEST_CASE("5-6-5 packs the top bits of each channel") {
  CHECK(k565.pack(kWhite) == 0xFFFF);
  CHECK(k565.pack(kBlack) == 0x0000);
  CHECK(k565.pack({255, 0, 0}) == 0xF800);
  CHECK(k565.pack({0, 255, 0}) == 0x07E0);
  CHECK(k565.pack({0, 0, 255}) == 0x001F);
  CHECK(k565.pack({0x84, 0x82, 0x08}) == (0x10u << 11 | 0x20u << 5 | 0x01u));
}

TEST_CASE("5-6-5 unpacks full scale to full scale") {
  CHECK(k565.unpack(0xFFFF) == kWhite);
  CHECK(k565.unpack(0xF800) == Rgb{255, 0, 0});
  CHECK(k565.unpack(0x07E0) == Rgb{0, 255, 0});
  CHECK(k565.unpack(0x001F) == Rgb{0, 0, 255});
}

TEST_CASE("5-6-5 unpacking replicates the top bits into the low bits") {
  // red 10000b -> 10000100b, green 100000b -> 10000010b, blue 00001b -> 00001000b
  CHECK(k565.unpack(0x10u << 11 | 0x20u << 5 | 0x01u) == Rgb{0x84, 0x82, 0x08});
}

TEST_CASE("5-6-5 round trip is within the channel's quantisation step") {
  for (int v = 0; v < 256; ++v) {
    Rgb c{u8(v), u8(v), u8(v)};
    Rgb back = k565.unpack(k565.pack(c));
    CAPTURE(v);
    CHECK(std::abs(back.r - c.r) < 8);
    CHECK(std::abs(back.g - c.g) < 4);
    CHECK(std::abs(back.b - c.b) < 8);
  }
}

TEST_CASE("5-6-5 pixels survive an unpack/pack round trip") {
  for (u32 pixel = 0; pixel <= 0xFFFF; ++pixel) {
    if (k565.pack(k565.unpack(pixel)) != pixel) FAIL("pixel " << pixel << " changed");
  }
}

TEST_CASE("10-bit masks keep the top 8 bits of each channel") {
  CHECK(k101010.pack(kWhite) == (0x3FCu << 20 | 0x3FCu << 10 | 0x3FCu));
  CHECK(k101010.pack({0x80, 0x01, 0x00}) == (0x200u << 20 | 0x004u << 10));
}

TEST_CASE("10-bit masks unpack the top 8 bits of each channel") {
  CHECK(k101010.unpack(0x3FFF'FFFF) == kWhite);
  CHECK(k101010.unpack(0x3FCu << 20) == Rgb{255, 0, 0});
  CHECK(k101010.unpack(0x003u << 20 | 0x003u << 10 | 0x003u) == kBlack);
}

TEST_CASE("10-bit masks unpack what they pack") {
  for (int v = 0; v < 256; ++v) {
    Rgb c{u8(v), u8(v ^ 0x5a), u8(255 - v)};
    CHECK(k101010.unpack(k101010.pack(c)) == c);
  }
}

TEST_CASE("A zero mask leaves its channel out") {
  auto p = PixelPacker::from_masks({0x00FF'0000, 0, 0x0000'00FF});
  CHECK(p.pack(kWhite) == 0x00FF'00FF);
  CHECK(p.unpack(0xFFFF'FFFF) == Rgb{255, 0, 255});
}

TEST_CASE("Channels narrower than 5 bits replicate to full scale") {
  auto p = PixelPacker::from_masks({0x7 << 5, 0x7 << 2, 0x3});  // 3-3-2
  CHECK(p.unpack(0xFF) == kWhite);
  CHECK(p.pack(kWhite) == 0xFF);
  CHECK(p.unpack(0x4u << 5) == Rgb{0x92, 0, 0});  // 100b -> 10010010b
}

TEST_CASE("Packing works at compile time") {
  STATIC_REQUIRE(PixelPacker::rgbx().pack({1, 2, 3}) == 0x0003'0201);
  STATIC_REQUIRE(k565.unpack(0xFFFF) == kWhite);
}
