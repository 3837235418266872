// Drawing a Terminal's cell grid into a linear framebuffer, fast.
//
// Cells are drawn into a *shadow buffer* in RAM laid out like the grid's ring of rows: ring
// slot s of the grid owns pixel rows [s * glyph height, (s + 1) * glyph height) of the
// shadow. Only damaged cells are drawn, and only changed pixels are copied out:
//   - no scroll since the last present: each damaged slot's pixel span is copied to the
//     framebuffer row where that slot is now shown;
//   - the grid scrolled: the whole shadow is copied in (at most) two straight runs, origin
//     slot first. A scroll therefore costs one frame copy and one row of glyph drawing,
//     and pixels are never moved within the framebuffer.
// The framebuffer is only ever written, never read (reads from video memory are slow and
// its contents are not ours to trust). The copy routine is pluggable so the kernel can use
// its fastest one.
//
// Glyph attributes: bold is drawn by smearing the glyph one pixel right, faint by mixing
// the foreground halfway into the background, underline and strike-through as lines,
// reverse and the (block) cursor by swapping colours, conceal as background only.
//
// Wide characters are drawn across their two cells from the wide font (scaled to fit), or
// as the replacement glyph when it has none. A character with a combining mark is drawn as
// the precomposed character when the font has it, else as the replacement glyph.
//
// While the terminal's view looks back into the scrollback, every row of the view is
// drawn from the scrollback and the screen (the grid and its damage are left alone); on
// the return to the live screen everything is drawn again.
#pragma once

#include <libk/glyph_map.hpp>
#include <libk/pixel.hpp>
#include <libk/terminal.hpp>
#include <libk/wide_font.hpp>

namespace libk {

struct FramebufferView {
  u8* base = nullptr;  // written, never read
  u32 width = 0;       // pixels
  u32 height = 0;      // pixels
  u32 pitch = 0;       // bytes per line (>= width * 4)
  PixelPacker packer = PixelPacker::bgrx();
};

using CopyFn = void (*)(void* dst, const void* src, usize bytes);

class TextRenderer {
 public:
  struct Stats {
    u32 cells_drawn = 0;
    u32 copies = 0;  // calls to the copy routine
    u64 bytes_copied = 0;
    bool full_frame = false;
  };

  // The grid that fits `fb` with `font` (0 x 0 if not even one cell fits).
  static u32 columns_for(const FramebufferView& fb, const psf::Font& font) {
    return fb.width / font.width;
  }
  static u32 rows_for(const FramebufferView& fb, const psf::Font& font) {
    return fb.height / font.height;
  }
  // u32 pixels of shadow buffer for a grid of that size.
  static usize shadow_pixels(u32 columns, u32 rows, const psf::Font& font) {
    return usize(columns) * font.width * rows * font.height;
  }

  constexpr TextRenderer() = default;

  // `font` and `glyphs` must outlive the renderer; `shadow` holds shadow_pixels() pixels.
  // `copy` defaults to a plain memory copy. Returns false if the grid does not fit `fb` or
  // the shadow is too small.
  [[nodiscard]] bool init(const FramebufferView& fb, const psf::Font& font, const GlyphMap& glyphs,
                          Span<u32> shadow, u32 columns, u32 rows, CopyFn copy = nullptr);
  bool ready() const { return shadow_ != nullptr; }
  // Glyphs for wide characters (none by default); `font` must outlive the renderer.
  void set_wide_font(const WideFont* font) { wide_font_ = font; }

  // Draws what changed in `terminal` (whose grid must have the init() size) and copies it
  // to the framebuffer.
  Stats present(Terminal& terminal);

  // Whether present(terminal) would copy the whole frame now (the grid scrolled, the view
  // moved, or invalidate() was called), without drawing anything: for pacing (FramePacer).
  bool full_frame_pending(const Terminal& terminal) const;

  // Forgets what the framebuffer holds: the next present() redraws and copies everything,
  // margins included (after someone else drew on the screen).
  void invalidate(Terminal& terminal);

  const FramebufferView& framebuffer() const { return fb_; }
  const u32* shadow() const { return shadow_; }
  u32 shadow_stride() const { return stride_; }  // pixels per shadow row

 private:
  void draw_row(u32 slot, const Cell* cells, u32 first, u32 end, bool cursor_row);
  void draw_cell(u32 slot, u32 column, const Cell& cell, bool cursor);
  void draw_wide(u32* dst, const u8* bitmap, u32 attrs, u32 pfg, u32 pbg);
  u32 glyph_for(const Cell& cell) const;
  Stats present_view(Terminal& terminal);
  template <u32 W, u32 BytesPerRow>
  void draw_plain(u32* dst, const u8* glyph, u32 height, u32 pbg, u32 diff);
  void draw_general(u32* dst, const u8* glyph, u32 attrs, u32 pbg, u32 diff);
  void pack_colours(u32 fg, u32 bg, u32& pfg, u32& pbg);
  void copy_slot_span(u32 slot, u32 screen_row, u32 first_column, u32 end_column, Stats& stats);
  void copy_slots(u32 first_slot, u32 count, u32 screen_row, Stats& stats);
  void fill_margins(u32 background);
  void update_cursor(Terminal& terminal);

  FramebufferView fb_;
  const psf::Font* font_ = nullptr;
  const GlyphMap* glyphs_ = nullptr;
  const WideFont* wide_font_ = nullptr;
  CopyFn copy_ = nullptr;
  u32* shadow_ = nullptr;
  u32 columns_ = 0, rows_ = 0;
  u32 stride_ = 0;  // columns * glyph width
  u32 width_mask_ = 0;
  u32 line_rows_ = 1;          // thickness of underline and strike-through
  u64 presented_scrolls_ = 0;  // the grid's scrolls() at the last present
  u32 presented_view_ = 0;     // the terminal's view_offset() at the last present
  bool full_copy_needed_ = true;
  bool margins_needed_ = true;
  bool cursor_drawn_ = false;
  u32 cursor_slot_ = 0, cursor_column_ = 0;
  // One-entry cache of the last colour pair's packed pixels.
  u32 cached_fg_ = 0, cached_bg_ = 0, packed_fg_ = 0, packed_bg_ = 0;
  bool cache_valid_ = false;
};

}  // namespace libk
