#include "drivers/usb/drivers.hpp"

#include <ids/ids_tables.hpp>

#include "log.hpp"

namespace kernel::usb {

namespace {

using libk::ids::generated::kUsbIds;

struct Binding {
  u8 interface_class;
  i16 subclass;  // -1: any
  i16 protocol;  // -1: any
  bool (*attach)(Device&, const ::usb::Interface&);
};

constexpr Binding kBindings[] = {
    {::usb::kClassHub, -1, -1, attach_hub},
    {::usb::kClassHid, ::usb::kHidSubclassBoot, ::usb::kHidProtocolKeyboard, attach_keyboard},
    {::usb::kClassHid, ::usb::kHidSubclassBoot, ::usb::kHidProtocolMouse, attach_mouse},
};

bool matches(const Binding& b, const ::usb::Interface& i) {
  return b.interface_class == i.interface_class && (b.subclass < 0 || b.subclass == i.subclass) &&
         (b.protocol < 0 || b.protocol == i.protocol);
}

}  // namespace

void bind_driver(Device& d) {
  for (const ::usb::Interface& i : d.configuration.interfaces) {
    for (const Binding& b : kBindings) {
      if (!matches(b, i)) continue;
      d.bound_interface = &i;
      if (b.attach(d, i)) return;
      d.bound_interface = nullptr;
    }
  }
}

void describe_name(libk::Sink& out, const Device& d) {
  if (d.product[0]) {
    out.write(libk::StringView(d.product));
    return;
  }
  libk::ids::Name name = libk::ids::device(kUsbIds, d.descriptor.vendor, d.descriptor.product);
  if (!name.found()) name = libk::ids::vendor(kUsbIds, d.descriptor.vendor);
  if (name.found())
    name.write(out);
  else
    out.write("USB device");
}

void describe_interface_class(libk::Sink& out, const ::usb::Interface& i) {
  libk::ids::Name cls = libk::ids::class_name(kUsbIds, i.interface_class);
  libk::ids::Name sub = libk::ids::subclass_name(kUsbIds, i.interface_class, i.subclass);
  libk::ids::Name proto =
      libk::ids::interface_name(kUsbIds, i.interface_class, i.subclass, i.protocol);
  if (cls.found())
    cls.write(out);
  else
    libk::format_to(out, "class {:#04x}", i.interface_class);
  if (sub.found()) libk::format_to(out, " / {}", sub);
  if (proto.found()) libk::format_to(out, " / {}", proto);
}

}  // namespace kernel::usb
