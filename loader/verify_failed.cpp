// libk::verify_failed in the loader: a broken invariant is a loader error like any other,
// shown on the firmware console before going back to the firmware. Once ExitBootServices
// has been called the console may be gone, so the report goes to COM1 and the CPU halts.
#include <hal/cpu.hpp>
#include <hal/uart.hpp>
#include <libk/assert.hpp>

#include "loader.hpp"

namespace libk {

void verify_failed(const char* expression, const char* file, int line, const char* function) {
  using loader::firmware;
  if (firmware.boot == nullptr || firmware.exiting_boot_services) {
    hal::Uart16550 com1(hal::Uart16550::kCom1);
    com1.init();
    libk::format_to(com1, "\n{}: internal error: {} failed at {}:{} in {}()\n", loader::kName,
                    expression, file, line, function);
    hal::cpu::halt_forever();
  }
  loader::print("{}: internal error: {} failed at {}:{} in {}()\n", loader::kName, expression, file,
                line, function);
  loader::report_cannot_boot();
  firmware.boot->Exit(firmware.image, EFI_ABORTED, 0, nullptr);
  hal::cpu::halt_forever();  // Exit does not return
}

}  // namespace libk
