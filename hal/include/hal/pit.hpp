// The 8254 programmable interval timer (Intel 8254 datasheet; OSDev "PIT"), used only as the
// reference clock for calibration when there is no HPET. Channel 2 is used because its gate
// is software-controlled (port 0x61 bit 0) and it drives nothing but the (disconnected) PC
// speaker, so it can count freely without interrupts.
#pragma once

#include <libk/types.hpp>

namespace hal::pit {

inline constexpr u64 kFrequencyHz = 1'193'182;  // 14.31818 MHz / 12

// Starts channel 2 counting down from 0xFFFF in mode 0, with the PC speaker disconnected.
// It reaches 0 after 65535 ticks (about 55 ms) and then wraps.
void start_counter();

// Channel 2's current count, read atomically with a counter-latch command.
u16 counter();

}  // namespace hal::pit
