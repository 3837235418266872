#include <libk/acpi.hpp>
#include <libk/assert.hpp>

namespace libk::acpi {

namespace {

using Fail = Unexpected<Problem>;

constexpr u32 kRsdpV1Length = 20;
constexpr u32 kRsdpV2Length = 36;

void copy_signature(char (&out)[5], StringView signature) {
  for (usize i = 0; i < 4; ++i) out[i] = i < signature.size() ? signature[i] : '\0';
  out[4] = '\0';
}

StringView signature_of(const u8* header) {
  return StringView(reinterpret_cast<const char*>(header), 4);
}

// Reads the RSDP: 20 bytes for revision 0, `length` bytes for 2+ (ACPI 6.5 §5.2.5.3).
Result<Rsdp, Problem> read_rsdp(PhysicalMemory& memory, u64 address, Diagnostics& diag) {
  Bytes v1 = memory.read(address, kRsdpV1Length);
  if (v1.empty()) {
    diag.add(Problem::RsdpUnreadable, "RSDP", address);
    return Fail{Problem::RsdpUnreadable};
  }
  Bytes bytes = v1;
  if (v1[15] >= 2) {
    bytes = memory.read(address, kRsdpV2Length);
    if (bytes.empty()) bytes = v1;  // validate_rsdp reports it as too short
  }
  RsdpProblem problem{};
  if (!validate_rsdp(bytes, problem)) {
    diag.add(Problem::RsdpInvalid, "RSDP", address, u64(problem));
    return Fail{Problem::RsdpInvalid};
  }
  Rsdp rsdp{};
  __builtin_memcpy(&rsdp, bytes.data(), bytes.size() < sizeof(Rsdp) ? bytes.size() : sizeof(Rsdp));
  return rsdp;
}

bool overlaps_any(const Tables& t, u64 address, u32 length, u64& other) {
  if (ranges_overlap(address, address + length, t.root_address, t.root_address + t.root_length)) {
    other = t.root_address;
    return true;
  }
  for (const TableRef& ref : t.tables) {
    if (ranges_overlap(address, address + length, ref.address, ref.address + ref.length)) {
      other = ref.address;
      return true;
    }
  }
  return false;
}

bool listed(const Tables& t, u64 address) {
  for (const TableRef& ref : t.tables)
    if (ref.address == address) return true;
  return false;
}

// Validates the table at `address` from the root and appends it to `out` if it is sound.
void add_table(PhysicalMemory& memory, u64 address, Tables& out, Diagnostics& diag) {
  StringView root_sig = out.xsdt ? "XSDT" : "RSDT";
  if (address == 0) return diag.add(Problem::NullEntry, root_sig, out.root_address);
  if (listed(out, address)) return diag.add(Problem::DuplicateTable, "", address);
  auto table = read_table(memory, address, {}, diag);
  if (!table) return;
  Bytes bytes = table.value();
  u64 other = 0;
  if (overlaps_any(out, address, u32(bytes.size()), other))
    return diag.add(Problem::OverlappingTables, signature_of(bytes.data()), address, other);
  if (out.tables.full()) return diag.add(Problem::TooManyTables, root_sig, out.root_address);
  TableRef ref{};
  copy_signature(ref.signature, signature_of(bytes.data()));
  ref.address = address;
  ref.length = u32(bytes.size());
  ref.revision = bytes[8];
  bool added = out.tables.push_back(ref);
  VERIFY(added);  // checked for room above
}

}  // namespace

void Diagnostics::add(Problem p, StringView signature, u64 address, u64 value, u64 limit) {
  Diagnostic d{p, {}, address, value, limit};
  copy_signature(d.signature, signature);
  if (!items_.push_back(d)) ++dropped_;
}

bool Diagnostics::has(Problem p) const {
  for (const Diagnostic& d : items_)
    if (d.problem == p) return true;
  return false;
}

const TableRef* Tables::find(StringView signature, usize index) const {
  for (const TableRef& ref : tables) {
    if (StringView(ref.signature) != signature) continue;
    if (index-- == 0) return &ref;
  }
  return nullptr;
}

GenericAddress read_generic_address(const u8* p) {
  return {p[0], p[1], p[2], p[3], load_le<u64>(p + 4)};
}

Result<Bytes, Problem> read_table(PhysicalMemory& memory, u64 address, StringView expected,
                                  Diagnostics& diag, u32 min_length) {
  Bytes header = memory.read(address, sizeof(SdtHeader));
  StringView sig = header.empty() ? expected : signature_of(header.data());
  if (header.empty()) {
    diag.add(Problem::TableUnreadable, sig, address);
    return Fail{Problem::TableUnreadable};
  }
  if (!expected.empty() && sig != expected) {
    diag.add(Problem::BadSignature, sig, address);
    return Fail{Problem::BadSignature};
  }
  u32 length = load_le<u32>(header.data() + 4);
  if (length < min_length) {
    diag.add(Problem::TableTooShort, sig, address, length, min_length);
    return Fail{Problem::TableTooShort};
  }
  if (length > kMaxTableLength) {
    diag.add(Problem::TableTooLong, sig, address, length, kMaxTableLength);
    return Fail{Problem::TableTooLong};
  }
  Bytes table = memory.read(address, length);
  if (table.empty()) {
    diag.add(Problem::TableUnreadable, sig, address, length);
    return Fail{Problem::TableUnreadable};
  }
  if (u8 sum = checksum(table); sum != 0) {
    diag.add(Problem::BadChecksum, sig, address, sum);
    return Fail{Problem::BadChecksum};
  }
  return table;
}

Result<void, Problem> discover(PhysicalMemory& memory, u64 rsdp_address, Tables& out,
                               Diagnostics& diag) {
  Rsdp rsdp = TRY(read_rsdp(memory, rsdp_address, diag));
  out = Tables{};
  out.rsdp_revision = rsdp.revision;
  for (usize i = 0; i < 6; ++i) out.oem_id[i] = rsdp.oem_id[i];
  out.xsdt = rsdp.revision >= 2 && rsdp.xsdt_address != 0;
  out.root_address = out.xsdt ? rsdp.xsdt_address : rsdp.rsdt_address;
  if (out.root_address == 0) {
    diag.add(Problem::NoRootTable, "RSDP", rsdp_address);
    return Fail{Problem::NoRootTable};
  }
  u32 entry_size = out.xsdt ? 8 : 4;
  Bytes root = TRY(read_table(memory, out.root_address, out.xsdt ? "XSDT" : "RSDT", diag));
  out.root_length = u32(root.size());
  u64 body = root.size() - sizeof(SdtHeader);
  if (body % entry_size != 0)
    diag.add(Problem::RootLengthNotMultiple, out.xsdt ? "XSDT" : "RSDT", out.root_address,
             root.size());
  for (u64 offset = sizeof(SdtHeader); offset + entry_size <= root.size(); offset += entry_size) {
    u64 address =
        entry_size == 8 ? load_le<u64>(root.data() + offset) : load_le<u32>(root.data() + offset);
    add_table(memory, address, out, diag);
  }
  return {};
}

StringView problem_text(Problem p) {
  switch (p) {
    case Problem::RsdpUnreadable: return "RSDP is not in readable memory";
    case Problem::RsdpInvalid: return "invalid RSDP";
    case Problem::NoRootTable: return "RSDP names no root table";
    case Problem::TableUnreadable: return "table is not in readable memory";
    case Problem::TableTooShort: return "table too short";
    case Problem::TableTooLong: return "table length implausibly large";
    case Problem::BadChecksum: return "bad checksum";
    case Problem::BadSignature: return "unexpected signature";
    case Problem::RootLengthNotMultiple:
      return "root table length is not a whole number of entries";
    case Problem::NullEntry: return "null table pointer";
    case Problem::DuplicateTable: return "table listed twice";
    case Problem::OverlappingTables: return "table overlaps another table";
    case Problem::TooManyTables: return "too many tables";
    case Problem::EntryTooShort: return "entry shorter than its type requires";
    case Problem::EntryPastEnd: return "entry runs past the end of the table";
    case Problem::TooManyEntries: return "more entries of one type than Ember keeps";
    case Problem::DuplicateIoApic: return "duplicate I/O APIC";
    case Problem::BadFlags: return "reserved polarity/trigger encoding";
    case Problem::BadAddressSpace: return "register block not in memory or I/O space";
    case Problem::BadAddress: return "bad register block address";
    case Problem::BadBusRange: return "bus range ends before it starts";
    case Problem::RangeOverlap: return "bus range overlaps another entry";
  }
  return "unknown problem";
}

}  // namespace libk::acpi

