// IA32_PAT, the page attribute table — Intel SDM Vol. 3A §11.12 (Figure 11-9, Table 11-10).
// A page's PAT, PCD and PWT bits select one of eight entries; each entry holds a memory
// type. Ember's layout (see hal/paging.hpp, Cache): entries 0-3 keep their power-on values
// WB, WT, UC-, UC, so tables built before the PAT is programmed mean the same thing after,
// and entry 4 becomes write-combining for the framebuffer. Only when CPUID says the CPU has a
// PAT (hal::CpuInfo::pat).
#pragma once

#include <hal/registers.hpp>

namespace hal {

enum class MemoryType : u8 {
  Uncacheable = 0,     // UC
  WriteCombining = 1,  // WC
  WriteThrough = 4,    // WT
  WriteProtected = 5,  // WP
  WriteBack = 6,       // WB
  UncachedMinus = 7,   // UC- (UC unless an MTRR says WC)
};

class Pat : public detail::BitRegister<Pat> {
 public:
  static constexpr u32 kMsr = 0x277;
  static constexpr u64 kPowerOn = 0x0007'0406'0007'0406ull;  // SDM §11.12.4
  using BitRegister::BitRegister;

  static Pat read() { return Pat(cpu::rdmsr(kMsr)); }
  void write() const { cpu::wrmsr(kMsr, raw_); }

  // Entry `index` (0-7): byte `index`, of which bits 2:0 hold the type and 7:3 are reserved.
  MemoryType entry(u32 index) const { return MemoryType(field(8 * index + 2, 8 * index)); }
  Pat& set_entry(u32 index, MemoryType type) {
    return set_field(8 * index + 7, 8 * index, u64(type));
  }

  // Ember's layout: power-on entries with entry 4 = write-combining.
  static constexpr u64 ember_layout() {
    return Pat(kPowerOn).set_entry(4, MemoryType::WriteCombining).raw();
  }
};

}  // namespace hal
