#include <libk/acpi_rsdp.hpp>
#include <libk/string_view.hpp>

namespace libk::acpi {

u8 checksum(Bytes bytes) {
  u8 sum = 0;
  for (u8 b : bytes) sum = u8(sum + b);
  return sum;
}

bool validate_rsdp(Bytes bytes, RsdpProblem& problem) {
  if (bytes.size() < 20) return problem = RsdpProblem::TooShort, false;
  if (StringView(reinterpret_cast<const char*>(bytes.data()), 8) != "RSD PTR ")
    return problem = RsdpProblem::BadSignature, false;
  if (checksum(bytes.subspan(0, 20)) != 0) return problem = RsdpProblem::BadChecksum, false;
  u8 revision = bytes[15];
  if (revision < 2) return true;
  if (bytes.size() < 36) return problem = RsdpProblem::TooShort, false;
  u32 length = load_le<u32>(bytes.data() + 20);
  if (length < 36 || length > bytes.size()) return problem = RsdpProblem::BadLength, false;
  if (checksum(bytes.subspan(0, length)) != 0)
    return problem = RsdpProblem::BadExtendedChecksum, false;
  return true;
}

StringView rsdp_problem_text(RsdpProblem p) {
  switch (p) {
    case RsdpProblem::TooShort: return "structure too short";
    case RsdpProblem::BadSignature: return "bad signature";
    case RsdpProblem::BadChecksum: return "bad checksum";
    case RsdpProblem::BadLength: return "bad length";
    case RsdpProblem::BadExtendedChecksum: return "bad extended checksum";
  }
  return "invalid";
}

}  // namespace libk::acpi
