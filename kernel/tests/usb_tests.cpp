// The xHCI driver on a running controller (the usb-kernel-tests boot: qemu-xhci with a
// keyboard; tests/qemu/usb_tests.py): commands round-trip through MSI-X and wrap the command
// ring, a stalled control request is recovered from, and a keyboard report reaches the same
// key queue as the PS/2 keyboard's. Without a controller the tests pass vacuously, so they
// also run in the other test=all boots.
#include "drivers/usb/device.hpp"
#include "drivers/usb/drivers.hpp"
#include "keyboard.hpp"
#include "ktest.hpp"
#include "time.hpp"

namespace kernel {

namespace {

namespace x = ::usb::xhci;

constexpr u64 kSettleNs = 10'000'000'000;

struct Found {
  usb::Device* keyboard;
};

void find_keyboard(usb::Device& d, void* found) {
  if (d.driver && libk::StringView(d.driver->name) == "HID keyboard")
    static_cast<Found*>(found)->keyboard = &d;
}

}  // namespace

// MSI-X when offered, else MSI, else polling (the usb-kernel-tests boot has all three).
KTEST("usb.controller.uses_the_best_interrupt_and_settles") {
  KEXPECT(usb::wait_settled(kSettleNs));
  for (usb::Controller* c : usb::controllers()) {
    KEXPECT(!c->dead());
    const pci::Device& d = c->pci();
    pci::InterruptMode expected = d.msix  ? pci::InterruptMode::Msix
                                  : d.msi ? pci::InterruptMode::Msi
                                          : pci::InterruptMode::None;
    KEXPECT(d.interrupt_mode == expected);
    KEXPECT_EQ(c->interrupt_driven(), expected != pci::InterruptMode::None);
  }
}

// 300 No Op commands: more than the 255 usable slots of the command ring, so it wraps and
// its cycle state flips; each completion arrives as an interrupt (or, on a polled
// controller, is found by the waiting thread).
KTEST("usb.command.no_ops_round_trip_and_wrap_the_command_ring") {
  for (usb::Controller* c : usb::controllers()) {
    u64 before = c->interrupts();
    for (u32 i = 0; i < 300; ++i)
      if (!KEXPECT(c->command(x::no_op_command()).ok())) return;
    if (c->interrupt_driven()) KEXPECT(c->interrupts() > before);
  }
}

KTEST("usb.control.a_stalled_request_is_recovered_from") {
  KEXPECT(usb::wait_settled(kSettleNs));
  for (usb::Controller* c : usb::controllers()) {
    c->for_each_device(
        [](usb::Device& d, void* context) {
          auto& t = *static_cast<ktest::Context*>(context);
          // A descriptor type no device has: it stalls (USB 2.0 §9.4.3, §8.5.3.4).
          u8 none[8];
          auto stalled = usb::control_in(d, ::usb::get_descriptor(0x55, 0, 8), none);
          KEXPECT(!stalled.ok());
          u8 again[18];
          auto got =
              usb::control_in(d, ::usb::get_descriptor(::usb::descriptor::kDevice, 0, 18), again);
          if (!KEXPECT(got.ok())) return;
          KEXPECT_EQ(got.value(), 18u);
          KEXPECT(__builtin_memcmp(again, d.raw_device, 18) == 0);
        },
        &t);
  }
}

// A stopped controller fetches no command: the command ends in a time-out (never a hang),
// and once the controller runs again so does the next command (xHCI 1.2 §4.6.1.2: a ring
// that is not running has nothing to abort, and writing CRCR then would move its dequeue
// pointer, §5.4.5).
KTEST("usb.command.times_out_on_a_stopped_controller_and_the_next_one_runs") {
  KEXPECT(usb::wait_settled(kSettleNs));
  if (usb::controllers().empty()) return;
  usb::Controller& c = *usb::controllers()[0];
  if (!KEXPECT(c.set_running(false))) return;
  u64 start = time::now_ns();
  auto stopped = c.command(x::no_op_command());
  u64 waited = time::now_ns() - start;
  bool restarted = c.set_running(true);
  if (!KEXPECT(!stopped.ok())) return;
  KEXPECT(stopped.error() == usb::UsbError::Timeout);
  KEXPECT(waited >= usb::kCommandTimeoutNs);
  if (!KEXPECT(restarted)) return;
  KEXPECT(!c.dead());
  for (u32 i = 0; i < 3; ++i) KEXPECT(c.command(x::no_op_command()).ok());
}

// The keyboard driver's report handler, fed directly: 'h' pressed then released.
KTEST("usb.keyboard.a_report_reaches_the_key_queue") {
  KEXPECT(usb::wait_settled(kSettleNs));
  Found found{nullptr};
  for (usb::Controller* c : usb::controllers()) c->for_each_device(find_keyboard, &found);
  if (!found.keyboard) return;  // no USB keyboard on this machine
  usb::Endpoint* ep = nullptr;
  for (usb::Endpoint* e : found.keyboard->endpoints)
    if (e && e->on_data) ep = e;
  if (!KEXPECT(ep != nullptr)) return;
  while (keyboard::read_event()) {
  }
  const u8 press[8] = {0, 0, 0x0B, 0, 0, 0, 0, 0}, release[8] = {};
  ep->on_data(*found.keyboard, {press, 8});
  ep->on_data(*found.keyboard, {release, 8});
  auto down = keyboard::read_event();
  auto up = keyboard::read_event();
  if (!KEXPECT(down && up)) return;
  KEXPECT(down->pressed);
  KEXPECT_EQ(down->codepoint, u32('h'));
  KEXPECT(!up->pressed);
  KEXPECT(up->key == down->key);
}

}  // namespace kernel
