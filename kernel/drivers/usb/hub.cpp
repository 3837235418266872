// The hub driver (USB 2.0 §11.12, §11.24; USB 3.2 §10.14-10.16): tells the controller the
// device is a hub, powers its ports, watches its status-change endpoint and enumerates and
// detaches what is plugged into its ports, from the controller thread.
#include "drivers/usb/drivers.hpp"
#include "log.hpp"
#include "memory/heap.hpp"
#include "time.hpp"

namespace kernel::usb {

namespace {

namespace x = ::usb::xhci;
namespace feature = ::usb::port_feature;

constexpr u8 kMaxHubPorts = 15;  // a route string tier holds 15 ports
constexpr u64 kPortResetTimeoutNs = 500'000'000;
constexpr u64 kResetRecoveryNs = 10'000'000;  // USB 2.0 §7.1.7.5: TRSTRCY
constexpr u64 kConnectDebounceNs = 100'000'000;

struct Hub {
  ::usb::HubDescriptor descriptor;
  bool superspeed;
  u32 changed;  // ports (bit n = port n) the status-change endpoint reported; atomic
};

Hub& hub_of(Device& d) { return *static_cast<Hub*>(d.driver_state); }

// Interrupt context: the status-change bitmap (§11.12.4): bit 0 the hub, bit n port n.
void on_status_change(Device& d, libk::Bytes bitmap) {
  __atomic_fetch_or(&hub_of(d).changed, ::usb::changed_ports(bitmap), __ATOMIC_ACQ_REL);
  request_device_work(d);
}

Result<::usb::PortStatus> port_status(Device& d, u8 port) {
  u8 bytes[4];
  u32 got = TRY(control_in(d, ::usb::hub_get_port_status(port), bytes));
  auto s = ::usb::parse_port_status({bytes, got});
  if (!s) return libk::unexpected(UsbError::BadDescriptor);
  return s.value();
}

void clear_changes(Device& d, u8 port, const ::usb::PortStatus& s) {
  u16 features[::usb::kMaxPortChanges];
  usize n = ::usb::port_change_features(s, hub_of(d).superspeed, features);
  for (usize i = 0; i < n; ++i)
    (void)control_out(d, ::usb::hub_clear_port_feature(port, features[i]));
}

Speed child_speed(const Device& hub, const ::usb::PortStatus& s) {
  if (hub_of(const_cast<Device&>(hub)).superspeed) return Speed::Super;
  if (s.low_speed()) return Speed::Low;
  if (s.high_speed()) return Speed::High;
  return Speed::Full;
}

// §11.24.2.13: SET_FEATURE(PORT_RESET); the hub sets C_PORT_RESET when done.
Result<::usb::PortStatus> reset_port(Device& d, u8 port) {
  TRY(control_out(d, ::usb::hub_set_port_feature(port, feature::kReset)));
  u64 deadline = time::now_ns() + kPortResetTimeoutNs;
  for (;;) {
    thread::sleep_until(time::now_ns() + 10'000'000);
    ::usb::PortStatus s = TRY(port_status(d, port));
    if (!s.connected()) return libk::unexpected(UsbError::Transfer);
    if (s.reset_changed() || (!s.resetting() && s.enabled())) {
      (void)control_out(d, ::usb::hub_clear_port_feature(port, feature::kCReset));
      thread::sleep_until(time::now_ns() + kResetRecoveryNs);
      return s;
    }
    if (time::now_ns() >= deadline) return libk::unexpected(UsbError::Timeout);
  }
}

void attach_child(Device& d, u8 port) {
  thread::sleep_until(time::now_ns() + kConnectDebounceNs);
  auto reset = reset_port(d, port);
  if (!reset || !reset.value().enabled()) {
    libk::FixedString<32> path;
    d.describe_path(path.sink());
    log::warn("usb: {} port {}: reset {}", path.view(), port,
              reset ? "did not enable the port" : usb_error_text(reset.error()));
    return;
  }
  Place place{d.place.root_port,
              &d,
              port,
              x::child_route(d.place.route, d.place.depth, port),
              u8(d.place.depth + 1),
              child_speed(d, reset.value())};
  d.children[port - 1] = enumerate(*d.controller, place);
}

void handle_port(Device& d, u8 port) {
  auto s = port_status(d, port);
  if (!s) return;
  clear_changes(d, port, s.value());
  Device*& child = d.children[port - 1];
  if (child && (!s.value().connected() || s.value().connection_changed())) {
    libk::FixedString<32> path;
    child->describe_path(path.sink());
    detach(child);
    child = nullptr;
    log::info("usb: {} unplugged; its slot and memory are released", path.view());
  }
  if (s.value().connected() && !child) attach_child(d, port);
}

void hub_work(Device& d) {
  u32 changed = __atomic_exchange_n(&hub_of(d).changed, 0, __ATOMIC_ACQ_REL);
  for (u8 port = 1; port <= d.child_count; ++port)
    if (::usb::port_in(changed, port)) handle_port(d, port);
}

void hub_detach(Device& d) {
  delete static_cast<Hub*>(d.driver_state);
  d.driver_state = nullptr;
}

constexpr DeviceDriver kHubDriver{"hub", hub_work, hub_detach};

// The slot context says the device is a hub, with how many ports and (high-speed hubs) its
// TT think time and whether it has one TT per port (§6.2.2); Configure Endpoint applies it
// together with the status-change endpoint.
void mark_as_hub(Device& d, const Hub& hub, const ::usb::Interface& i) {
  bool high_speed = d.place.speed == Speed::High;
  x::mark_hub(d.input(), d.child_count, i.protocol == ::usb::kHubProtocolMultiTt,
              high_speed ? hub.descriptor.tt_think_time() : 0);
}

Result<void> power_ports(Device& d, const Hub& hub) {
  for (u8 port = 1; port <= d.child_count; ++port)
    TRY(control_out(d, ::usb::hub_set_port_feature(port, feature::kPower)));
  thread::sleep_until(time::now_ns() + u64(hub.descriptor.power_on_to_good_2ms) * 2'000'000);
  return {};
}

Result<void> set_up(Device& d, Hub& hub, const ::usb::Interface& i) {
  u8 bytes[16];
  u32 got = TRY(control_in(d, ::usb::hub_get_descriptor(hub.superspeed, sizeof(bytes)), bytes));
  auto desc = ::usb::parse_hub({bytes, got}, hub.superspeed);
  if (!desc) return libk::unexpected(UsbError::BadDescriptor);
  hub.descriptor = desc.value();
  d.child_count = libk::min(hub.descriptor.ports, kMaxHubPorts);
  auto endpoint = i.interrupt_in();
  if (!endpoint) return libk::unexpected(UsbError::BadDescriptor);
  mark_as_hub(d, hub, i);
  if (hub.superspeed) TRY(control_out(d, ::usb::hub_set_depth(d.place.depth)));
  TRY(open_interrupt_in(d, *endpoint, on_status_change));
  return power_ports(d, hub);
}

}  // namespace

bool attach_hub(Device& d, const ::usb::Interface& i) {
  if (d.place.depth >= 5) {  // USB 2.0 §4.1.1: five hubs deep at most
    log::warn("usb: slot {}: hub too deep in the tree; not used", d.slot);
    return false;
  }
  auto* hub = new (heap::nothrow) Hub{};
  if (!hub) return false;
  hub->superspeed = d.place.speed == Speed::Super || d.place.speed == Speed::SuperPlus;
  d.driver_state = hub;
  d.driver = &kHubDriver;
  if (auto r = set_up(d, *hub, i); !r) {
    log::warn("usb: slot {}: hub set-up failed: {}", d.slot, usb_error_text(r.error()));
    d.driver = nullptr;
    d.driver_state = nullptr;
    d.child_count = 0;
    delete hub;
    return false;
  }
  log::info("usb: slot {}: hub with {} ports", d.slot, hub->descriptor.ports);
  __atomic_store_n(&hub->changed, ~u32{0}, __ATOMIC_RELEASE);  // every port once, now
  hub_work(d);
  return true;
}

}  // namespace kernel::usb
