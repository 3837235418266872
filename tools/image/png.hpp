// Minimal PNG (ISO/IEC 15948) reading and writing for Ember's host tools and tests:
// 8-bit RGB images; reading also accepts 8-bit RGBA and grey, non-interlaced, any filter.
// Compression is zlib's. Host-only code (uses the C++ standard library).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace image {

struct Rgb8 {
  uint8_t r, g, b;
  bool operator==(const Rgb8&) const = default;
};

struct Image {
  uint32_t width = 0;
  uint32_t height = 0;
  std::vector<Rgb8> pixels;  // row-major, width * height

  Rgb8 at(uint32_t x, uint32_t y) const { return pixels[size_t(y) * width + x]; }
  Rgb8& at(uint32_t x, uint32_t y) { return pixels[size_t(y) * width + x]; }
};

// Returns an empty string on success, else what went wrong.
std::string write_png(const std::string& path, const Image& img);
std::string write_ppm(const std::string& path, const Image& img);
std::string read_png(const std::string& path, Image& out);

}  // namespace image
