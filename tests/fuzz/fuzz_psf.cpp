// libFuzzer harness for the PSF font parser and the glyph map built from it: any bytes
// must parse or fail cleanly, and a font that parses must be safe to use in full (every
// glyph, every mapping, drawing text with it).
#include <cstdint>
#include <vector>

#include <libk/glyph_map.hpp>
#include <libk/psf.hpp>
#include <libk/text_console.hpp>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  auto parsed = libk::psf::parse({data, size});
  if (!parsed) return 0;
  const libk::psf::Font& font = parsed.value();
  if (font.width == 0 || font.width > libk::psf::kMaxWidth || font.glyph_count == 0)
    __builtin_trap();
  for (uint32_t g = 0; g < font.glyph_count; ++g) {
    libk::Bytes glyph = font.glyph(g);
    if (glyph.size() != font.bytes_per_glyph || glyph.data() < data || glyph.end() > data + size)
      __builtin_trap();
    for (uint32_t y = 0; y < font.height; ++y) (void)font.row_bits(glyph, y);
  }
  libk::psf::MappingReader reader(font);
  char32_t cp;
  uint32_t glyph, mappings = 0;
  while (reader.next(cp, glyph)) {
    if (glyph >= font.glyph_count || cp > 0x10FFFF) __builtin_trap();
    ++mappings;
  }
  if (mappings != font.mapping_count) __builtin_trap();

  // Draw with it: every code point the table mentions, plus unknown ones.
  std::vector<uint32_t> framebuffer(64 * 64 + 64);
  libk::FramebufferView fb{reinterpret_cast<uint8_t*>(framebuffer.data()), 64, 64, 64 * 4,
                           libk::PixelPacker::rgbx()};
  auto layout = libk::TextConsole::layout(fb, font);
  if (layout.columns == 0) return 0;
  std::vector<uint64_t> memory(layout.bytes / 8 + 1);
  libk::TextConsole console;
  if (!console.init(fb, font, {reinterpret_cast<uint8_t*>(memory.data()), memory.size() * 8}))
    __builtin_trap();
  console.write("A\xC3\xA4\xE2\x94\x80\xEF\xBF\xBD\x1b[1;4;9mB\x1b[7m\xF0\x9F\x98\x80");
  console.present();
  for (char32_t c = 0; c < 0x3000; c += 17)
    if (console.glyphs().lookup(c) >= font.glyph_count) __builtin_trap();
  return 0;
}
