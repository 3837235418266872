#include "verify.hpp"

#include <hal/cpu.hpp>

namespace loader {

using boot::digests::Check;
using boot::digests::Decision;
using boot::digests::Role;

extern "C" {
// The digest table, filled in by tools/seal_loader.py after linking and before signing. Read
// through `volatile` so that the compiler never folds in the empty table it was linked with.
[[gnu::section(".ember"), gnu::used]] const volatile boot::digests::Table ember_digests =
    boot::digests::empty_table();
}

namespace {

constinit EFI_GUID kGlobalVariable = EFI_GLOBAL_VARIABLE;
constinit boot::digests::Table table{};

void copy_table() {
  auto* from = reinterpret_cast<const volatile u8*>(&ember_digests);
  auto* to = reinterpret_cast<u8*>(&table);
  for (usize i = 0; i < sizeof(table); ++i) to[i] = from[i];
}

// A one-byte global variable (UEFI spec §3.3); nullopt if it does not exist.
libk::Optional<u8> read_flag(const char16_t* name) {
  u8 value = 0;
  UINTN size = sizeof(value);
  UINT32 attributes = 0;
  EFI_STATUS s = firmware.system->RuntimeServices->GetVariable(
      reinterpret_cast<CHAR16*>(const_cast<char16_t*>(name)), &kGlobalVariable, &attributes, &size,
      &value);
  if (EFI_ERROR(s) || size != 1) return libk::nullopt;
  return value;
}

boot::SecureBootState read_state() {
  auto secure_boot = read_flag(u"SecureBoot");
  if (!secure_boot) return boot::SecureBootState::Unsupported;
  if (*secure_boot == 1) return boot::SecureBootState::On;
  if (read_flag(u"SetupMode").value_or(0) == 1) return boot::SecureBootState::SetupMode;
  return boot::SecureBootState::Off;
}

void describe(const Verifier& v) {
  print("{}: Secure Boot {}\n", kName, boot::secure_boot_state_name(v.state));
  if (!boot::digests::sealed(table)) {
    print("{}: this loader carries no digests: what it loads is not verified\n", kName);
    return;
  }
  for (const boot::digests::Entry& e : table.entries)
    if (e.role != Role::Empty)
      print("{}: carries the SHA-256 of {}\n", kName, boot::digests::path_of(e));
}

u32 verified_bit(Role role) {
  return role == Role::Kernel   ? boot::kVerifiedKernel
         : role == Role::Config ? boot::kVerifiedConfig
         : role == Role::Module ? boot::kVerifiedModules
                                : 0;
}

}  // namespace

Expected<Verifier> start_verifying() {
  copy_table();
  if (!boot::digests::well_formed(table))
    return fail(EFI_SECURITY_VIOLATION, "the loader's digest table is damaged (magic {:#x})",
                table.magic);
  Verifier v{read_state(), 0, 0};
  describe(v);
  return v;
}

Expected<bool> verify_file(Verifier& v, Role role, const Path& path, libk::Bytes data) {
  libk::Sha256Digest computed;
  u64 start = hal::cpu::rdtsc();
  Check check = boot::digests::check(table, role, path.display, data, computed);
  v.hash_cycles += hal::cpu::rdtsc() - start;
  switch (boot::digests::decide(role, check, v.secure_boot_on())) {
    case Decision::Use:
      if (check == Check::Verified) {
        v.verified_files |= verified_bit(role);
        print("{}: {}: SHA-256 verified\n", kName, path.display);
      }
      return true;
    case Decision::Ignore:
      print("{}: {}: Secure Boot is on and the loader carries no digest for it: ignored\n", kName,
            path.display);
      return false;
    case Decision::Refuse: break;
  }
  if (check == Check::Mismatch)
    return fail(EFI_SECURITY_VIOLATION,
                "{}: does not match the digest sealed into the loader (its SHA-256 is {}); "
                "refusing to boot",
                path.display, computed);
  return fail(EFI_SECURITY_VIOLATION,
              "{}: Secure Boot is on and the loader carries no digest for it; refusing to boot",
              path.display);
}

Expected<void> verify_absent(const Verifier&, Role role, const Path& path) {
  if (boot::digests::find(table, role, path.display) == nullptr) return {};
  return fail(EFI_SECURITY_VIOLATION,
              "{}: missing, but the loader was sealed with its digest; refusing to boot",
              path.display);
}

}  // namespace loader
