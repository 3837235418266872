// Segment, system and gate descriptors as the CPU reads them from the GDT and the IDT
// (Intel SDM Vol. 3A §3.4.5, §8.2.3, §6.14.1). Each is 8 bytes, or 16 in long mode for the
// system descriptors (TSS) and gates, whose upper 8 bytes hold bits 63:32 of the address.
// In 64-bit mode a code or data segment's base and limit are ignored: P, DPL, S, type and L
// are what matter.
#pragma once

#include <hal/bit_register.hpp>

namespace hal {

// A code, data or system segment descriptor (the low 8 bytes of a 16-byte TSS descriptor)
// — SDM Vol. 3A §3.4.5, Figure 3-8, and §8.2.3, Figure 8-4 for the TSS.
class SegmentDescriptor : public detail::BitRegister<SegmentDescriptor> {
 public:
  // Types (Table 3-1 for code and data with S = 1, Table 3-2 for system with S = 0).
  static constexpr u8 kTypeDataReadWrite = 0x2;
  static constexpr u8 kTypeCodeExecuteRead = 0xA;
  static constexpr u8 kTypeTssAvailable = 0x9;  // 64-bit TSS, not busy

  using BitRegister::BitRegister;
  HAL_FIELD(u16, 15, 0, limit_low);
  HAL_FIELD(u32, 39, 16, base_low);  // base bits 23:0
  HAL_FIELD(u8, 43, 40, type);
  HAL_BIT(44, code_or_data);  // S: 1 for code/data, 0 for a system segment
  HAL_FIELD(u8, 46, 45, dpl);
  HAL_BIT(47, present);
  HAL_FIELD(u8, 51, 48, limit_high);  // limit bits 19:16
  HAL_BIT(53, long_mode);             // L: 64-bit code
  HAL_BIT(54, default_32bit);         // D/B
  HAL_BIT(55, granularity_4k);        // G: the limit counts 4 KiB units
  HAL_FIELD(u8, 63, 56, base_high);   // base bits 31:24

  // Bits 31:0 of the base, split over two fields (bits 63:32 of a TSS's base are in the
  // descriptor's upper 8 bytes).
  constexpr SegmentDescriptor& set_base(u64 base) {
    return set_base_low(u32(base & 0xFF'FFFF)).set_base_high(u8(base >> 24));
  }
  constexpr u32 base() const { return base_low() | u32(base_high()) << 24; }
  // The 20-bit limit, split over two fields.
  constexpr SegmentDescriptor& set_limit(u32 limit) {
    return set_limit_low(u16(limit)).set_limit_high(u8(limit >> 16));
  }
  constexpr u32 limit() const { return limit_low() | u32(limit_high()) << 16; }

  // A flat code or data segment: base 0, a 4 GiB limit, present, DPL 0 (in long mode only
  // P, DPL, S, type and L count; the rest keeps it meaningful to anything that still looks).
  static constexpr SegmentDescriptor flat(u8 type) {
    return SegmentDescriptor(0)
        .set_limit(0xF'FFFF)
        .set_granularity_4k(true)
        .set_type(type)
        .set_code_or_data(true)
        .set_present(true);
  }
};

// The low 8 bytes of a 64-bit interrupt or trap gate — SDM Vol. 3A §6.14.1, Figure 6-8. The
// upper 8 bytes hold offset bits 63:32 in their low half.
class GateDescriptor : public detail::BitRegister<GateDescriptor> {
 public:
  static constexpr u8 kTypeInterruptGate = 0xE;  // IF cleared on entry
  static constexpr u8 kTypeTrapGate = 0xF;

  using BitRegister::BitRegister;
  HAL_FIELD(u16, 15, 0, offset_low);  // offset bits 15:0
  HAL_FIELD(u16, 31, 16, selector);
  HAL_FIELD(u8, 34, 32, ist);  // 0: no stack switch; 1-7: the TSS's IST slot
  HAL_FIELD(u8, 43, 40, type);
  HAL_FIELD(u8, 46, 45, dpl);
  HAL_BIT(47, present);
  HAL_FIELD(u16, 63, 48, offset_middle);  // offset bits 31:16

  // Bits 31:0 of the handler's offset, split over two fields.
  constexpr GateDescriptor& set_offset(u64 offset) {
    return set_offset_low(u16(offset)).set_offset_middle(u16(offset >> 16));
  }
  constexpr u32 offset() const { return offset_low() | u32(offset_middle()) << 16; }
};

}  // namespace hal
