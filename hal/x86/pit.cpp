#include <hal/cpu.hpp>
#include <hal/pit.hpp>

namespace hal::pit {

namespace {
constexpr u16 kChannel2Data = 0x42;
constexpr u16 kCommand = 0x43;
constexpr u16 kSystemControl = 0x61;  // port B: bit 0 gate 2, bit 1 speaker, bit 5 OUT2
// Command: channel 2, access lobyte/hibyte, mode 0 (interrupt on terminal count), binary.
constexpr u8 kChannel2Mode0 = 0b1011'0000;
constexpr u8 kGate2 = 0x01, kSpeaker = 0x02, kOut2 = 0x20;
}  // namespace

void start_countdown(u16 ticks) {
  u8 control = cpu::inb(kSystemControl);
  cpu::outb(kSystemControl, u8((control & ~(kSpeaker | kGate2))));  // gate low: hold
  cpu::outb(kCommand, kChannel2Mode0);
  cpu::outb(kChannel2Data, u8(ticks));
  cpu::outb(kChannel2Data, u8(ticks >> 8));
  cpu::outb(kSystemControl, u8((control & ~kSpeaker) | kGate2));  // gate high: count
}

bool countdown_done() { return cpu::inb(kSystemControl) & kOut2; }

}  // namespace hal::pit
