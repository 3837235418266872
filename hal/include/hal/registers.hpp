// Typed control registers and MSRs, one declaration per register with its SDM reference.
// Call sites read like `Efer::read().set_nxe(true).write()`.
#pragma once

#include <hal/cpu.hpp>

namespace hal {

namespace detail {
template <typename Derived>
class BitRegister {
 public:
  constexpr explicit BitRegister(u64 raw) : raw_(raw) {}
  constexpr u64 raw() const { return raw_; }

 protected:
  constexpr bool bit(u32 n) const { return (raw_ >> n) & 1; }
  constexpr Derived& set_bit(u32 n, bool v) {
    raw_ = v ? raw_ | (u64{1} << n) : raw_ & ~(u64{1} << n);
    return static_cast<Derived&>(*this);
  }
  u64 raw_;
};
}  // namespace detail

// CR0 — Intel SDM Vol. 3A §2.5, Figure 2-7.
class Cr0 : public detail::BitRegister<Cr0> {
 public:
  using BitRegister::BitRegister;
  static Cr0 read() { return Cr0(cpu::read_cr0()); }
  void write() const { cpu::write_cr0(raw_); }
  bool pe() const { return bit(0); }
  bool wp() const { return bit(16); }
  Cr0& set_wp(bool v) { return set_bit(16, v); }
  bool pg() const { return bit(31); }
};

// CR4 — Intel SDM Vol. 3A §2.5, Figure 2-7.
class Cr4 : public detail::BitRegister<Cr4> {
 public:
  using BitRegister::BitRegister;
  static Cr4 read() { return Cr4(cpu::read_cr4()); }
  void write() const { cpu::write_cr4(raw_); }
  bool pae() const { return bit(5); }
  bool mce() const { return bit(6); }  // machine-check exceptions enabled
  Cr4& set_mce(bool v) { return set_bit(6, v); }
  bool pge() const { return bit(7); }
  Cr4& set_pge(bool v) { return set_bit(7, v); }
  bool la57() const { return bit(12); }
};

// IA32_EFER (MSR 0xC0000080) — Intel SDM Vol. 3A §2.2.1, Table 2-1.
class Efer : public detail::BitRegister<Efer> {
 public:
  static constexpr u32 kMsr = 0xC000'0080;
  using BitRegister::BitRegister;
  static Efer read() { return Efer(cpu::rdmsr(kMsr)); }
  void write() const { cpu::wrmsr(kMsr, raw_); }
  bool lme() const { return bit(8); }
  bool lma() const { return bit(10); }
  bool nxe() const { return bit(11); }
  Efer& set_nxe(bool v) { return set_bit(11, v); }
};

// CPUID feature bits used early (SDM Vol. 2A, CPUID instruction, Tables 3-8 to 3-10).
struct CpuFeatures {
  bool huge_pages_1g;        // CPUID.80000001H:EDX[26]
  bool nx;                   // CPUID.80000001H:EDX[20]
  bool invariant_tsc;        // CPUID.80000007H:EDX[8]
  u8 physical_address_bits;  // CPUID.80000008H:EAX[7:0]

  static CpuFeatures detect() {
    CpuFeatures f{};
    u32 max_ext = cpu::cpuid(0x8000'0000).eax;
    if (max_ext >= 0x8000'0001) {
      auto r = cpu::cpuid(0x8000'0001);
      f.huge_pages_1g = (r.edx >> 26) & 1;
      f.nx = (r.edx >> 20) & 1;
    }
    if (max_ext >= 0x8000'0007) f.invariant_tsc = (cpu::cpuid(0x8000'0007).edx >> 8) & 1;
    f.physical_address_bits = max_ext >= 0x8000'0008 ? u8(cpu::cpuid(0x8000'0008).eax) : 36;
    return f;
  }
};

}  // namespace hal
