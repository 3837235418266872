// ACPI Root System Description Pointer validation (ACPI 6.5 §5.2.5.3). The RSDP is found
// through the firmware; its bytes are still checked before the kernel trusts them.
#pragma once

#include <libk/span.hpp>
#include <libk/string_view.hpp>

namespace libk::acpi {

struct [[gnu::packed]] Rsdp {
  char signature[8];  // "RSD PTR "
  u8 checksum;        // over the first 20 bytes
  char oem_id[6];
  u8 revision;  // 0: ACPI 1.0 (20-byte structure); 2: ACPI 2.0+
  u32 rsdt_address;
  u32 length;  // of the whole structure, revision >= 2
  u64 xsdt_address;
  u8 extended_checksum;  // over `length` bytes
  u8 reserved[3];
};
static_assert(sizeof(Rsdp) == 36);

enum class RsdpProblem : u8 { TooShort, BadSignature, BadChecksum, BadLength, BadExtendedChecksum };

// Validates an RSDP given the bytes available at its address (at least 20; 36 for 2.0+).
// Returns nullopt-like problem codes through `problem`; true if valid.
bool validate_rsdp(Bytes bytes, RsdpProblem& problem);

u8 checksum(Bytes bytes);

StringView rsdp_problem_text(RsdpProblem p);

}  // namespace libk::acpi
