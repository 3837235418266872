// The 8254 programmable interval timer (Intel 8254 datasheet; OSDev "PIT"), used only as the
// reference clock for calibration when there is no HPET. Channel 2 is used because its gate
// is software-controlled (port 0x61 bit 0) and it drives nothing but the (disconnected) PC
// speaker, so it can count freely without interrupts. Port 0x61 is shared with the NMI status
// bits, so their read lives here too.
#pragma once

#include <libk/types.hpp>

namespace hal::pit {

inline constexpr u64 kFrequencyHz = 1'193'182;  // 14.31818 MHz / 12

// Starts channel 2 counting down from 0xFFFF in mode 0, with the PC speaker disconnected.
// It reaches 0 after 65535 ticks (about 55 ms) and then wraps.
void start_counter();

// Channel 2's current count, read atomically with a counter-latch command.
u16 counter();

// System control port B (port 0x61), which also reports why an NMI was raised: bit 7 memory
// parity / PCI SERR#, bit 6 I/O channel check (IBM PC/AT Technical Reference; the same layout
// in Intel's PCH datasheets, "NMI Status and Control Register").
u8 system_control_b();

}  // namespace hal::pit
