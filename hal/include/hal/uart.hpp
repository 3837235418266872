// 16550A UART (PC16550D datasheet; COM1 at I/O port 0x3F8 on PCs).
#pragma once

#include <libk/format.hpp>
#include <libk/types.hpp>

namespace hal {

class Uart16550 final : public libk::Sink {
 public:
  static constexpr u16 kCom1 = 0x3F8;
  static constexpr u8 kCom1Irq = 4;  // ISA IRQ of COM1

  explicit constexpr Uart16550(u16 base) : base_(base) {}

  // Programs 115200 baud, 8N1, FIFOs on, interrupts off. Returns false if no UART answers
  // at this address (loopback self-test fails); output is then discarded.
  bool init();
  bool present() const { return present_; }

  void write(libk::StringView text) override;  // "\n" is sent as "\r\n"
  void put_byte(u8 byte);
  // Returns true and the byte if one is waiting.
  bool try_read(u8& byte);
  // Raises the UART's interrupt while received data is waiting (IER bit 0, "received data
  // available"; OUT2, which gates the IRQ line on PCs, is already set by init()).
  void enable_receive_interrupt();
  // Masks it again (IER bit 0 clear): the FIFO then fills and the sender is held back
  // (QEMU stops reading its backend; real hardware overruns after 16 bytes).
  void disable_receive_interrupt();

 private:
  u16 base_;
  bool present_ = false;
};

}  // namespace hal
