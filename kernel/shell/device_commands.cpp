// Commands that list devices: lspci, lsusb.
#include <ids/ids_tables.hpp>

#include "drivers/pci/pci.hpp"
#include "drivers/pci/pci_log.hpp"
#include "drivers/usb/device.hpp"
#include "drivers/usb/drivers.hpp"
#include "shell/commands.hpp"

namespace kernel::shell {

namespace {

void print_function(libk::Sink& out, const pci::Device& d, bool verbose) {
  pci::describe(out, d);
  out.write("\n");
  for (u8 i = 0; i < d.header.bar_count; ++i) {
    if (d.bars[i].kind == libk::pci::BarKind::Unused) continue;
    out.write("    ");
    pci::describe_bar(out, d, i);
    out.write("\n");
  }
  out.write("    ");
  pci::describe_interrupts(out, d);
  out.write("\n");
  if (verbose) pci::describe_capabilities(out, d, "    ");
}

struct UsbListing {
  libk::Sink& out;
  bool verbose;
  u32 devices;
};

void print_interfaces(libk::Sink& out, const usb::Device& d) {
  for (const ::usb::Interface& i : d.configuration.interfaces) {
    libk::format_to(out, "      interface {}: ", i.number);
    usb::describe_interface_class(out, i);
    libk::format_to(out, " [{:02x}{:02x}{:02x}]{}\n", i.interface_class, i.subclass, i.protocol,
                    &i == d.bound_interface ? " <- driver" : "");
    for (const ::usb::Endpoint& e : i.endpoints)
      libk::format_to(out, "        endpoint {:#04x} {} {}, {} bytes, interval {}\n", e.address,
                      e.in() ? "IN" : "OUT",
                      e.type == ::usb::TransferType::Interrupt ? "interrupt"
                      : e.type == ::usb::TransferType::Bulk    ? "bulk"
                      : e.type == ::usb::TransferType::Control ? "control"
                                                               : "isochronous",
                      e.max_packet, e.interval);
  }
}

void print_usb_device(usb::Device& d, void* context) {
  auto& listing = *static_cast<UsbListing*>(context);
  libk::Sink& out = listing.out;
  for (u8 i = 0; i <= d.place.depth; ++i) out.write("  ");
  usb::describe(out, d);
  if (!d.driver) out.write(" no driver");
  out.write("\n");
  ++listing.devices;
  if (!listing.verbose) return;
  libk::ids::Name vendor = libk::ids::vendor(libk::ids::generated::kUsbIds, d.descriptor.vendor);
  libk::format_to(out, "      USB {:x}.{:02x}, slot {}, vendor {}, manufacturer \"{}\"\n",
                  d.descriptor.usb_version >> 8, d.descriptor.usb_version & 0xFF, d.slot,
                  vendor.found() ? vendor : libk::ids::Name(), libk::StringView(d.manufacturer));
  print_interfaces(out, d);
}

void print_controller(libk::Sink& out, usb::Controller& c, bool verbose) {
  libk::format_to(
      out, "bus {}: xhci{} at {}, {} ports, {}{}\n", c.index(), c.index(), c.pci().address,
      c.port_count(),
      c.interrupt_driven() ? pci::interrupt_mode_name(c.pci().interrupt_mode) : "polled",
      c.dead() ? ", dead" : "");
  UsbListing listing{out, verbose, 0};
  c.for_each_device(print_usb_device, &listing);
  if (listing.devices == 0) out.write("  (no devices)\n");
}

}  // namespace

Status cmd_lsusb(const Invocation& call) {
  bool verbose = false;
  for (libk::StringView arg : call.args) {
    if (arg != "-v") {
      libk::format_to(call.out, "lsusb: unknown option '{}' (-v shows interfaces)\n", arg);
      return Status::BadArguments;
    }
    verbose = true;
  }
  if (usb::controllers().empty()) {
    call.out.write("lsusb: no USB host controller\n");
    return Status::Failed;
  }
  for (usb::Controller* c : usb::controllers()) print_controller(call.out, *c, verbose);
  usb::HidStats s = usb::hid_stats();
  libk::format_to(call.out,
                  "HID: {} keyboard reports ({} key events, {} repeats), {} mouse reports\n",
                  s.keyboard_reports, s.key_events, s.repeats, s.mouse_reports);
  return Status::Ok;
}

Status cmd_lspci(const Invocation& call) {
  bool verbose = false;
  for (libk::StringView arg : call.args) {
    if (arg != "-v") {
      libk::format_to(call.out, "lspci: unknown option '{}' (-v shows capabilities)\n", arg);
      return Status::BadArguments;
    }
    verbose = true;
  }
  if (!pci::mechanism()) {
    call.out.write("lspci: no PCI configuration mechanism\n");
    return Status::Failed;
  }
  for (const pci::Device& d : pci::devices()) print_function(call.out, d, verbose);
  libk::format_to(call.out, "{} functions, configuration space through {}\n", pci::devices().size(),
                  pci::mechanism());
  return Status::Ok;
}

}  // namespace kernel::shell
