#include <hal/cpu.hpp>
#include <hal/i8042.hpp>

namespace hal::i8042 {

namespace {

constexpr u16 kData = 0x60;
constexpr u16 kStatusCommand = 0x64;

// Status register bits.
constexpr u8 kOutputFull = 0x01;
constexpr u8 kInputFull = 0x02;
constexpr u8 kAuxData = 0x20;  // the byte in the output buffer came from port 2

// Controller commands.
constexpr u8 kReadConfig = 0x20, kWriteConfig = 0x60;
constexpr u8 kDisablePort2 = 0xA7, kDisablePort1 = 0xAD, kEnablePort1 = 0xAE;
constexpr u8 kSelfTest = 0xAA, kTestPort1 = 0xAB;
constexpr u8 kSelfTestPassed = 0x55;
constexpr u8 kPulseResetLine = 0xFE;  // pulse output-port bit 0 (bits 0-3 low = pulse)

// Configuration byte bits.
constexpr u8 kConfigIrq1 = 0x01, kConfigIrq12 = 0x02, kConfigPort1ClockOff = 0x10,
             kConfigPort2ClockOff = 0x20, kConfigTranslation = 0x40;

// Keyboard commands and answers.
constexpr u8 kKeyboardReset = 0xFF, kKeyboardScancodeSet = 0xF0, kKeyboardEnableScanning = 0xF4;
constexpr u8 kAck = 0xFA, kResend = 0xFE, kKeyboardSelfTestPassed = 0xAA;

// Each poll costs an I/O port read plus the ~1 µs port-0x80 delay on real hardware; the
// keyboard's own reset may take a few hundred milliseconds.
constexpr u32 kPolls = 500'000;

u8 status() { return cpu::inb(kStatusCommand); }

bool wait_writable() {
  for (u32 i = 0; i < kPolls; ++i) {
    if (!(status() & kInputFull)) return true;
    cpu::outb(0x80, 0);
  }
  return false;
}

bool read(u8& byte) {
  for (u32 i = 0; i < kPolls; ++i) {
    if (status() & kOutputFull) {
      byte = cpu::inb(kData);
      return true;
    }
    cpu::outb(0x80, 0);
  }
  return false;
}

libk::Result<void, Error> command(u8 cmd) {
  if (!wait_writable()) return libk::unexpected(Error::Timeout);
  cpu::outb(kStatusCommand, cmd);
  return {};
}

libk::Result<u8, Error> command_with_answer(u8 cmd) {
  TRY(command(cmd));
  u8 answer = 0;
  if (!read(answer)) return libk::unexpected(Error::Timeout);
  return answer;
}

libk::Result<void, Error> write_config(u8 config) {
  TRY(command(kWriteConfig));
  if (!wait_writable()) return libk::unexpected(Error::Timeout);
  cpu::outb(kData, config);
  return {};
}

void flush() {
  for (u32 i = 0; i < 64 && (status() & kOutputFull); ++i) cpu::inb(kData);
}

// Sends a byte to the keyboard and waits for its ACK, resending a few times on 0xFE.
libk::Result<void, Error> keyboard_send(u8 byte) {
  for (int attempt = 0; attempt < 3; ++attempt) {
    if (!wait_writable()) return libk::unexpected(Error::Timeout);
    cpu::outb(kData, byte);
    u8 answer = 0;
    if (!read(answer)) return libk::unexpected(Error::KeyboardNoAck);
    if (answer == kAck) return {};
    if (answer != kResend) return libk::unexpected(Error::KeyboardNoAck);
  }
  return libk::unexpected(Error::KeyboardNoAck);
}

libk::Result<void, Error> reset_keyboard() {
  TRY(keyboard_send(kKeyboardReset));
  u8 result = 0;
  if (!read(result) || result != kKeyboardSelfTestPassed)
    return libk::unexpected(Error::KeyboardSelfTest);
  TRY(keyboard_send(kKeyboardScancodeSet));
  TRY(keyboard_send(2));
  TRY(keyboard_send(kKeyboardEnableScanning));
  return {};
}

libk::Result<u8, Error> self_test(u8 config) {
  u8 answer = TRY(command_with_answer(kSelfTest));
  if (answer != kSelfTestPassed) return libk::unexpected(Error::SelfTestFailed);
  TRY(write_config(config));  // the self-test resets some controllers
  u8 port = TRY(command_with_answer(kTestPort1));
  if (port != 0) return libk::unexpected(Error::PortTestFailed);
  return answer;
}

}  // namespace

libk::StringView error_text(Error e) {
  switch (e) {
    case Error::NoController: return "no i8042 controller (status port reads 0xff)";
    case Error::Timeout: return "the controller stopped answering";
    case Error::SelfTestFailed: return "controller self-test failed";
    case Error::PortTestFailed: return "keyboard port interface test failed";
    case Error::KeyboardNoAck: return "no keyboard (a command was not acknowledged)";
    case Error::KeyboardSelfTest: return "keyboard self-test after reset failed";
  }
  return "unknown error";
}

libk::Result<Status, Error> init() {
  if (status() == 0xFF) return libk::unexpected(Error::NoController);
  TRY(command(kDisablePort1));
  TRY(command(kDisablePort2));
  flush();
  u8 config = TRY(command_with_answer(kReadConfig));
  config = u8(config & ~(kConfigIrq1 | kConfigIrq12 | kConfigTranslation));
  TRY(write_config(config));
  Status out{};
  out.self_test = TRY(self_test(config));
  TRY(command(kEnablePort1));
  TRY(reset_keyboard());
  out.config = u8((config & ~kConfigPort1ClockOff) | kConfigPort2ClockOff | kConfigTranslation |
                  kConfigIrq1);
  TRY(write_config(out.config));
  flush();
  return out;
}

bool read_keyboard_byte(u8& byte) {
  u8 s = status();
  if (!(s & kOutputFull)) return false;
  byte = cpu::inb(kData);
  return !(s & kAuxData);
}

void pulse_reset_line() {
  if (status() == 0xFF) return;  // nothing decodes port 0x64
  if (!wait_writable()) return;
  cpu::outb(kStatusCommand, kPulseResetLine);
  // The reset takes effect within microseconds; give it a moment before returning.
  for (u32 i = 0; i < 100'000; ++i) cpu::outb(0x80, 0);
}

}  // namespace hal::i8042
