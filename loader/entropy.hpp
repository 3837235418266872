// Random numbers for the kernel's base (KASLR) and the stack canaries, from the best source
// the machine offers: the firmware's EFI_RNG_PROTOCOL, else the CPU's RDRAND, else the jitter
// of the time-stamp counter (weak: it only keeps two boots from being alike).
#pragma once

#include <boot/boot_info.hpp>
#include <hal/cpu_info.hpp>

#include "loader.hpp"

namespace loader {

struct Entropy {
  boot::EntropySource source;
  u64 words[4];  // 256 bits
};

// Only before ExitBootServices (the firmware's protocol and Stall).
Entropy gather_entropy(const hal::CpuInfo& cpu);

}  // namespace loader
