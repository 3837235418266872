// The two legacy 8259A PICs (Intel 8259A datasheet; OSDev "8259 PIC"). Ember routes device
// interrupts through the I/O APIC, so the PICs are only remapped away from the exception
// vectors (their power-on vectors 0x08-0x0F collide with #DF..#GP) and masked.
#pragma once

#include <libk/types.hpp>

namespace hal::pic {

inline constexpr u8 kMasterBase = 0x20;  // IRQ 0-7  -> vectors 0x20-0x27
inline constexpr u8 kSlaveBase = 0x28;   // IRQ 8-15 -> vectors 0x28-0x2F
// A masked PIC still raises a spurious IRQ 7 / IRQ 15 if a request vanishes mid-cycle.
inline constexpr u8 kMasterSpurious = kMasterBase + 7;
inline constexpr u8 kSlaveSpurious = kSlaveBase + 7;

// Reinitializes both PICs at the vectors above and masks every line.
void remap_and_mask();

// Acknowledges a spurious IRQ 15 at the master (the slave raised it through cascade line 2,
// so the master did see a real request).
void acknowledge_spurious_slave();

// The mask registers (IMR) of master (low byte) and slave (high byte).
u16 masks();

}  // namespace hal::pic