namespace libk {

void Formatter<acpi::Diagnostic>::format(Sink& s, const acpi::Diagnostic& d, const FormatSpec&) {
  StringView sig(d.signature);
  format_to(s, "{} at {:#x}: {}", sig.empty() ? StringView("table") : sig, d.address,
            acpi::problem_text(d.problem));
  switch (d.problem) {
    case acpi::Problem::RsdpInvalid:
      return format_to(s, " ({})", acpi::rsdp_problem_text(acpi::RsdpProblem(d.value)));
    case acpi::Problem::TableTooShort:
    case acpi::Problem::TableTooLong:
      return format_to(s, " (length {}, limit {})", d.value, d.limit);
    case acpi::Problem::BadChecksum: return format_to(s, " (bytes sum to {:#x})", d.value);
    case acpi::Problem::OverlappingTables: return format_to(s, " (at {:#x})", d.value);
    case acpi::Problem::RootLengthNotMultiple:
    case acpi::Problem::TableUnreadable: return format_to(s, " (length {})", d.value);
    case acpi::Problem::EntryTooShort:
    case acpi::Problem::TooManyEntries: return format_to(s, " (entry type {})", d.value);
    case acpi::Problem::EntryPastEnd: return format_to(s, " (entry at offset {})", d.value);
    case acpi::Problem::DuplicateIoApic: return format_to(s, " (ID {})", d.value);
    case acpi::Problem::BadFlags: return format_to(s, " (flags {:#x})", d.value);
    case acpi::Problem::BadAddressSpace: return format_to(s, " (address space {})", d.value);
    case acpi::Problem::BadAddress: return format_to(s, " ({:#x})", d.value);
    case acpi::Problem::BadBusRange: return format_to(s, " (buses {} to {})", d.value, d.limit);
    case acpi::Problem::RangeOverlap: return format_to(s, " (segment {})", d.value);
    default: return;
  }
}

}  // namespace libk
