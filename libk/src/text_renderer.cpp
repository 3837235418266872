#include <libk/text_renderer.hpp>
#include <libk/unicode.hpp>

namespace libk {

namespace {

void plain_copy(void* dst, const void* src, usize bytes) { __builtin_memcpy(dst, src, bytes); }

// Halfway between two 0xRRGGBB colours, per channel.
constexpr u32 mix(u32 a, u32 b) { return ((a & 0xFEFEFE) >> 1) + ((b & 0xFEFEFE) >> 1); }

constexpr u32 kLineAttrs = kAttrBold | kAttrUnderline | kAttrStrike;

// Expands one glyph row (leftmost pixel in bit 31) into `W` pixels: pbg where the bit is
// clear, pbg ^ diff (= the foreground) where it is set. W is a constant for the common
// widths so the loop unrolls into straight-line stores.
template <u32 W>
inline void expand_row(u32* dst, u32 bits, u32 pbg, u32 diff) {
  for (u32 x = 0; x < W; ++x) dst[x] = pbg ^ (diff & (0u - ((bits >> (31 - x)) & 1)));
}

inline void expand_row_n(u32* dst, u32 bits, u32 pbg, u32 diff, u32 width) {
  for (u32 x = 0; x < width; ++x) dst[x] = pbg ^ (diff & (0u - ((bits >> (31 - x)) & 1)));
}

}  // namespace

bool TextRenderer::init(const FramebufferView& fb, const psf::Font& font, const GlyphMap& glyphs,
                        Span<u32> shadow, u32 columns, u32 rows, CopyFn copy) {
  shadow_ = nullptr;
  if (columns == 0 || rows == 0 || font.width == 0 || font.width > psf::kMaxWidth) return false;
  if (u64(columns) * font.width > fb.width || u64(rows) * font.height > fb.height) return false;
  if (u64(fb.width) * 4 > fb.pitch || shadow.size() < shadow_pixels(columns, rows, font))
    return false;
  fb_ = fb;
  font_ = &font;
  glyphs_ = &glyphs;
  copy_ = copy ? copy : plain_copy;
  shadow_ = shadow.data();
  columns_ = columns;
  rows_ = rows;
  stride_ = columns * font.width;
  width_mask_ = ~0u << (32 - font.width);
  line_rows_ = font.height >= 32 ? 2 : 1;
  presented_scrolls_ = 0;
  full_copy_needed_ = true;
  margins_needed_ = true;
  cursor_drawn_ = false;
  cache_valid_ = false;
  return true;
}

void TextRenderer::invalidate(Terminal& terminal) {
  terminal.grid().damage_all();
  full_copy_needed_ = true;
  margins_needed_ = true;
}

void TextRenderer::pack_colours(u32 fg, u32 bg, u32& pfg, u32& pbg) {
  if (!cache_valid_ || fg != cached_fg_ || bg != cached_bg_) {
    auto unpack = [](u32 c) { return Rgb{u8(c >> 16), u8(c >> 8), u8(c)}; };
    cached_fg_ = fg, cached_bg_ = bg;
    packed_fg_ = fb_.packer.pack(unpack(fg));
    packed_bg_ = fb_.packer.pack(unpack(bg));
    cache_valid_ = true;
  }
  pfg = packed_fg_, pbg = packed_bg_;
}

// The glyph a narrow cell shows: its character, or with a mark the precomposed character
// if the font has it, else the replacement glyph.
u32 TextRenderer::glyph_for(const Cell& cell) const {
  if (cell.mark == 0) return glyphs_->lookup(cell.code_point);
  char32_t composed = unicode::compose(cell.code_point, cell.mark);
  if (composed != 0 && glyphs_->contains(composed)) return glyphs_->lookup(composed);
  return glyphs_->replacement_glyph();
}

// Cells [first, end) of a row; a wide character's right half is drawn with its left half.
void TextRenderer::draw_row(u32 slot, const Cell* cells, u32 first, u32 end, bool cursor_row) {
  for (u32 x = first; x < end; ++x) {
    const Cell& c = cells[x];
    if ((c.attrs & kAttrWideTail) && x > first && (cells[x - 1].attrs & kAttrWide)) continue;
    bool wide = (c.attrs & kAttrWide) && x + 1 < columns_;
    bool cursor = cursor_row && (cursor_column_ == x || (wide && cursor_column_ == x + 1));
    draw_cell(slot, x, c, cursor);
  }
}

void TextRenderer::draw_cell(u32 slot, u32 column, const Cell& cell, bool cursor) {
  const psf::Font& font = *font_;
  u32 gw = font.width, gh = font.height;
  u32* dst = shadow_ + usize(slot) * gh * stride_ + usize(column) * gw;
  u32 fg = cell.fg, bg = cell.bg;
  if (cell.attrs & kAttrReverse) swap(fg, bg);
  if (cursor) swap(fg, bg);
  if (cell.attrs & kAttrConceal)
    fg = bg;
  else if (cell.attrs & kAttrFaint)
    fg = mix(fg, bg);
  u32 pfg, pbg;
  pack_colours(fg, bg, pfg, pbg);
  if ((cell.attrs & kAttrWide) && column + 1 < columns_) {
    const u8* bitmap = wide_font_ ? wide_font_->find(cell.code_point) : nullptr;
    if (bitmap) return draw_wide(dst, bitmap, cell.attrs, pfg, pbg);
    // No wide glyph: the replacement glyph in the left cell, the right one blank.
    u32* right = dst + gw;
    for (u32 y = 0; y < gh; ++y, right += stride_)
      for (u32 x = 0; x < gw; ++x) right[x] = pbg;
    Cell narrow = cell;
    narrow.attrs &= ~kAttrWide;
    narrow.code_point = kReplacementCharacter;
    return draw_cell(slot, column, narrow, cursor);
  }
  const u8* glyph = font.glyph(glyph_for(cell)).data();
  if (!(cell.attrs & kLineAttrs)) {  // the common case, without per-row decisions
    if (gw == 8 && font.bytes_per_row == 1) return draw_plain<8, 1>(dst, glyph, gh, pbg, pfg ^ pbg);
    if (gw == 16 && font.bytes_per_row == 2)
      return draw_plain<16, 2>(dst, glyph, gh, pbg, pfg ^ pbg);
  }
  draw_general(dst, glyph, cell.attrs, pbg, pfg ^ pbg);
}

// A 16x16 wide glyph scaled (nearest neighbour) to two cells: exact for 8x16 cells, doubled
// for 16x32.
void TextRenderer::draw_wide(u32* dst, const u8* bitmap, u32 attrs, u32 pfg, u32 pbg) {
  u32 width = 2 * font_->width, height = font_->height;
  u32 underline_row = attrs & kAttrUnderline ? height - 1 - height / 16 : ~0u;
  u32 strike_row = attrs & kAttrStrike ? height / 2 : ~0u;
  for (u32 y = 0; y < height; ++y, dst += stride_) {
    const u8* row = bitmap + (y * WideFont::kSize / height) * 2;
    u32 bits = u32(row[0]) << 8 | row[1];
    if (attrs & kAttrBold) bits |= bits >> 1;
    if ((y >= underline_row && y < underline_row + line_rows_) ||
        (y >= strike_row && y < strike_row + line_rows_))
      bits = 0xFFFF;
    for (u32 x = 0; x < width; ++x) {
      u32 sx = x * WideFont::kSize / width;
      dst[x] = (bits >> (15 - sx)) & 1 ? pfg : pbg;
    }
  }
}

template <u32 W, u32 BytesPerRow>
void TextRenderer::draw_plain(u32* dst, const u8* glyph, u32 height, u32 pbg, u32 diff) {
  for (u32 y = 0; y < height; ++y, dst += stride_, glyph += BytesPerRow) {
    u32 bits = u32(glyph[0]) << 24;
    if constexpr (BytesPerRow == 2) bits |= u32(glyph[1]) << 16;
    expand_row<W>(dst, bits, pbg, diff);
  }
}

// Any width, with bold, underline and strike-through.
void TextRenderer::draw_general(u32* dst, const u8* glyph, u32 attrs, u32 pbg, u32 diff) {
  const psf::Font& font = *font_;
  u32 gw = font.width, gh = font.height;
  u32 underline_row = ~0u, strike_row = ~0u;
  if (attrs & kAttrUnderline) underline_row = gh - 1 - gh / 16;
  if (attrs & kAttrStrike) strike_row = gh / 2;
  for (u32 y = 0; y < gh; ++y, dst += stride_, glyph += font.bytes_per_row) {
    u32 bits = font.row_bits(Bytes(glyph, font.bytes_per_row), 0);
    if (attrs & kAttrBold) bits |= bits >> 1;
    if ((y >= underline_row && y < underline_row + line_rows_) ||
        (y >= strike_row && y < strike_row + line_rows_))
      bits = ~0u;
    bits &= width_mask_;
    if (gw == 8)
      expand_row<8>(dst, bits, pbg, diff);
    else if (gw == 16)
      expand_row<16>(dst, bits, pbg, diff);
    else
      expand_row_n(dst, bits, pbg, diff, gw);
  }
}

void TextRenderer::update_cursor(Terminal& terminal) {
  CellGrid& grid = terminal.grid();
  bool visible = terminal.cursor_visible();
  u32 slot = grid.storage_row(terminal.cursor_y()), column = terminal.cursor_x();
  bool moved = slot != cursor_slot_ || column != cursor_column_;
  if (cursor_drawn_ && (!visible || moved))
    grid.damage_slot(cursor_slot_, cursor_column_, cursor_column_ + 1);
  if (visible && (!cursor_drawn_ || moved)) grid.damage_slot(slot, column, column + 1);
  cursor_drawn_ = visible;
  cursor_slot_ = slot;
  cursor_column_ = column;
}

// The view is in the scrollback: every row is drawn into the slot the grid's row y has, so
// the copy below works as for the screen; no cursor.
TextRenderer::Stats TextRenderer::present_view(Terminal& terminal) {
  Stats stats;
  CellGrid& grid = terminal.grid();
  if (cursor_drawn_) grid.damage_slot(cursor_slot_, cursor_column_, cursor_column_ + 1);
  cursor_drawn_ = false;
  for (u32 y = 0; y < rows_; ++y)
    draw_row(grid.storage_row(y), terminal.view_row(y), 0, columns_, false);
  stats.cells_drawn = rows_ * columns_;
  u32 origin = grid.origin();
  copy_slots(origin, rows_ - origin, 0, stats);
  copy_slots(0, origin, rows_ - origin, stats);
  stats.full_frame = true;
  presented_view_ = terminal.view_offset();
  presented_scrolls_ = grid.scrolls();
  full_copy_needed_ = false;
  return stats;
}

// The same decisions as present() below makes, in the same order.
bool TextRenderer::full_frame_pending(const Terminal& terminal) const {
  if (!ready()) return false;
  if (terminal.view_offset() != presented_view_) return true;  // into, within or out of the view
  if (presented_view_ != 0) return false;                      // the same view: nothing to do
  return full_copy_needed_ || terminal.grid().scrolls() != presented_scrolls_;
}

TextRenderer::Stats TextRenderer::present(Terminal& terminal) {
  Stats stats;
  if (!ready()) return stats;
  CellGrid& grid = terminal.grid();
  if (terminal.view_offset() != presented_view_) {
    if (terminal.view_offset() != 0) return present_view(terminal);
    grid.damage_all();  // back to the screen: its rows replace the view's
    full_copy_needed_ = true;
    presented_view_ = 0;
  } else if (presented_view_ != 0) {
    return stats;  // still the same view: nothing changed (output would have left it)
  }
  update_cursor(terminal);
  u32 origin = grid.origin();
  bool full = full_copy_needed_ || grid.scrolls() != presented_scrolls_;
  for (u32 s = 0; s < rows_; ++s) {
    RowDamage d = grid.slot_damage(s);
    if (d.empty()) continue;
    // A wide character is drawn and copied whole, whichever of its halves changed.
    const Cell* cells = grid.slot_cells(s);
    if (d.first > 0 && (cells[d.first].attrs & kAttrWideTail)) --d.first;
    if (d.end < columns_ && (cells[d.end - 1].attrs & kAttrWide)) ++d.end;
    draw_row(s, cells, d.first, d.end, cursor_drawn_ && s == cursor_slot_);
    stats.cells_drawn += d.end - d.first;
    if (!full)
      copy_slot_span(s, s >= origin ? s - origin : s + rows_ - origin, d.first, d.end, stats);
    grid.clear_slot_damage(s);
  }
  if (full) {
    copy_slots(origin, rows_ - origin, 0, stats);
    copy_slots(0, origin, rows_ - origin, stats);
    presented_scrolls_ = grid.scrolls();
    full_copy_needed_ = false;
    stats.full_frame = true;
  }
  if (margins_needed_) {
    fill_margins(terminal.theme().background);
    margins_needed_ = false;
  }
  return stats;
}

void TextRenderer::copy_slot_span(u32 slot, u32 screen_row, u32 first_column, u32 end_column,
                                  Stats& stats) {
  u32 gw = font_->width, gh = font_->height;
  usize bytes = usize(end_column - first_column) * gw * 4;
  const u32* src = shadow_ + usize(slot) * gh * stride_ + usize(first_column) * gw;
  u8* dst = fb_.base + usize(screen_row) * gh * fb_.pitch + usize(first_column) * gw * 4;
  for (u32 y = 0; y < gh; ++y, src += stride_, dst += fb_.pitch) copy_(dst, src, bytes);
  stats.copies += gh;
  stats.bytes_copied += u64(bytes) * gh;
}

// Copies `count` consecutive slots to consecutive screen rows from `screen_row`: a single
// copy when the framebuffer's lines are exactly as long as the shadow's.
void TextRenderer::copy_slots(u32 first_slot, u32 count, u32 screen_row, Stats& stats) {
  if (count == 0) return;
  u32 gh = font_->height;
  usize line_bytes = usize(stride_) * 4;
  const u32* src = shadow_ + usize(first_slot) * gh * stride_;
  u8* dst = fb_.base + usize(screen_row) * gh * fb_.pitch;
  u32 lines = count * gh;
  if (fb_.pitch == line_bytes) {
    copy_(dst, src, line_bytes * lines);
    stats.copies += 1;
  } else {
    for (u32 y = 0; y < lines; ++y, src += stride_, dst += fb_.pitch) copy_(dst, src, line_bytes);
    stats.copies += lines;
  }
  stats.bytes_copied += u64(line_bytes) * lines;
}

// The strips right of and below the grid, which no cell covers.
void TextRenderer::fill_margins(u32 background) {
  u32 pfg, pbg;
  pack_colours(background, background, pfg, pbg);
  u32 grid_height = rows_ * font_->height;
  for (u32 y = 0; y < fb_.height; ++y) {
    auto* line = reinterpret_cast<u32*>(fb_.base + usize(y) * fb_.pitch);
    for (u32 x = y < grid_height ? stride_ : 0; x < fb_.width; ++x) line[x] = pbg;
  }
}

}  // namespace libk
