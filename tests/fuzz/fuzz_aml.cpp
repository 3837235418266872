// libFuzzer harness for the \_Sx sleep-type scan (libk/acpi_aml.hpp).
//
// Input: a whole DSDT/SSDT (header included). Every state 0-5 is looked up; the result is
// checked against the one invariant a caller relies on: a sleep type fits SLP_TYPx's 3 bits.
// Seeds: the q35 and pc DSDTs captured from QEMU (tests/data/acpi/), and a minimal table.
#include <cstdlib>
#include <vector>

#include <libk/acpi_aml.hpp>

extern "C" int LLVMFuzzerTestOneInput(const u8* data, size_t size) {
  // A copy of exactly `size` bytes, so that ASan catches a read one past the end.
  std::vector<u8> table(data, data + size);
  libk::Bytes bytes(table.data(), table.size());
  for (u8 state = 0; state <= 5; ++state) {
    auto r = libk::acpi::find_sleep_type(bytes, state);
    if (r.ok() && (r.value().a > 7 || r.value().b > 7)) abort();
    if (!r.ok() && libk::acpi::aml_problem_text(r.error()).empty()) abort();
  }
  u32 length = 0;
  usize encoded = 0;
  for (usize at = 0; at < table.size() && at < 64; ++at)
    if (libk::acpi::decode_pkg_length(bytes, at, length, encoded) && at + encoded > table.size())
      abort();
  return 0;
}
