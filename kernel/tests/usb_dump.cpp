// `test=usb.dump`: prints the descriptors every USB device sent as hex on serial, for
// tools/capture_devices.py, which turns them into the host tests' data (tests/data/usb/). A
// manual test: it checks nothing beyond finding devices.
//
//   USB-DUMP DEVICE <path> <vendor>:<product> <product string>
//   USB-DUMP DESCRIPTOR device|configuration <hex>
//   USB-DUMP END
#include "drivers/usb/device.hpp"
#include "ktest.hpp"
#include "log.hpp"

namespace kernel {

namespace {

void hex(libk::Sink& out, const char* what, const u8* bytes, usize n) {
  libk::format_to(out, "USB-DUMP DESCRIPTOR {} ", what);
  for (usize i = 0; i < n; ++i) libk::format_to(out, "{:02x}", bytes[i]);
  out.write("\n");
}

void dump(usb::Device& d, void* count) {
  libk::Sink& out = log::serial();
  out.write("USB-DUMP DEVICE ");
  d.describe_path(out);
  libk::format_to(out, " {:04x}:{:04x} {}\n", d.descriptor.vendor, d.descriptor.product,
                  libk::StringView(d.product));
  hex(out, "device", d.raw_device, sizeof(d.raw_device));
  hex(out, "configuration", d.raw_configuration, d.raw_configuration_length);
  ++*static_cast<u32*>(count);
}

}  // namespace

KTEST_MANUAL("usb.dump") {
  KEXPECT(usb::wait_settled(10'000'000'000));
  u32 count = 0;
  for (usb::Controller* c : usb::controllers()) c->for_each_device(dump, &count);
  log::serial().write("USB-DUMP END\n");
  KEXPECT(count > 0);
}

}  // namespace kernel
