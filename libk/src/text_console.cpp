#include <libk/text_console.hpp>

namespace libk {

namespace {

usize part(usize count, usize size) { return align_up(count * size, 8); }

}  // namespace

TextConsole::Layout TextConsole::layout(const FramebufferView& fb, const psf::Font& font) {
  Layout l;
  if (font.width == 0 || font.height == 0) return l;
  l.columns = min(TextRenderer::columns_for(fb, font), CellGrid::kMaxColumns);
  l.rows = min(TextRenderer::rows_for(fb, font), CellGrid::kMaxRows);
  if (l.columns == 0 || l.rows == 0) {
    l.columns = l.rows = 0;
    return l;
  }
  l.glyph_entries = GlyphMap::entries_needed(font);
  l.cells = usize(l.columns) * l.rows;
  l.shadow_pixels = TextRenderer::shadow_pixels(l.columns, l.rows, font);
  l.bytes = part(l.glyph_entries, sizeof(GlyphMap::Entry)) + 2 * part(l.cells, sizeof(Cell)) +
            part(l.rows, sizeof(RowDamage)) + part(l.shadow_pixels, sizeof(u32));
  return l;
}

bool TextConsole::init(const FramebufferView& fb, const psf::Font& font, Span<u8> memory,
                       const Terminal::Options& options, CopyFn copy) {
  Layout l = layout(fb, font);
  if (l.columns == 0 || memory.size() < l.bytes ||
      !is_aligned(reinterpret_cast<uptr>(memory.data()), 8))
    return false;
  font_ = font;
  pacer_ = FramePacer(pacer_.interval());  // nothing presented yet
  u8* p = memory.data();
  auto take = [&p](usize count, usize size) {
    u8* here = p;
    p += part(count, size);
    return here;
  };
  Span<GlyphMap::Entry> entries(
      reinterpret_cast<GlyphMap::Entry*>(take(l.glyph_entries, sizeof(GlyphMap::Entry))),
      l.glyph_entries);
  Span<Cell> cells(reinterpret_cast<Cell*>(take(l.cells, sizeof(Cell))), l.cells);
  Span<Cell> alternate(reinterpret_cast<Cell*>(take(l.cells, sizeof(Cell))), l.cells);
  Span<RowDamage> damage(reinterpret_cast<RowDamage*>(take(l.rows, sizeof(RowDamage))), l.rows);
  Span<u32> shadow(reinterpret_cast<u32*>(take(l.shadow_pixels, sizeof(u32))), l.shadow_pixels);
  glyphs_.init(font_, entries);
  Cell blank{U' ', options.theme.foreground, options.theme.background, 0};
  if (!grid_.init(cells, damage, l.columns, l.rows, blank)) return false;
  terminal_.init(grid_, options, Terminal::Storage{alternate, nullptr});
  return renderer_.init(fb, font_, glyphs_, shadow, l.columns, l.rows, copy);
}

TextConsole::PacedPresent TextConsole::present_paced(u64 now_ns) {
  PacedPresent result;
  if (renderer_.full_frame_pending(terminal_)) {
    u64 earliest = pacer_.earliest_full_frame(now_ns);
    if (earliest != now_ns) {
      result.deferred = true;
      result.due_ns = earliest;
      return result;
    }
  }
  result.stats = renderer_.present(terminal_);
  if (result.stats.full_frame) pacer_.full_frame_presented(now_ns);
  return result;
}

}  // namespace libk
