// libk/acpi_rsdp.hpp: RSDP validation (ACPI 6.5 §5.2.5.3).
#include <catch2/catch.hpp>
#include <cstring>
#include <set>
#include <string>
#include <vector>

#include <libk/acpi_rsdp.hpp>

#include "string_sink.hpp"

using libk::acpi::RsdpProblem;

namespace Catch {
template <>
struct StringMaker<RsdpProblem> {
  static std::string convert(RsdpProblem p) { return test::str(libk::acpi::rsdp_problem_text(p)); }
};
}  // namespace Catch

namespace {

constexpr usize kV1Size = 20;
constexpr usize kV2Size = 36;

u8 sum(const u8* p, usize n) {
  u8 s = 0;
  for (usize i = 0; i < n; ++i) s = u8(s + p[i]);
  return s;
}

// Sets both checksums so that the structure is valid.
void seal(libk::acpi::Rsdp& r) {
  auto* bytes = reinterpret_cast<u8*>(&r);
  r.checksum = 0;
  r.checksum = u8(-sum(bytes, kV1Size));
  r.extended_checksum = 0;
  r.extended_checksum = u8(-sum(bytes, kV2Size));
}

libk::acpi::Rsdp rsdp(u8 revision) {
  libk::acpi::Rsdp r{};
  std::memcpy(r.signature, "RSD PTR ", 8);
  std::memcpy(r.oem_id, "EMBER ", 6);
  r.revision = revision;
  r.rsdt_address = 0x7fe1'4000;
  r.length = revision >= 2 ? kV2Size : 0;
  r.xsdt_address = revision >= 2 ? 0x7fe1'50e8 : 0;
  seal(r);
  return r;
}

// The bytes available at the RSDP's address: the structure, then whatever follows.
std::vector<u8> memory_at(const libk::acpi::Rsdp& r, usize available) {
  std::vector<u8> bytes(available, 0x5a);
  std::memcpy(bytes.data(), &r, available < sizeof(r) ? available : sizeof(r));
  return bytes;
}

bool valid(const std::vector<u8>& bytes, RsdpProblem& problem) {
  return libk::acpi::validate_rsdp({bytes.data(), bytes.size()}, problem);
}

RsdpProblem problem_of(const std::vector<u8>& bytes) {
  RsdpProblem problem{};
  REQUIRE_FALSE(valid(bytes, problem));
  return problem;
}

}  // namespace

TEST_CASE("ACPI 1.0 RSDP of 20 bytes is valid") {
  RsdpProblem problem{};
  CHECK(valid(memory_at(rsdp(0), kV1Size), problem));
}

TEST_CASE("ACPI 1.0 RSDP ignores the bytes after its 20") {
  RsdpProblem problem{};
  CHECK(valid(memory_at(rsdp(0), 64), problem));
}

TEST_CASE("ACPI 2.0 RSDP of 36 bytes is valid") {
  RsdpProblem problem{};
  CHECK(valid(memory_at(rsdp(2), kV2Size), problem));
}

TEST_CASE("ACPI 2.0 RSDP with more bytes available than its length is valid") {
  RsdpProblem problem{};
  CHECK(valid(memory_at(rsdp(2), 4096), problem));
}

TEST_CASE("RSDP revision 1 is validated as an ACPI 1.0 structure") {
  RsdpProblem problem{};
  CHECK(valid(memory_at(rsdp(1), kV1Size), problem));
}

TEST_CASE("RSDP with fewer than 20 bytes available is too short") {
  CHECK(problem_of(memory_at(rsdp(0), 19)) == RsdpProblem::TooShort);
  CHECK(problem_of({}) == RsdpProblem::TooShort);
}

TEST_CASE("ACPI 2.0 RSDP with fewer than 36 bytes available is too short") {
  CHECK(problem_of(memory_at(rsdp(2), 35)) == RsdpProblem::TooShort);
  CHECK(problem_of(memory_at(rsdp(2), kV1Size)) == RsdpProblem::TooShort);
}

TEST_CASE("RSDP with a wrong signature is rejected") {
  auto r = rsdp(2);
  r.signature[7] = '!';
  seal(r);
  CHECK(problem_of(memory_at(r, kV2Size)) == RsdpProblem::BadSignature);
}

TEST_CASE("RSDP with a wrong checksum over its first 20 bytes is rejected") {
  auto r = rsdp(0);
  r.rsdt_address += 1;
  CHECK(problem_of(memory_at(r, kV1Size)) == RsdpProblem::BadChecksum);
}

TEST_CASE("ACPI 2.0 RSDP with a length below 36 is rejected") {
  auto r = rsdp(2);
  r.length = 20;
  seal(r);
  CHECK(problem_of(memory_at(r, kV2Size)) == RsdpProblem::BadLength);
}

TEST_CASE("ACPI 2.0 RSDP whose length exceeds the bytes available is rejected") {
  auto r = rsdp(2);
  r.length = 40;
  seal(r);
  CHECK(problem_of(memory_at(r, kV2Size)) == RsdpProblem::BadLength);
}

TEST_CASE("ACPI 2.0 RSDP with a wrong extended checksum is rejected") {
  auto r = rsdp(2);
  r.xsdt_address += 1;  // outside the first 20 bytes: only the extended checksum breaks
  CHECK(problem_of(memory_at(r, kV2Size)) == RsdpProblem::BadExtendedChecksum);
}

TEST_CASE("ACPI 2.0 extended checksum covers exactly length bytes") {
  auto r = rsdp(2);
  auto bytes = memory_at(r, 64);
  bytes[40] ^= 0xff;  // past `length`: not covered
  RsdpProblem problem{};
  CHECK(valid(bytes, problem));
}

TEST_CASE("ACPI 2.0 extended checksum covers a length beyond 36 bytes") {
  auto bytes = memory_at(rsdp(2), 64);
  u32 length = 40;
  std::memcpy(bytes.data() + 20, &length, sizeof(length));
  bytes[32] = 0;  // extended_checksum
  bytes[32] = u8(-sum(bytes.data(), length));
  RsdpProblem problem{};
  REQUIRE(valid(bytes, problem));
  bytes[38] ^= 0x01;  // inside `length`, past the 36-byte structure
  CHECK(problem_of(bytes) == RsdpProblem::BadExtendedChecksum);
}

TEST_CASE("checksum sums bytes modulo 256") {
  const u8 bytes[] = {0x80, 0x80, 0x01};
  CHECK(libk::acpi::checksum(bytes) == 1);
  CHECK(libk::acpi::checksum({}) == 0);
}

TEST_CASE("Every RSDP problem has its own text") {
  std::set<std::string> texts;
  for (RsdpProblem p : {RsdpProblem::TooShort, RsdpProblem::BadSignature, RsdpProblem::BadChecksum,
                        RsdpProblem::BadLength, RsdpProblem::BadExtendedChecksum})
    texts.insert(test::str(libk::acpi::rsdp_problem_text(p)));
  CHECK(texts.size() == 5);
}
