// `test=keyboard.echo`: typed keys are echoed until Enter, then the line is printed. Driven
// from the host by QMP send-key (tests/qemu/cpu_tests.py, case "keyboard").
//
//   KEYBOARD READY            <- the host starts typing after this line
//   Hello, World!...          <- the echo, character by character
//   KEYBOARD LINE "<line>" (NMIs seen: <n>)   <- control characters shown as ^X
#include "exceptions.hpp"
#include "keyboard.hpp"
#include "ktest.hpp"
#include "log.hpp"
#include "time.hpp"

namespace kernel {

KTEST_MANUAL("keyboard.echo") {
  if (!KEXPECT(keyboard::present())) return;
  log::serial().write("KEYBOARD READY\n");
  char line[128];
  usize length = 0;
  u8 modifiers = 0;
  for (;;) {
    auto event = keyboard::wait_event(60 * time::kNsPerSecond);
    if (!KEXPECT(event.has_value())) return;  // nothing typed for a minute
    keyboard::echo(*event);
    modifiers = event->modifiers;
    if (!event->pressed || event->codepoint == 0) continue;
    if (event->codepoint == '\n') break;
    char text[4];
    usize n = keyboard::visible_form(event->codepoint, text);
    for (usize i = 0; i < n && length < sizeof(line); ++i) line[length++] = text[i];
  }
  libk::format_to(log::serial(), "KEYBOARD LINE \"{}\" (NMIs seen: {})\n",
                  libk::StringView(line, length), exceptions::nmis_seen());
  KEXPECT(length > 0);
  // Every modifier key was released again (Caps Lock is a lock, not a held key).
  using namespace libk::keyboard;
  KEXPECT_EQ(modifiers & (kShift | kCtrl | kAlt), 0);
  KEXPECT_EQ(keyboard::dropped_events(), 0u);
}

}  // namespace kernel
