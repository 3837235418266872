// Typed control registers and MSRs, one declaration per register with its SDM reference.
// Call sites read like `Efer::read().set_nxe(true).write()`.
#pragma once

#include <hal/bit_register.hpp>
#include <hal/cpu.hpp>

namespace hal {

// CR0 — Intel SDM Vol. 3A §2.5, Figure 2-7.
class Cr0 : public detail::BitRegister<Cr0> {
 public:
  using BitRegister::BitRegister;
  static Cr0 read() { return Cr0(cpu::read_cr0()); }
  void write() const { cpu::write_cr0(raw_); }
  HAL_BIT(0, pe);   // protection enable
  HAL_BIT(1, mp);   // monitor coprocessor
  HAL_BIT(2, em);   // x87 emulation
  HAL_BIT(3, ts);   // task switched
  HAL_BIT(4, et);   // extension type (always 1)
  HAL_BIT(5, ne);   // numeric error: native x87 error reporting
  HAL_BIT(16, wp);  // write protect: ring 0 honours read-only pages
  HAL_BIT(18, am);  // alignment mask
  HAL_BIT(29, nw);  // not write-through
  HAL_BIT(30, cd);  // cache disable
  HAL_BIT(31, pg);  // paging
};

// CR3 — Intel SDM Vol. 3A §4.5, Table 4-12 (CR4.PCIDE = 0) and Table 4-13 (CR4.PCIDE = 1).
class Cr3 : public detail::BitRegister<Cr3> {
 public:
  using BitRegister::BitRegister;
  static Cr3 read() { return Cr3(cpu::read_cr3()); }
  // Loading CR3 switches address spaces and flushes the non-global TLB entries (§4.10.4.1).
  void write() const { cpu::write_cr3(raw_); }
  HAL_BIT(3, write_through);    // PWT of the top-level table, with CR4.PCIDE = 0
  HAL_BIT(4, cache_disable);    // PCD of the top-level table, with CR4.PCIDE = 0
  HAL_FIELD(u16, 11, 0, pcid);  // the process-context identifier, with CR4.PCIDE = 1
  HAL_ADDRESS(51, 12, base);    // the top-level (PML4) table's physical address
  HAL_BIT(63, keep_tlb);        // written with CR4.PCIDE = 1: keep the PCID's TLB entries
};

// CR4 — Intel SDM Vol. 3A §2.5, Figure 2-7.
class Cr4 : public detail::BitRegister<Cr4> {
 public:
  using BitRegister::BitRegister;
  static Cr4 read() { return Cr4(cpu::read_cr4()); }
  void write() const { cpu::write_cr4(raw_); }
  HAL_BIT(0, vme);
  HAL_BIT(1, pvi);
  HAL_BIT(2, tsd);
  HAL_BIT(3, de);
  HAL_BIT(4, pse);
  HAL_BIT(5, pae);
  HAL_BIT(6, mce);  // machine-check exceptions enabled
  HAL_BIT(7, pge);  // global pages
  HAL_BIT(8, pce);
  HAL_BIT(9, osfxsr);
  HAL_BIT(10, osxmmexcpt);
  HAL_BIT(11, umip);
  HAL_BIT(12, la57);  // 5-level paging
  HAL_BIT(13, vmxe);
  HAL_BIT(16, fsgsbase);
  HAL_BIT(17, pcide);  // process-context identifiers (CR3[11:0] is a PCID)
  HAL_BIT(18, osxsave);
  HAL_BIT(20, smep);
  HAL_BIT(21, smap);
  HAL_BIT(22, pke);
  HAL_BIT(23, cet);
};

// XCR0 — Intel SDM Vol. 1 §13.3, Figure 13-1: the state components XSAVE/XRSTOR manage and
// the instructions that use them may run (libk/fpu_area.hpp chooses the value).
class Xcr0 : public detail::BitRegister<Xcr0> {
 public:
  using BitRegister::BitRegister;
  static Xcr0 read() { return Xcr0(cpu::xgetbv(0)); }
  void write() const { cpu::xsetbv(0, raw_); }
  HAL_BIT(0, x87);  // must be 1
  HAL_BIT(1, sse);
  HAL_BIT(2, avx);
  HAL_BIT(5, opmask);
  HAL_BIT(6, zmm_hi256);
  HAL_BIT(7, hi16_zmm);
};

// IA32_EFER (MSR 0xC0000080) — Intel SDM Vol. 3A §2.2.1, Table 2-1.
class Efer : public detail::BitRegister<Efer> {
 public:
  static constexpr u32 kMsr = 0xC000'0080;
  using BitRegister::BitRegister;
  static Efer read() { return Efer(cpu::rdmsr(kMsr)); }
  void write() const { cpu::wrmsr(kMsr, raw_); }
  HAL_BIT(0, sce);   // SYSCALL enable
  HAL_BIT(8, lme);   // long mode enable
  HAL_BIT(10, lma);  // long mode active
  HAL_BIT(11, nxe);  // no-execute enable
};

}  // namespace hal
