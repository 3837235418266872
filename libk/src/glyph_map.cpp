#include <libk/glyph_map.hpp>

namespace libk {

namespace {

// Heapsort by code point (O(n log n) even for adversarial fonts, no extra memory). Ties
// are broken by the glyph index, which is table order because the table lists glyphs in
// ascending order.
void sift_down(Span<GlyphMap::Entry> a, usize root, usize end) {
  auto less = [](const GlyphMap::Entry& x, const GlyphMap::Entry& y) {
    return x.code_point != y.code_point ? x.code_point < y.code_point : x.glyph < y.glyph;
  };
  for (;;) {
    usize child = 2 * root + 1;
    if (child >= end) return;
    if (child + 1 < end && less(a[child], a[child + 1])) ++child;
    if (!less(a[root], a[child])) return;
    swap(a[root], a[child]);
    root = child;
  }
}

void heap_sort(Span<GlyphMap::Entry> a) {
  usize n = a.size();
  for (usize i = n / 2; i-- > 0;) sift_down(a, i, n);
  for (usize end = n; end-- > 1;) {
    swap(a[0], a[end]);
    sift_down(a, 0, end);
  }
}

// Drops all but the first entry for each code point; returns the new count.
usize unique(Span<GlyphMap::Entry> a) {
  usize out = 0;
  for (usize i = 0; i < a.size(); ++i)
    if (out == 0 || a[out - 1].code_point != a[i].code_point) a[out++] = a[i];
  return out;
}

}  // namespace

void GlyphMap::init(const psf::Font& font, Span<Entry> storage) {
  glyph_count_ = font.glyph_count;
  identity_ = !font.has_unicode_table();
  count_ = 0;
  if (!identity_) {
    psf::MappingReader reader(font);
    Entry e;
    while (count_ < storage.size() && reader.next(e.code_point, e.glyph)) storage[count_++] = e;
    heap_sort(storage.subspan(0, count_));
    count_ = unique(storage.subspan(0, count_));
  }
  entries_ = storage.data();
  replacement_ = find(kReplacementCharacter).value_or(find(U'?').value_or(0));
  for (char32_t cp = 0; cp < kDirectSize; ++cp) {
    Optional<u32> g = find(cp);
    direct_present_[cp] = g.has_value();
    direct_[cp] = u16(g.value_or(replacement_));
  }
}

Optional<u32> GlyphMap::find(char32_t cp) const {
  if (identity_) {
    if (cp >= glyph_count_) return nullopt;
    return u32(cp);
  }
  usize lo = 0, hi = count_;
  while (lo < hi) {
    usize mid = lo + (hi - lo) / 2;
    if (entries_[mid].code_point < cp)
      lo = mid + 1;
    else
      hi = mid;
  }
  if (lo < count_ && entries_[lo].code_point == cp) return entries_[lo].glyph;
  return nullopt;
}

u32 GlyphMap::lookup_slow(char32_t cp) const { return find(cp).value_or(replacement_); }

bool GlyphMap::contains(char32_t cp) const {
  if (cp < kDirectSize) return direct_present_[cp];
  return find(cp).has_value();
}

}  // namespace libk
