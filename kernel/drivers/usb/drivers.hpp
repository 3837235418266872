// USB device drivers and names (docs/usb.md): which driver takes which interface (hubs, HID
// boot keyboards and mice), and how a device is named for people.
#pragma once

#include <libk/format.hpp>

#include "drivers/usb/device.hpp"

namespace kernel::usb {

// Binds the first driver that takes one of the device's interfaces; a device without one
// stays enumerated and shows in lsusb. Context: the controller thread.
void bind_driver(Device& device);

// The drivers (hub.cpp, hid_keyboard.cpp, hid_mouse.cpp): each takes the interface, opens
// its endpoints and sets device.driver, or returns false.
bool attach_hub(Device& device, const ::usb::Interface& interface);
bool attach_keyboard(Device& device, const ::usb::Interface& interface);
bool attach_mouse(Device& device, const ::usb::Interface& interface);

// The product string, else the name usb.ids gives the IDs, else the vendor's name.
void describe_name(libk::Sink& out, const Device& device);
// "Human Interface Device / Boot Interface Subclass / Keyboard" from usb.ids.
void describe_interface_class(libk::Sink& out, const ::usb::Interface& interface);

// Statistics the tests and lsusb read.
struct HidStats {
  u64 keyboard_reports;
  u64 key_events;
  u64 repeats;
  u64 mouse_reports;
  u64 mouse_buttons;  // button changes
};
HidStats hid_stats();
void count_mouse_report(u8 changed_buttons);

// Key-event latency, from the xHCI interrupt to the event in the keyboard queue, in TSC
// cycles: the last and the smallest seen (the benchmark, docs/usb.md).
struct KeyLatency {
  u64 samples, last_cycles, min_cycles, total_cycles;
};
KeyLatency key_latency();

}  // namespace kernel::usb
