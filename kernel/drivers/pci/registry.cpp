#include "drivers/pci/registry.hpp"

#include "drivers/usb/xhci.hpp"
#include "log.hpp"

namespace kernel::pci {

namespace {

// The drivers, most specific first.
constexpr Driver kDrivers[] = {
    {"xhci", {.class_code = 0x0C, .subclass = 0x03, .prog_if = 0x30}, usb::attach_xhci},
};

bool field_matches(i32 want, u32 have) { return want == kAny || u32(want) == have; }

}  // namespace

bool matches(const Match& m, const libk::pci::Header& h) {
  return field_matches(m.vendor, h.vendor) && field_matches(m.device, h.device) &&
         field_matches(m.class_code, h.class_code) && field_matches(m.subclass, h.subclass) &&
         field_matches(m.prog_if, h.prog_if);
}

void bind_drivers() {
  for (Device& d : devices()) {
    for (const Driver& driver : kDrivers) {
      if (!matches(driver.match, d.header)) continue;
      if (driver.attach(d)) {
        d.driver = driver.name;
        log::info("pci: {} bound to {}", d.address, driver.name);
        break;
      }
    }
  }
}

}  // namespace kernel::pci
