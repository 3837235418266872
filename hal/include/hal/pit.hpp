// The 8254 programmable interval timer (Intel 8254 datasheet; OSDev "PIT"), used only as the
// reference clock for calibration when there is no HPET. Channel 2 is used because its gate
// is software-controlled (port 0x61 bit 0) and its output readable (port 0x61 bit 5), so a
// one-shot countdown can be polled without interrupts.
#pragma once

#include <libk/types.hpp>

namespace hal::pit {

inline constexpr u64 kFrequencyHz = 1'193'182;  // 14.31818 MHz / 12

// Starts channel 2 counting down `ticks` in mode 0 (output goes high at terminal count),
// with the PC speaker disconnected.
void start_countdown(u16 ticks);

// True once the countdown started by start_countdown() has reached zero.
bool countdown_done();

}  // namespace hal::pit
