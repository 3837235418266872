#include "entropy.hpp"

#include <hal/cpu.hpp>
#include <libk/sha256.hpp>

namespace loader {

namespace {

constinit EFI_GUID kRngGuid = EFI_RNG_PROTOCOL_GUID;

// UEFI spec §37.5, EFI_RNG_PROTOCOL.GetRNG with the default algorithm (NULL).
bool from_efi_rng(Entropy& out) {
  EFI_RNG_PROTOCOL* rng = nullptr;
  if (EFI_ERROR(firmware.boot->LocateProtocol(&kRngGuid, nullptr, reinterpret_cast<void**>(&rng))))
    return false;
  return !EFI_ERROR(rng->GetRNG(rng, nullptr, sizeof(out.words), reinterpret_cast<u8*>(out.words)));
}

// SDM Vol. 1 §7.3.17.1: retry a few times when RDRAND reports that no number was ready.
bool from_rdrand(const hal::CpuInfo& cpu, Entropy& out) {
  if (!cpu.rdrand) return false;
  constexpr u32 kRetries = 10;
  for (u64& word : out.words) {
    u32 tries = 0;
    while (!hal::cpu::rdrand(word))
      if (++tries == kRetries) return false;
  }
  return true;
}

// The time-stamp counter read around short stalls, hashed: its low bits differ from boot to
// boot (and across each stall), but an attacker who can watch the machine may guess them.
void from_tsc(Entropy& out) {
  constexpr u32 kSamples = 64;
  libk::Sha256 h;
  for (u32 i = 0; i < kSamples; ++i) {
    u64 t = hal::cpu::rdtsc();
    h.update(libk::Bytes(reinterpret_cast<const u8*>(&t), sizeof(t)));
    firmware.boot->Stall(1);
  }
  libk::Sha256Digest d = h.finish();
  static_assert(sizeof(d.bytes) == sizeof(out.words));
  __builtin_memcpy(out.words, d.bytes, sizeof(out.words));
}

}  // namespace

Entropy gather_entropy(const hal::CpuInfo& cpu) {
  Entropy e{};
  if (from_efi_rng(e)) {
    e.source = boot::EntropySource::EfiRng;
  } else if (from_rdrand(cpu, e)) {
    e.source = boot::EntropySource::Rdrand;
  } else {
    from_tsc(e);
    e.source = boot::EntropySource::Tsc;
  }
  return e;
}

}  // namespace loader
