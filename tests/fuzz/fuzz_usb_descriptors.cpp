// libFuzzer harness for the USB descriptor parsers (usb/descriptors.hpp): the input is parsed
// as every descriptor kind a device sends (device, configuration, string, both hub kinds,
// port status). Seeds: QEMU's devices (tests/data/usb/qemu/, tools/capture_devices.py).
#include <usb/descriptors.hpp>

extern "C" int LLVMFuzzerTestOneInput(const u8* data, size_t size) {
  libk::Bytes b(data, size);
  (void)usb::parse_device(b);
  auto config = usb::parse_configuration(b);
  if (config)
    for (const usb::Interface& i : config.value().interfaces) (void)i.interrupt_in();
  (void)usb::configuration_total_length(b);
  char text[64];
  (void)usb::decode_string(b, text, sizeof(text));
  (void)usb::first_language(b);
  (void)usb::parse_hub(b, false);
  (void)usb::parse_hub(b, true);
  (void)usb::parse_port_status(b);
  return 0;
}
