#include <hal/cpu.hpp>
#include <hal/pit.hpp>

namespace hal::pit {

namespace {
constexpr u16 kChannel2Data = 0x42;
constexpr u16 kCommand = 0x43;
constexpr u16 kSystemControl = 0x61;  // port B: bit 0 gate 2, bit 1 speaker data
// Commands (8254 datasheet, "Control Word Format"): channel 2, lobyte/hibyte, mode 0, binary;
// and the counter-latch command for channel 2.
constexpr u8 kChannel2Mode0 = 0b1011'0000;
constexpr u8 kLatchChannel2 = 0b1000'0000;
constexpr u8 kGate2 = 0x01, kSpeaker = 0x02;
}  // namespace

void start_counter() {
  u8 control = cpu::inb(kSystemControl);
  cpu::outb(kSystemControl, u8((control & ~kSpeaker) | kGate2));
  cpu::outb(kCommand, kChannel2Mode0);
  cpu::outb(kChannel2Data, 0xFF);
  cpu::outb(kChannel2Data, 0xFF);  // counting starts with the count's high byte
}

u16 counter() {
  cpu::outb(kCommand, kLatchChannel2);
  u8 low = cpu::inb(kChannel2Data);
  u8 high = cpu::inb(kChannel2Data);
  return u16(low | high << 8);
}

u8 system_control_b() { return cpu::inb(kSystemControl); }

}  // namespace hal::pit
