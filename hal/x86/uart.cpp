#include <hal/cpu.hpp>
#include <hal/uart.hpp>

namespace hal {

namespace {

// Register offsets from the base port (PC16550D datasheet, Table II).
enum : u16 {
  kData = 0,             // RBR/THR, or divisor low byte when DLAB=1
  kInterruptEnable = 1,  // or divisor high byte when DLAB=1
  kFifoControl = 2,
  kLineControl = 3,
  kModemControl = 4,
  kLineStatus = 5,
};
constexpr u8 kLineControl8N1 = 0x03;
constexpr u8 kDlab = 0x80;
constexpr u8 kFifoEnableClear14 = 0xC7;  // enable, clear both FIFOs, 14-byte threshold
constexpr u8 kModemLoopback = 0x10;
constexpr u8 kModemDtrRtsOut2 = 0x0B;
constexpr u8 kStatusDataReady = 0x01;
constexpr u8 kStatusTransmitEmpty = 0x20;
constexpr u8 kEnableReceivedData = 0x01;  // IER bit 0
constexpr u16 kDivisor115200 = 1;         // 1.8432 MHz / 16 / 115200

}  // namespace

bool Uart16550::init() {
  cpu::outb(base_ + kInterruptEnable, 0);
  cpu::outb(base_ + kLineControl, kDlab);
  cpu::outb(base_ + kData, kDivisor115200 & 0xFF);
  cpu::outb(base_ + kInterruptEnable, kDivisor115200 >> 8);
  cpu::outb(base_ + kLineControl, kLineControl8N1);
  cpu::outb(base_ + kFifoControl, kFifoEnableClear14);
  // Loopback self-test: a byte sent must come back.
  cpu::outb(base_ + kModemControl, kModemLoopback | kModemDtrRtsOut2);
  cpu::outb(base_ + kData, 0xAE);
  present_ = cpu::inb(base_ + kData) == 0xAE;
  cpu::outb(base_ + kModemControl, kModemDtrRtsOut2);
  return present_;
}

void Uart16550::put_byte(u8 byte) {
  if (!present_) return;
  // Bounded wait: a wedged UART must not hang the kernel.
  for (u32 spin = 0; spin < 1'000'000; ++spin) {
    if (cpu::inb(base_ + kLineStatus) & kStatusTransmitEmpty) break;
    cpu::pause();
  }
  cpu::outb(base_ + kData, byte);
}

void Uart16550::write(libk::StringView text) {
  for (char c : text) {
    if (c == '\n') put_byte('\r');
    put_byte(u8(c));
  }
}

bool Uart16550::try_read(u8& byte) {
  if (!present_ || !(cpu::inb(base_ + kLineStatus) & kStatusDataReady)) return false;
  byte = cpu::inb(base_ + kData);
  return true;
}

void Uart16550::enable_receive_interrupt() {
  if (present_) cpu::outb(base_ + kInterruptEnable, kEnableReceivedData);
}

void Uart16550::disable_receive_interrupt() {
  if (present_) cpu::outb(base_ + kInterruptEnable, 0);
}

}  // namespace hal
