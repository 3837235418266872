#include <libk/acpi_aml.hpp>

namespace libk::acpi {

namespace {

using Fail = Unexpected<AmlProblem>;

// AML opcodes and prefixes — ACPI 6.5 §20.2.
constexpr u8 kNameOp = 0x08;
constexpr u8 kRootChar = 0x5C;
constexpr u8 kPackageOp = 0x12;
constexpr u8 kZeroOp = 0x00;
constexpr u8 kOneOp = 0x01;
constexpr u8 kBytePrefix = 0x0A;
constexpr u8 kWordPrefix = 0x0B;
constexpr u8 kDWordPrefix = 0x0C;
constexpr u8 kQWordPrefix = 0x0E;
constexpr u8 kSleepTypeMax = 7;  // SLP_TYPx is a 3-bit field (§4.8.3.2.1)

// True if the NameSeg at `at` is the name of a `Name` definition: NameOp, optionally
// followed by the root prefix, right before it.
bool defined_by_name_op(Bytes aml, usize at) {
  if (at >= kAmlStart + 1 && aml[at - 1] == kNameOp) return true;
  return at >= kAmlStart + 2 && aml[at - 1] == kRootChar && aml[at - 2] == kNameOp;
}

bool matches_name(Bytes aml, usize at, const char (&name)[5]) {
  if (!aml.contains_range(at, 4)) return false;
  for (usize i = 0; i < 4; ++i)
    if (aml[at + i] != u8(name[i])) return false;
  return true;
}

// Reads one integer constant element at `offset` (inside [.., end)); advances `offset`.
Result<u64, AmlProblem> read_integer(Bytes aml, usize& offset, usize end) {
  if (offset >= end) return Fail{AmlProblem::ElementPastEnd};
  u8 op = aml[offset++];
  usize size = 0;
  switch (op) {
    case kZeroOp: return u64{0};
    case kOneOp: return u64{1};
    case kBytePrefix: size = 1; break;
    case kWordPrefix: size = 2; break;
    case kDWordPrefix: size = 4; break;
    case kQWordPrefix: size = 8; break;
    default: return Fail{AmlProblem::UnsupportedElement};
  }
  if (size > end - offset) return Fail{AmlProblem::ElementPastEnd};
  u64 value = 0;
  for (usize i = 0; i < size; ++i) value |= u64(aml[offset + i]) << (8 * i);
  offset += size;
  return value;
}

// Parses the package starting at `offset` (its PackageOp).
Result<SleepType, AmlProblem> parse_sleep_package(Bytes aml, usize offset) {
  if (offset >= aml.size() || aml[offset] != kPackageOp) return Fail{AmlProblem::NotAPackage};
  usize length_at = offset + 1;
  u32 length = 0;
  usize encoded = 0;
  if (!decode_pkg_length(aml, length_at, length, encoded))
    return Fail{AmlProblem::BadPackageLength};
  if (length < encoded + 1 || !aml.contains_range(length_at, length))
    return Fail{AmlProblem::BadPackageLength};
  usize end = length_at + length;
  usize at = length_at + encoded;
  u8 count = aml[at++];
  if (count == 0) return Fail{AmlProblem::TooFewElements};
  u64 a = TRY(read_integer(aml, at, end));
  u64 b = 0;
  if (count == 1) {
    b = a >> 8 & 0xFF;  // both types in one integer: SLP_TYPa in bits 0-7, SLP_TYPb in 8-15
    a &= 0xFF;
  } else {
    b = TRY(read_integer(aml, at, end));
  }
  if (a > kSleepTypeMax || b > kSleepTypeMax) return Fail{AmlProblem::ValueTooLarge};
  return SleepType{u8(a), u8(b)};
}

}  // namespace

bool decode_pkg_length(Bytes aml, usize offset, u32& length, usize& encoded_bytes) {
  if (offset >= aml.size()) return false;
  u8 lead = aml[offset];
  usize follow = lead >> 6;
  if (!aml.contains_range(offset, 1 + follow)) return false;
  if (follow == 0) {
    length = lead & 0x3F;
  } else {
    if (lead & 0x30) return false;  // bits 5-4 are reserved (zero) in the multi-byte form
    length = lead & 0x0F;
    for (usize i = 0; i < follow; ++i) length |= u32(aml[offset + 1 + i]) << (4 + 8 * i);
  }
  encoded_bytes = 1 + follow;
  return true;
}

Result<SleepType, AmlProblem> find_sleep_type(Bytes table, u8 state) {
  if (table.size() < kAmlStart) return Fail{AmlProblem::NotAmlTable};
  char name[5] = {'_', 'S', char('0' + (state > 9 ? 9 : state)), '_', '\0'};
  AmlProblem problem = AmlProblem::NotFound;
  // The name may also appear where it is used (a Notify, a method body): only a `Name`
  // definition counts, and the scan goes on past other occurrences.
  for (usize at = kAmlStart; at + 4 <= table.size(); ++at) {
    if (!matches_name(table, at, name) || !defined_by_name_op(table, at)) continue;
    auto result = parse_sleep_package(table, at + 4);
    if (result) return result;
    problem = result.error();
  }
  return Fail{problem};
}

StringView aml_problem_text(AmlProblem p) {
  switch (p) {
    case AmlProblem::NotAmlTable: return "not an AML table (shorter than its header)";
    case AmlProblem::NotFound: return "no such Name() definition in the AML";
    case AmlProblem::NotAPackage: return "defined, but not as a package";
    case AmlProblem::BadPackageLength: return "package length malformed or past the table";
    case AmlProblem::TooFewElements: return "package has no elements";
    case AmlProblem::ElementPastEnd: return "package element runs past the package";
    case AmlProblem::UnsupportedElement: return "package element is not an integer constant";
    case AmlProblem::ValueTooLarge: return "sleep type value wider than 3 bits";
  }
  return "unknown problem";
}

}  // namespace libk::acpi
