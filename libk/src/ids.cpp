#include <libk/ids.hpp>
#include <libk/optional.hpp>

namespace libk::ids {

namespace {

// Index of `id` in the sorted `ids`, if present.
template <typename T>
Optional<usize> find_sorted(Span<const T> ids, T id) {
  usize lo = 0, hi = ids.size();
  while (lo < hi) {
    usize mid = lo + (hi - lo) / 2;
    if (ids[mid] < id)
      lo = mid + 1;
    else
      hi = mid;
  }
  if (lo < ids.size() && ids[lo] == id) return lo;
  return nullopt;
}

// The `index`th name of a stream: from the sparse offset, skip the names before it.
Name nth_name(const Tokens& tokens, Span<const u32> sparse, Bytes names, usize index) {
  if (index / kSparseStep >= sparse.size()) return {};
  usize at = sparse[index / kSparseStep];
  for (usize skip = index % kSparseStep; skip > 0 && at < names.size(); ++at) {
    if (names[at] == kEscape)
      ++at;
    else if (names[at] == 0)
      --skip;
  }
  if (at >= names.size()) return {};
  return Name(&tokens, names.subspan(at));
}

Name class_entry(const Table& t, u32 key) {
  auto index = find_sorted(t.class_keys, key);
  if (!index) return {};
  return nth_name(t.tokens, t.class_sparse, t.class_names, *index);
}

}  // namespace

usize Name::write(Sink& out) const {
  if (!found()) return 0;
  usize n = 0;
  for (usize i = 0; i < encoded_.size() && encoded_[i] != 0; ++i) {
    u8 b = encoded_[i];
    if (b >= kTokenBase) {
      u32 w = b - kTokenBase;
      StringView word(tokens_->text + tokens_->offsets[w],
                      tokens_->offsets[w + 1] - tokens_->offsets[w]);
      out.write(word);
      n += word.size();
      continue;
    }
    if (b == kEscape && i + 1 < encoded_.size()) b = encoded_[++i];
    out.put(char(b));
    ++n;
  }
  return n;
}

Name vendor(const Table& t, u16 id) {
  auto index = find_sorted(t.vendor_ids, id);
  if (!index) return {};
  return nth_name(t.tokens, t.vendor_sparse, t.vendor_names, *index);
}

Name device(const Table& t, u16 vendor_id, u16 device_id) {
  usize blocks = t.device_blocks.size() / 3;
  for (usize b = 0; b < blocks; ++b) {  // a few dozen vendors: a linear search is enough
    if (t.device_blocks[3 * b] != vendor_id) continue;
    u32 count = t.device_blocks[3 * b + 1], first = t.device_blocks[3 * b + 2];
    if (first > t.device_ids.size() || count > t.device_ids.size() - first) return {};
    auto index = find_sorted(t.device_ids.subspan(first, count), device_id);
    if (!index) return {};
    return nth_name(t.tokens, t.device_sparse, t.device_names, first + *index);
  }
  return {};
}

Name class_name(const Table& t, u8 c) { return class_entry(t, (1u << 24) | (u32(c) << 16)); }

Name subclass_name(const Table& t, u8 c, u8 s) {
  return class_entry(t, (2u << 24) | (u32(c) << 16) | (u32(s) << 8));
}

Name interface_name(const Table& t, u8 c, u8 s, u8 i) {
  return class_entry(t, (3u << 24) | (u32(c) << 16) | (u32(s) << 8) | i);
}

}  // namespace libk::ids

namespace libk {

void Formatter<ids::Name>::format(Sink& sink, const ids::Name& name, const FormatSpec& spec) {
  if (spec.width == 0) {
    name.write(sink);
    return;
  }
  char buffer[128];
  BufferSink text(buffer, sizeof(buffer));
  name.write(text);
  write_padded(sink, text.view(), spec);
}

}  // namespace libk
