// Finding a system state's sleep type in AML (ACPI 6.5 §7.4.2 "\_Sx (System States)"):
// the DSDT (or an SSDT) defines `Name (_S5, Package () { SLP_TYPa, SLP_TYPb, ... })`, and
// the OS writes those values into the PM1 control registers to enter the state (§4.8.3.2.1,
// §16.1.7). Ember has no AML interpreter; this is a bounds-checked scan for that one
// definition in the byte stream (§20.2 "AML Grammar Definition"), which is how firmware
// emits it in practice:
//
//   08          NameOp
//   [5C]        RootChar, optional
//   5F 53 35 5F NameSeg "_S5_"
//   12          PackageOp
//   PkgLength   1-4 bytes (§20.2.4)
//   NumElements
//   elements    ZeroOp 00 | OneOp 01 | BytePrefix 0A xx | WordPrefix 0B xxxx |
//               DWordPrefix 0C xxxxxxxx | QWordPrefix 0E xxxxxxxxxxxxxxxx
//
// The bytes are untrusted: every read is checked against the table and the package's own
// length, and anything else (a method computing the value, a reference) is refused with a
// reason rather than guessed at.
#pragma once

#include <libk/result.hpp>
#include <libk/span.hpp>
#include <libk/string_view.hpp>

namespace libk::acpi {

struct SleepType {
  u8 a;  // SLP_TYPa: for PM1a_CNT
  u8 b;  // SLP_TYPb: for PM1b_CNT
};

enum class AmlProblem : u8 {
  NotAmlTable,         // shorter than a table header
  NotFound,            // no `Name (_Sx, ...)` in the table
  NotAPackage,         // _Sx is defined, but not as a package (a method, a reference...)
  BadPackageLength,    // PkgLength malformed or running past the table
  TooFewElements,      // the package declares no elements
  ElementPastEnd,      // an element runs past the package
  UnsupportedElement,  // an element that is not an integer constant
  ValueTooLarge,       // an SLP_TYP value wider than the 3-bit field
};

StringView aml_problem_text(AmlProblem p);

// The offset of the first byte after the table header, where AML starts.
inline constexpr usize kAmlStart = 36;

// Decodes the package length at `offset` (§20.2.4): the lead byte's top two bits count
// the bytes that follow; with none, the low 6 bits are the length, else the low 4 bits
// are its least significant nibble and each following byte adds 8 bits. The length counts
// itself. On success sets `length` and `encoded_bytes`.
bool decode_pkg_length(Bytes aml, usize offset, u32& length, usize& encoded_bytes);

// Finds `Name (_S<state>, Package...)` in a whole DSDT/SSDT (header included) and returns
// its first two elements. A one-element package carries both types in its low two bytes
// (older firmware; ACPICA accepts this form too). `state` is 0-5.
Result<SleepType, AmlProblem> find_sleep_type(Bytes table, u8 state);

}  // namespace libk::acpi
