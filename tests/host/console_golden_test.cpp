// Golden images of the console: tests/console/demo.txt (colours, attributes, Unicode,
// cursor movement, erasing, wrapping, ignored sequences), wide.txt (CJK from the wide
// font, combining marks, DEC line drawing) and alternate.txt (a full-screen editor on the
// alternate screen, with a scroll region and IL) rendered by the real terminal + renderer
// + fonts must equal the committed PNGs, pixel for pixel, in every pixel format. A failure names
// the first differing pixel, its cell and the differing area.
//
// To accept a deliberate change, regenerate with ember-term (see tests/console/README.md).
#include <catch2/catch.hpp>
#include <cstdio>
#include <fstream>
#include <iterator>
#include <sstream>

#include "image/host_screen.hpp"

namespace {

const std::string kData = EMBER_CONSOLE_TEST_DATA;

struct Golden {
  const char* file;
  const char* font;
  uint32_t width, height, cell_width, cell_height;
  const char* input = "demo.txt";
  bool cursor = false;
};

const Golden kGoldens[] = {
    {"golden/demo-640x400.png", "terminus16", 640, 400, 8, 16},
    {"golden/demo-1280x800-terminus32.png", "terminus32", 1280, 800, 16, 32},
    {"golden/wide-640x400.png", "terminus16", 640, 400, 8, 16, "wide.txt"},
    {"golden/wide-1280x800-terminus32.png", "terminus32", 1280, 800, 16, 32, "wide.txt"},
    {"golden/alternate-640x400.png", "terminus16", 640, 400, 8, 16, "alternate.txt", true},
};

struct Format {
  const char* name;
  libk::PixelPacker packer;
};

const Format kFormats[] = {
    {"BGRX", libk::PixelPacker::bgrx()},
    {"RGBX", libk::PixelPacker::rgbx()},
    {"bitmask 8:8:8 at bits 24/16/8",
     libk::PixelPacker::from_masks({0xFF000000, 0xFF0000, 0xFF00})},
    {"bitmask 5:6:5", libk::PixelPacker::from_masks({0xF800, 0x07E0, 0x001F})},
};

std::string read_file(const std::string& path) {
  std::ifstream f(path, std::ios::binary);
  REQUIRE(f.good());
  return {std::istreambuf_iterator<char>(f), {}};
}

// "" if equal, else where they differ.
std::string compare(const image::Image& got, const image::Image& want, const Golden& g) {
  if (got.width != want.width || got.height != want.height) return "image sizes differ";
  size_t count = 0;
  uint32_t x0 = ~0u, y0 = ~0u, x1 = 0, y1 = 0;
  std::ostringstream first;
  for (uint32_t y = 0; y < got.height; ++y)
    for (uint32_t x = 0; x < got.width; ++x) {
      image::Rgb8 a = got.at(x, y), b = want.at(x, y);
      if (a == b) continue;
      if (count++ == 0)
        first << "first at pixel (" << x << "," << y << ") = cell (" << x / g.cell_width << ","
              << y / g.cell_height << "): got #" << std::hex << (a.r << 16 | a.g << 8 | a.b)
              << ", golden #" << (b.r << 16 | b.g << 8 | b.b) << std::dec;
      x0 = std::min(x0, x), y0 = std::min(y0, y), x1 = std::max(x1, x), y1 = std::max(y1, y);
    }
  if (count == 0) return "";
  std::ostringstream out;
  out << count << " pixels differ within (" << x0 << "," << y0 << ")-(" << x1 << "," << y1 << "); "
      << first.str();
  return out.str();
}

// The golden image as a framebuffer of `packer`'s format would hold it.
image::Image quantised(const image::Image& golden, const libk::PixelPacker& packer) {
  image::Image out = golden;
  for (auto& p : out.pixels) {
    libk::Rgb c = packer.unpack(packer.pack({p.r, p.g, p.b}));
    p = {c.r, c.g, c.b};
  }
  return out;
}

}  // namespace

TEST_CASE("The test screens equal their golden images in every pixel format",
          "[renderer][golden]") {
  for (const Golden& g : kGoldens) {
    std::string input = read_file(kData + "/" + g.input);
    image::Image golden;
    REQUIRE(image::read_png(kData + "/" + g.file, golden) == "");
    for (const Format& f : kFormats) {
      INFO(g.file << " as " << f.name);
      image::HostScreen screen;
      image::HostScreen::Config config;
      config.width = g.width;
      config.height = g.height;
      config.font = g.font;
      config.packer = f.packer;
      config.options.cursor_visible = g.cursor;
      REQUIRE(screen.init(config) == "");
      screen.console().write(libk::StringView(input.data(), input.size()));
      screen.console().present();
      CHECK(compare(screen.snapshot(), quantised(golden, f.packer), g) == "");
    }
  }
}

TEST_CASE("The golden comparison reports the pixel and cell that differ", "[renderer][golden]") {
  image::Image a;
  REQUIRE(image::read_png(kData + "/golden/demo-640x400.png", a) == "");
  image::Image b = a;
  b.at(100, 37).r ^= 0x40;
  std::string report = compare(a, b, kGoldens[0]);
  CHECK(report.find("1 pixels differ within (100,37)-(100,37)") == 0);
  CHECK(report.find("cell (12,2)") != std::string::npos);
}

TEST_CASE("PNG files written by the tools read back identically", "[renderer][golden]") {
  image::Image img;
  img.width = 3, img.height = 2;
  img.pixels = {{1, 2, 3}, {4, 5, 6}, {7, 8, 9}, {250, 251, 252}, {0, 0, 0}, {255, 255, 255}};
  std::string path = "console-golden-test-roundtrip.png";
  REQUIRE(image::write_png(path, img) == "");
  image::Image back;
  REQUIRE(image::read_png(path, back) == "");
  std::remove(path.c_str());
  CHECK(back.width == 3);
  CHECK(back.height == 2);
  CHECK(back.pixels == img.pixels);
}
