// A text console on a framebuffer: font + glyph map + cell grid + terminal + renderer,
// wired together the same way for the kernel (kernel/console.cpp), the host renderer
// ember-term, the tests and the benchmarks, so all of them draw the same pixels.
//
// TextConsole allocates nothing: layout() says how much memory a framebuffer needs and
// init() takes one block of that size.
#pragma once

#include <libk/frame_pacer.hpp>
#include <libk/text_renderer.hpp>

namespace libk {

// Ember's font choice: the 16x32 font on screens at least this wide, else 8x16.
inline constexpr u32 kLargeFontMinWidth = 1600;
inline constexpr StringView kSmallFontName = "terminus16";
inline constexpr StringView kLargeFontName = "terminus32";

constexpr StringView default_console_font(u32 framebuffer_width) {
  return framebuffer_width >= kLargeFontMinWidth ? kLargeFontName : kSmallFontName;
}

// Ember's pacing of whole-frame presents (FramePacer): at most 60 a second, a common
// display refresh rate, so a burst of scrolling output waits at most this long to be shown.
inline constexpr u64 kConsoleFrameIntervalNs = 1'000'000'000 / 60;

// The terminal settings of Ember's console: newline mode (the log writes "\n" only) and
// the cursor hidden until something reads input.
constexpr Terminal::Options console_terminal_options() {
  Terminal::Options o;
  o.newline_mode = true;
  o.cursor_visible = false;
  return o;
}

class TextConsole {
 public:
  struct Layout {
    u32 columns = 0;
    u32 rows = 0;
    usize glyph_entries = 0;
    usize cells = 0;  // the screen's; as many again for the alternate screen
    usize shadow_pixels = 0;
    usize bytes = 0;  // one block holding all of it (8-byte aligned parts)
  };

  // The grid and memory for `fb` with `font`; columns/rows are 0 if not one cell fits.
  static Layout layout(const FramebufferView& fb, const psf::Font& font);

  constexpr TextConsole() = default;
  TextConsole(const TextConsole&) = delete;  // the parts point at each other
  TextConsole& operator=(const TextConsole&) = delete;

  // `memory` is layout(fb, font).bytes long and 8-byte aligned; it must outlive the
  // console, as must `font`'s bytes. Returns false if the framebuffer is unusable.
  [[nodiscard]] bool init(const FramebufferView& fb, const psf::Font& font, Span<u8> memory,
                          const Terminal::Options& options = console_terminal_options(),
                          CopyFn copy = nullptr);
  bool ready() const { return renderer_.ready(); }

  // Feeds UTF-8 text with escape sequences to the terminal (nothing is drawn yet).
  void write(StringView text) { terminal_.write(text); }
  // Draws and copies out what changed.
  TextRenderer::Stats present() { return renderer_.present(terminal_); }

  struct PacedPresent {
    TextRenderer::Stats stats;  // what was drawn and copied (nothing when deferred)
    bool deferred = false;      // a whole-frame present is pending until due_ns
    u64 due_ns = 0;
  };
  // present(), unless that would copy the whole frame while pacer() does not allow one at
  // `now_ns`: then nothing is drawn or copied and the caller presents again at due_ns or
  // later (present_paced, or present() at any time). Output written meanwhile joins the
  // pending present. A present that copies only damaged rows is never deferred.
  PacedPresent present_paced(u64 now_ns);
  // Interval 0 (every present happens at once) until set.
  FramePacer& pacer() { return pacer_; }

  Terminal& terminal() { return terminal_; }
  const Terminal& terminal() const { return terminal_; }
  TextRenderer& renderer() { return renderer_; }
  const psf::Font& font() const { return font_; }
  const GlyphMap& glyphs() const { return glyphs_; }

 private:
  psf::Font font_;
  GlyphMap glyphs_;
  CellGrid grid_;
  Terminal terminal_;
  TextRenderer renderer_;
  FramePacer pacer_;
};

}  // namespace libk
