#include "panic.hpp"

#include <hal/cpu.hpp>
#include <hal/qemu.hpp>

#include "console.hpp"
#include "ktest.hpp"
#include "log.hpp"

namespace kernel {

namespace {

constinit bool in_panic = false;

// Writes to the screen through console::emergency_write, which ignores a write that was
// in progress when the panic struck.
class ScreenSink final : public libk::Sink {
 public:
  void write(libk::StringView text) override { console::emergency_write(text); }
};

}  // namespace

void write_panic_banner(libk::Sink& out, const char* file, int line, const char* function,
                        libk::StringView message) {
  constexpr libk::StringView kStart = "\x1b[0m\n\x1b[1;97;41m\x1b[K";
  constexpr libk::StringView kNext = "\x1b[K\n\x1b[K";
  constexpr libk::StringView kEnd = "\x1b[K\x1b[0m\n";
  out.write(kStart);
  out.write("  *** KERNEL PANIC ***");
  out.write(kNext);
  out.write("  ");
  out.write(message);
  out.write(kNext);
  libk::format_to(out, "  at {}:{} in {}()", file, line, function);
  out.write(kEnd);
}

void panic_message(const char* file, int line, const char* function, libk::StringView message) {
  hal::cpu::cli();
  libk::Sink& out = log::serial();
  if (in_panic) {  // a panic while panicking: say so once and stop
    out.write("\nnested panic\n");
    // A test run must still end QEMU (with failure), not leave the harness to time out.
    if (ktest::active()) hal::qemu::debug_exit(hal::qemu::kExitFailure);
    hal::cpu::halt_forever();
  }
  in_panic = true;
  write_panic_banner(out, file, line, function, message);
  log::flush_screen_for_panic();  // what the log writer thread had not drawn yet
  ScreenSink screen;
  write_panic_banner(screen, file, line, function, message);
  ktest::on_panic(message);
  hal::cpu::halt_forever();
}

}  // namespace kernel

namespace libk {

// VERIFY and DEBUG_ASSERT in kernel code (libk/include/libk/assert.hpp).
void verify_failed(const char* expression, const char* file, int line, const char* function) {
  char message[256];
  libk::format_into(message, sizeof(message), "{} failed", expression);
  kernel::panic_message(file, line, function, message);
}

}  // namespace libk
