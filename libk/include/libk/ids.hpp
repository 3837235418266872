// Vendor, device and class names from the PCI and USB ID databases (Debian's pci.ids and
// usb.ids), in the compact form tools/ids2cpp.py generates at build time (docs/pci.md):
//
//   - names are NUL-terminated byte strings in which a byte 0x80 + i stands for dictionary
//     word i (Tokens) and 0x01 escapes a literal byte (>= 0x80, or 0x01 itself);
//   - vendor IDs are a sorted u16 array, their names one stream in the same order, with the
//     offset of every 32nd name kept (`*_sparse`) so a lookup skips at most 31 names;
//   - device names exist for some vendors only: `device_blocks` holds (vendor, count, first)
//     triples, sorted by vendor, indexing a sorted-per-vendor device ID array and its stream;
//   - classes are keyed (level << 24 | class << 16 | subclass << 8 | interface), level 1-3.
//
// Pure lookups over constant data; an ID that is not there gives a Name that is not found()
// and formats as nothing.
#pragma once

#include <libk/format.hpp>
#include <libk/span.hpp>

namespace libk::ids {

inline constexpr u32 kSparseStep = 32;
inline constexpr u8 kTokenBase = 0x80;
inline constexpr u8 kEscape = 0x01;

struct Tokens {
  const char* text;    // all words back to back
  const u16* offsets;  // word i is text[offsets[i], offsets[i + 1]); 129 entries
};

struct Table {
  Tokens tokens;
  Span<const u16> vendor_ids;
  Span<const u32> vendor_sparse;
  Span<const u8> vendor_names;
  Span<const u32> device_blocks;
  Span<const u16> device_ids;
  Span<const u32> device_sparse;
  Span<const u8> device_names;
  Span<const u32> class_keys;
  Span<const u32> class_sparse;
  Span<const u8> class_names;
};

// A name in a table: formats as its text (tokens expanded), or as nothing if not found.
class Name {
 public:
  constexpr Name() = default;
  constexpr Name(const Tokens* tokens, Bytes encoded) : tokens_(tokens), encoded_(encoded) {}
  bool found() const { return tokens_ != nullptr; }
  // Writes the name; returns the number of bytes written.
  usize write(Sink& out) const;

 private:
  const Tokens* tokens_ = nullptr;
  Bytes encoded_;  // from the name's first byte to the end of its stream
};

Name vendor(const Table& t, u16 vendor);
Name device(const Table& t, u16 vendor, u16 device);
// The class, subclass and interface (PCI programming interface, USB protocol) names.
Name class_name(const Table& t, u8 class_code);
Name subclass_name(const Table& t, u8 class_code, u8 subclass);
Name interface_name(const Table& t, u8 class_code, u8 subclass, u8 interface);

}  // namespace libk::ids

namespace libk {
template <>
struct Formatter<ids::Name> {
  static void format(Sink& sink, const ids::Name& name, const FormatSpec& spec);
};
}  // namespace libk
