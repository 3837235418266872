// libFuzzer harness for the terminal: random bytes (text, controls, escape sequences,
// broken UTF-8) on a grid of fuzzed size, with a scrollback whose view is moved now and
// then, must never crash and never leave the cursor, the scroll region or the damage
// records outside the grid, never leave half of a wide character alone, and presenting
// must stay inside the framebuffer.
#include <cstdint>
#include <vector>

#include <fonts/embedded_fonts.hpp>
#include <libk/text_console.hpp>

namespace {

void check_invariants(const libk::Terminal& t) {
  const libk::CellGrid& g = t.grid();
  if (t.cursor_x() >= g.columns() || t.cursor_y() >= g.rows()) __builtin_trap();
  if (g.origin() >= g.rows()) __builtin_trap();
  if (t.scroll_top() >= t.scroll_bottom() && g.rows() > 1) __builtin_trap();
  if (t.scroll_bottom() >= g.rows()) __builtin_trap();
  for (uint32_t y = 0; y < g.rows(); ++y) {
    const libk::Cell* row = g.row(y);
    for (uint32_t x = 0; x < g.columns(); ++x) {
      bool head = row[x].attrs & libk::kAttrWide, tail = row[x].attrs & libk::kAttrWideTail;
      if (head && (x + 1 == g.columns() || !(row[x + 1].attrs & libk::kAttrWideTail)))
        __builtin_trap();
      if (tail && (x == 0 || !(row[x - 1].attrs & libk::kAttrWide))) __builtin_trap();
    }
  }
  for (uint32_t s = 0; s < g.rows(); ++s) {
    libk::RowDamage d = g.slot_damage(s);
    if (!d.empty() && d.end > g.columns()) __builtin_trap();
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 3) return 0;
  uint32_t columns = 1 + data[0] % 48, rows = 1 + data[1] % 16;
  uint32_t chunk = 1 + data[2] % 64;  // writes are split so sequences straddle them
  data += 3, size -= 3;

  static const libk::psf::Font font = libk::psf::parse(fonts::find("terminus16")->data).value();
  uint32_t width = columns * 8 + 3, height = rows * 16 + 1, pitch = width * 4 + 8;
  std::vector<uint8_t> framebuffer(size_t(pitch) * height + 64, 0);
  libk::FramebufferView fb{framebuffer.data(), width, height, pitch, libk::PixelPacker::bgrx()};
  auto layout = libk::TextConsole::layout(fb, font);
  std::vector<uint64_t> memory(layout.bytes / 8 + 1);
  libk::TextConsole console;
  libk::Terminal::Options options;
  options.newline_mode = data[-1] & 1;
  if (!console.init(fb, font, {reinterpret_cast<uint8_t*>(memory.data()), memory.size() * 8},
                    options))
    __builtin_trap();
  if (console.terminal().grid().columns() != columns || console.terminal().grid().rows() != rows)
    __builtin_trap();
  std::vector<libk::Cell> history(size_t(columns) * 8);
  libk::Scrollback scrollback;
  if (!scrollback.init({history.data(), history.size()}, columns, 8) ||
      !console.terminal().set_scrollback(&scrollback))
    __builtin_trap();
  char replies[libk::Terminal::kReplyCapacity];
  for (size_t at = 0; at < size; at += chunk) {
    size_t n = size - at < chunk ? size - at : chunk;
    console.write(libk::StringView(reinterpret_cast<const char*>(data + at), n));
    check_invariants(console.terminal());
    if ((at / chunk) % 3 == 0) console.present();
    if ((at / chunk) % 5 == 1) {  // look back, draw the view, and come back by writing
      console.terminal().scroll_view(data[at] % 10);
      console.present();
    }
    (void)console.terminal().take_replies(replies, sizeof(replies));
  }
  console.present();
  if (console.terminal().view_offset() > scrollback.size()) __builtin_trap();
  // The bytes past the framebuffer's end must be untouched.
  for (size_t i = size_t(pitch) * height; i < framebuffer.size(); ++i)
    if (framebuffer[i] != 0) __builtin_trap();
  return 0;
}
