// Finding and validating ACPI tables (ACPI 6.5 §5.2): RSDP -> XSDT (or RSDT) -> the tables
// it lists. All bytes come from firmware and are untrusted: every table's header, length and
// checksum is checked before it is used, lengths are capped, and a table that overlaps the
// root table or another table is refused. A bad table is reported (Diagnostics) and skipped;
// the walk goes on with the others.
//
// The parser reads physical memory through PhysicalMemory, so host tests run it on table
// bytes captured from QEMU (tests/data/acpi/) and the kernel on the direct map.
#pragma once

#include <libk/acpi_rsdp.hpp>
#include <libk/fixed_vector.hpp>
#include <libk/format.hpp>
#include <libk/optional.hpp>
#include <libk/result.hpp>
#include <libk/span.hpp>

namespace libk::acpi {

class PhysicalMemory {
 public:
  // The `length` bytes at physical `address`, or an empty view if any of them cannot be read
  // (including a range that would wrap around the address space).
  virtual Bytes read(u64 address, u64 length) = 0;

 protected:
  ~PhysicalMemory() = default;
};

// System Description Table header — ACPI 6.5 §5.2.6, Table 5.4.
struct [[gnu::packed]] SdtHeader {
  char signature[4];
  u32 length;  // of the whole table, header included
  u8 revision;
  u8 checksum;  // all `length` bytes sum to 0 (mod 256)
  char oem_id[6];
  char oem_table_id[8];
  u32 oem_revision;
  u32 creator_id;
  u32 creator_revision;
};
static_assert(sizeof(SdtHeader) == 36);

// Tables longer than this are refused as corrupt (QEMU's DSDT is ~8 KiB; real ones reach a
// few hundred KiB, and Ember parses no AML).
inline constexpr u32 kMaxTableLength = 1 << 20;
inline constexpr usize kMaxTables = 64;

enum class Problem : u8 {
  RsdpUnreadable,         // the RSDP address is not readable memory
  RsdpInvalid,            // signature, checksum or length (value: RsdpProblem)
  NoRootTable,            // neither an XSDT nor an RSDT address
  TableUnreadable,        // the header or body is not readable memory
  TableTooShort,          // length below the header or the table type's minimum (value, limit)
  TableTooLong,           // length above kMaxTableLength
  BadChecksum,            // value: the byte sum
  BadSignature,           // not the signature the pointer promised
  RootLengthNotMultiple,  // XSDT/RSDT body not a whole number of entries (value: length)
  NullEntry,              // a zero pointer in the root table
  DuplicateTable,         // the same table listed twice
  OverlappingTables,      // value: the address of the table it overlaps
  TooManyTables,          // more than kMaxTables entries (value: count)
  EntryTooShort,          // an MADT entry shorter than its type requires (value: type)
  EntryPastEnd,           // an MADT entry runs past the end of the table (value: offset)
  TooManyEntries,         // more entries of one kind than Ember keeps (value: type)
  DuplicateIoApic,        // two I/O APICs with the same ID or address (value: ID)
  BadFlags,               // reserved MPS INTI polarity/trigger encoding (value: flags)
  BadAddressSpace,        // a Generic Address Structure not in system memory/I/O (value: space)
  BadAddress,             // zero or misaligned register block address (value: address)
  BadBusRange,            // an MCFG entry whose end bus is below its start bus (value: start)
  RangeOverlap,           // two MCFG entries claim the same segment and bus (value: segment)
};

struct Diagnostic {
  Problem problem;
  char signature[5];  // the table concerned, NUL-terminated ("" if none)
  u64 address;        // of the table
  u64 value;
  u64 limit;
};

StringView problem_text(Problem p);

// Problems found while walking and parsing, in order. Keeps the first kCapacity.
class Diagnostics {
 public:
  static constexpr usize kCapacity = 32;
  void add(Problem p, StringView signature, u64 address, u64 value = 0, u64 limit = 0);
  Span<const Diagnostic> items() const { return items_.span(); }
  usize dropped() const { return dropped_; }
  bool empty() const { return items_.empty(); }
  // True if a problem of this kind was recorded.
  bool has(Problem p) const;

 private:
  FixedVector<Diagnostic, kCapacity> items_;
  usize dropped_ = 0;
};

struct TableRef {
  char signature[5];  // NUL-terminated
  u64 address;
  u32 length;
  u8 revision;
};

struct Tables {
  u8 rsdp_revision = 0;
  char oem_id[7] = {};
  bool xsdt = false;  // the root is an XSDT (64-bit pointers), else an RSDT
  u64 root_address = 0;
  u32 root_length = 0;
  FixedVector<TableRef, kMaxTables> tables;  // valid tables only, in root-table order

  // The first valid table with this signature (the nth one with `index`).
  const TableRef* find(StringView signature, usize index = 0) const;
};

// Walks RSDP -> root table -> tables into `out`. Fails only if there is no usable root
// table; problems with individual tables are reported in `diag` and those tables left out.
Result<void, Problem> discover(PhysicalMemory& memory, u64 rsdp_address, Tables& out,
                               Diagnostics& diag);

// Reads and validates one table: readable, header length in [36 + min_body, kMaxTableLength],
// checksum, and the signature if `expected` is not empty. Reports problems into `diag`.
Result<Bytes, Problem> read_table(PhysicalMemory& memory, u64 address, StringView expected,
                                  Diagnostics& diag, u32 min_length = sizeof(SdtHeader));

// The table a reference names, re-read through `memory` (validated by discover()).
inline Bytes table_bytes(PhysicalMemory& memory, const TableRef& ref) {
  return memory.read(ref.address, ref.length);
}

// Generic Address Structure — ACPI 6.5 §5.2.3.2, Table 5.1.
struct GenericAddress {
  u8 address_space;  // 0 system memory, 1 system I/O
  u8 bit_width;
  u8 bit_offset;
  u8 access_size;
  u64 address;
};
inline constexpr u8 kAddressSpaceMemory = 0, kAddressSpaceIo = 1;

GenericAddress read_generic_address(const u8* p);

}  // namespace libk::acpi

namespace libk {
template <>
struct Formatter<acpi::Diagnostic> {
  // "APIC at 0x7ffe1234: bad checksum (sum 0x12)".
  static void format(Sink& sink, const acpi::Diagnostic& d, const FormatSpec& spec);
};
}  // namespace libk
