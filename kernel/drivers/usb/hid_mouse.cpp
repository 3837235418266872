// The USB boot mouse (HID 1.11 Appendix B.2): movement and buttons decoded by libk
// (usb/hid.hpp), logged at debug level and counted for lsusb. There is no pointer on screen
// yet, so the events go nowhere else.
#include <usb/hid.hpp>

#include "drivers/usb/drivers.hpp"
#include "log.hpp"
#include "memory/heap.hpp"

namespace kernel::usb {

namespace {

struct Mouse {
  SpinLock lock{"usb mouse", lock_rank::kDevice};
  ::usb::hid::BootMouse decoder GUARDED_BY(lock);
};

Mouse& mouse_of(Device& d) { return *static_cast<Mouse*>(d.driver_state); }

// xHCI interrupt.
void on_report(Device& d, libk::Bytes report) {
  Mouse& m = mouse_of(d);
  libk::Optional<::usb::hid::MouseEvent> e;
  {
    SpinLockGuard guard(m.lock);
    e = m.decoder.feed(report);
  }
  if (!e) return;
  count_mouse_report(e->changed);
  log::debug("usb: mouse slot {}: dx {} dy {} wheel {} buttons {:#x}", d.slot, e->dx, e->dy,
             e->wheel, e->buttons);
}

void mouse_detach(Device& d) {
  delete &mouse_of(d);
  d.driver_state = nullptr;
}

constexpr DeviceDriver kMouseDriver{"HID mouse", nullptr, mouse_detach};

}  // namespace

bool attach_mouse(Device& d, const ::usb::Interface& i) {
  auto endpoint = i.interrupt_in();
  if (!endpoint) return false;
  if (!control_out(d, ::usb::hid_set_protocol(i.number, true))) return false;
  (void)control_out(d, ::usb::hid_set_idle(i.number, 0));
  auto* m = new (heap::nothrow) Mouse;
  if (!m) return false;
  d.driver_state = m;
  d.driver = &kMouseDriver;
  if (!open_interrupt_in(d, *endpoint, on_report)) {
    d.driver = nullptr;
    d.driver_state = nullptr;
    delete m;
    return false;
  }
  return true;
}

}  // namespace kernel::usb
