// The i8042 PS/2 controller and the keyboard on its first port (IBM PS/2 technical reference;
// OSDev "8042 PS/2 Controller" and "PS/2 Keyboard"). Every wait is bounded: a missing or
// wedged controller gives an error, never a hang.
#pragma once

#include <libk/result.hpp>
#include <libk/string_view.hpp>
#include <libk/types.hpp>

namespace hal::i8042 {

inline constexpr u8 kKeyboardIrq = 1;  // ISA IRQ of the first port

enum class Error : u8 {
  NoController,      // the status port reads 0xFF (nothing decodes port 0x64)
  Timeout,           // the controller stopped answering
  SelfTestFailed,    // command 0xAA did not answer 0x55
  PortTestFailed,    // command 0xAB did not answer 0x00
  KeyboardNoAck,     // the keyboard did not acknowledge a command (absent?)
  KeyboardSelfTest,  // the keyboard's reset did not end with 0xAA
};

libk::StringView error_text(Error e);

struct Status {
  u8 self_test;  // the controller's self-test answer (0x55)
  u8 config;     // the configuration byte now in force
};

// Initializes the controller and the keyboard: both ports disabled, buffer flushed,
// controller self-test, port-1 interface test, port 1 enabled with its IRQ and scancode
// translation (set 2 from the keyboard arrives as set 1), port 2 left disabled, keyboard
// reset, scancode set 2 selected, scanning enabled. Call with IRQ 1 masked.
libk::Result<Status, Error> init();

// Reads one byte from the keyboard if one is waiting (output buffer full and not from the
// auxiliary port). Context: the IRQ 1 handler, or polling with the IRQ masked.
bool read_keyboard_byte(u8& byte);

// Pulses the CPU reset line through the controller's output port (command 0xFE: pulse
// output bit 0, which is wired to RESET on PCs). Returns if the machine is still running
// afterwards (no controller, or it ignored the command); the caller tries something else.
void pulse_reset_line();

}  // namespace hal::i8042
