// A USB device on an xHCI controller: its slot, place in the tree (root port, hub, route
// string, transaction translator), contexts, default endpoint, descriptors and the driver
// bound to one of its interfaces (docs/usb.md). Enumeration (enumerate) and detach run in
// the controller's thread only; the interrupt handler reaches a device through the
// controller's slot table, which detach empties before freeing anything.
#pragma once

#include <usb/descriptors.hpp>
#include <usb/xhci_context.hpp>

#include "drivers/usb/xhci.hpp"

namespace kernel::usb {

// Where a new device is: the root port, and the hub it hangs off (nullptr on a root port).
struct Place {
  u8 root_port;
  Device* parent;
  u8 parent_port;  // the hub port (1-based); 0 on a root port
  u32 route;
  u8 depth;  // hubs between it and the root port
  Speed speed;
};

// A driver bound to an interface: called from the controller thread.
struct DeviceDriver {
  const char* name;
  // Runs `work` when the device asked for it with request_work (LED changes, hub ports).
  void (*work)(Device& device);
  // Called before the device's slot is disabled (unplug, controller death): stop timers,
  // release what attach took. The endpoint memory is freed by the caller.
  void (*detach)(Device& device);
};

struct Device {
  Controller* controller = nullptr;
  u8 slot = 0;
  Place place{};
  ::usb::xhci::TtInfo tt{};
  dma::Buffer output_context, input_context;
  dma::Buffer control_buffer;  // data stage of control transfers (one at a time)
  Endpoint ep0;
  Endpoint* endpoints[32] = {};  // by device context index, besides ep0
  ::usb::DeviceDescriptor descriptor{};
  ::usb::Configuration configuration{};
  char manufacturer[40] = {};
  char product[48] = {};
  const ::usb::Interface* bound_interface = nullptr;
  const DeviceDriver* driver = nullptr;
  void* driver_state = nullptr;
  bool work_pending = false;  // set by any context, taken by the controller thread
  bool detaching = false;     // no more transfers are queued once set
  // What the device sent, kept for `test=usb.dump` (tools/capture_devices.py).
  u8 raw_device[18] = {};
  u8* raw_configuration = nullptr;
  u16 raw_configuration_length = 0;
  Device* children[16] = {};  // hubs: the device on each port (1-based index - 1)
  u8 child_count = 0;         // hubs: ports

  ::usb::xhci::Contexts input() const;
  ::usb::xhci::Contexts output() const;
  // "1-3" for root port 3 of controller 1, "1-3.2" for port 2 of the hub there.
  void describe_path(libk::Sink& out) const;
};

// Addresses, reads and configures the device at `place`, binds a driver, and returns it; on
// any failure logs why, releases its slot and memory and returns nullptr.
Device* enumerate(Controller& controller, const Place& place);

// Detaches `device` and everything below it: drivers, slots, memory. Context: the
// controller thread.
void detach(Device* device);

// Configures interrupt IN endpoint `endpoint` of `device` (a Configure Endpoint command)
// and queues its first transfer; `on_data` gets each report in interrupt context.
Result<Endpoint*> open_interrupt_in(Device& device, const ::usb::Endpoint& endpoint,
                                    void (*on_data)(Device&, libk::Bytes));

// A control transfer into a fresh DMA buffer of `length` bytes, copied to `out`.
Result<u32> control_in(Device& device, const ::usb::xhci::SetupPacket& setup, u8* out);
Result<void> control_out(Device& device, const ::usb::xhci::SetupPacket& setup,
                         libk::Bytes data = {});

// Marks that `device`'s driver has work for the controller thread. Context: any.
void request_device_work(Device& device);

// Log and lsusb lines: "1-3 0627:0001 QEMU USB Keyboard (full speed, HID keyboard)".
void describe(libk::Sink& out, const Device& device);

}  // namespace kernel::usb
