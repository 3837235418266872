// The loader's half of the chain of trust (docs/secure-boot.md): the firmware's Secure Boot
// state, and every file checked against the SHA-256 digests sealed into the loader's signed
// image before it is used (libk/include/boot/digests.hpp decides).
#pragma once

#include <boot/boot_info.hpp>
#include <boot/digests.hpp>

#include "files.hpp"

namespace loader {

struct Verifier {
  boot::SecureBootState state;
  u32 verified_files;  // boot::kVerified* bits, for BootInfo
  u64 hash_cycles;     // TSC cycles spent hashing files, for BootInfo

  bool secure_boot_on() const { return state == boot::SecureBootState::On; }
};

// Reads the SecureBoot and SetupMode variables and the embedded digest table, and says on the
// console what will be verified. Fails if the table is damaged (not what the build wrote).
Expected<Verifier> start_verifying();

// Checks `data`, read from `path`, before it is used. true: use it; false: leave it unused
// (said why on the console); a failure naming `path`: do not boot.
Expected<bool> verify_file(Verifier& v, boot::digests::Role role, const Path& path,
                           libk::Bytes data);

// For a file that does not exist: a failure if the loader carries its digest (someone removed
// a file the loader was sealed to).
Expected<void> verify_absent(const Verifier& v, boot::digests::Role role, const Path& path);

}  // namespace loader
