#include "panic.hpp"

#include <hal/cpu.hpp>

#include "ktest.hpp"
#include "log.hpp"

namespace kernel {

namespace {
constinit bool in_panic = false;
}

void panic_message(const char* file, int line, const char* function, libk::StringView message) {
  hal::cpu::cli();
  libk::Sink& out = log::serial();
  if (in_panic) {  // a panic while panicking: say so once and stop
    out.write("\nnested panic\n");
    hal::cpu::halt_forever();
  }
  in_panic = true;
  libk::format_to(out, "\n*** KERNEL PANIC ***\n{}\n  at {}:{} in {}()\n", message, file, line,
                  function);
  ktest::on_panic(message);
  hal::cpu::halt_forever();
}

}  // namespace kernel
