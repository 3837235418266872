// Enumerating a USB device (USB 2.0 §9.1.2; xHCI 1.2 §4.3): a slot, its contexts, Address
// Device, the default endpoint's real packet size, the descriptors, the configuration, and
// a driver; and taking it all apart again on detach.
#include "drivers/usb/device.hpp"

#include "drivers/usb/drivers.hpp"
#include "log.hpp"
#include "memory/heap.hpp"

namespace kernel::usb {

namespace {

namespace x = ::usb::xhci;

constexpr u16 kMaxConfiguration = 1024;  // longer configurations are cut (BadDescriptor)

Result<dma::Buffer> page(Controller& c) {
  auto b = dma::allocate(libk::kPageSize, c.dma_constraints());
  if (!b) return libk::unexpected(UsbError::NoMemory);
  return b.value();
}

Result<void> allocate_memory(Device& d) {
  Controller& c = *d.controller;
  d.output_context = TRY(page(c));
  d.input_context = TRY(page(c));
  d.control_buffer = TRY(page(c));
  d.ep0.dci = 1;
  return c.init_ring(d.ep0);
}

void fill_default_contexts(Device& d) {
  x::Contexts input = d.input();
  x::set_input_control(input, x::context_flag(0) | x::context_flag(1), 0);  // slot and EP0
  x::fill_slot(input, {.route_string = d.place.route,
                       .speed = d.place.speed,
                       .root_hub_port = d.place.root_port,
                       .context_entries = 1,
                       .tt_hub_slot = d.tt.hub_slot,
                       .tt_port = d.tt.port});
  x::fill_endpoint(input, 1,
                   {.type = x::EndpointType::Control,
                    .max_packet_size = x::default_max_packet(d.place.speed),
                    .dequeue = d.ep0.ring.base(),
                    .cycle = d.ep0.ring.cycle(),
                    .average_trb_length = 8});
}

// Full-speed devices may use 8, 16, 32 or 64 bytes on EP0: the first 8 bytes of the device
// descriptor say which; Evaluate Context tells the controller (§4.6.7).
Result<void> fix_ep0_packet_size(Device& d) {
  u8 head[8];
  TRY(control_in(d, ::usb::get_descriptor(::usb::descriptor::kDevice, 0, 8), head));
  ::usb::DeviceDescriptor partial{};
  partial.max_packet0 = head[7];
  bool superspeed = d.place.speed == Speed::Super || d.place.speed == Speed::SuperPlus;
  u16 mps = ::usb::max_packet0(partial, superspeed);
  if (mps == x::default_max_packet(d.place.speed)) return {};
  x::set_input_control(d.input(), x::context_flag(1), 0);
  x::set_ep0_max_packet(d.input(), mps);
  TRY(d.controller->command(x::evaluate_context(d.input_context.phys, d.slot)));
  return {};
}

Result<void> read_descriptors(Device& d) {
  u8 bytes[::usb::kDeviceDescriptorLength];
  TRY(control_in(d, ::usb::get_descriptor(::usb::descriptor::kDevice, 0, sizeof(bytes)), bytes));
  auto desc = ::usb::parse_device({bytes, sizeof(bytes)});
  if (!desc) return libk::unexpected(UsbError::BadDescriptor);
  d.descriptor = desc.value();
  u8 header[::usb::kConfigurationHeaderLength];
  TRY(control_in(d, ::usb::get_descriptor(::usb::descriptor::kConfiguration, 0, sizeof(header)),
                 header));
  auto total = ::usb::configuration_total_length({header, sizeof(header)});
  if (!total || total.value() > kMaxConfiguration) return libk::unexpected(UsbError::BadDescriptor);
  auto* config = static_cast<u8*>(heap::allocate(total.value()));
  if (!config) return libk::unexpected(UsbError::NoMemory);
  auto got = control_in(
      d, ::usb::get_descriptor(::usb::descriptor::kConfiguration, 0, total.value()), config);
  if (!got) {
    kfree(config);
    return libk::unexpected(got.error());
  }
  __builtin_memcpy(d.raw_device, bytes, sizeof(bytes));
  d.raw_configuration = config;
  d.raw_configuration_length = u16(got.value());
  auto parsed = ::usb::parse_configuration({config, got.value()});
  if (!parsed) {
    log::warn("usb: slot {}: configuration descriptor: {}", d.slot,
              ::usb::descriptor_error_text(parsed.error()));
    return libk::unexpected(UsbError::BadDescriptor);
  }
  d.configuration = parsed.value();
  return {};
}

// Strings are for people (lsusb, the log): a device without them, or with bad ones, still
// works.
void read_string(Device& d, u16 language, u8 index, char* out, usize capacity) {
  if (index == 0 || language == 0) return;
  u8 bytes[255];
  auto got =
      control_in(d, ::usb::get_descriptor(::usb::descriptor::kString, index, 255, language), bytes);
  if (got) (void)::usb::decode_string({bytes, got.value()}, out, capacity);
}

void read_strings(Device& d) {
  u8 bytes[8];
  auto got = control_in(d, ::usb::get_descriptor(::usb::descriptor::kString, 0, 8), bytes);
  if (!got) return;
  u16 language = ::usb::first_language({bytes, got.value()}).value_or(0);
  read_string(d, language, d.descriptor.manufacturer, d.manufacturer, sizeof(d.manufacturer));
  read_string(d, language, d.descriptor.product_string, d.product, sizeof(d.product));
}

Result<void> set_up(Device& d) {
  TRY(allocate_memory(d));
  d.controller->publish(d);
  fill_default_contexts(d);
  TRY(d.controller->command(x::address_device(d.input_context.phys, d.slot, false)));
  TRY(fix_ep0_packet_size(d));
  TRY(read_descriptors(d));
  read_strings(d);
  TRY(control_out(d, ::usb::set_configuration(d.configuration.value)));
  bind_driver(d);
  return {};
}

void free_endpoint(Endpoint& ep) {
  dma::free(ep.ring_memory);
  dma::free(ep.data);
}

// No more transfers queued, no more events delivered to its drivers.
void stop_events(Device* d) {
  __atomic_store_n(&d->detaching, true, __ATOMIC_RELEASE);
  d->controller->unpublish(*d);
}

// Everything detach releases, for a device that may be half set up: its slot (the
// controller keeps using the contexts until Disable Slot completes), then its memory.
void release(Device* d) {
  Controller& c = *d->controller;
  stop_events(d);
  if (!c.dead()) (void)c.command(x::disable_slot(d->slot));
  c.forget_contexts(*d);
  for (Endpoint*& ep : d->endpoints) {
    if (!ep) continue;
    free_endpoint(*ep);
    delete ep;
    ep = nullptr;
  }
  free_endpoint(d->ep0);
  dma::free(d->output_context);
  dma::free(d->input_context);
  dma::free(d->control_buffer);
  kfree(d->raw_configuration);
  delete d;
}

}  // namespace

x::Contexts Device::input() const {
  return {{input_context.as<u8>(), libk::kPageSize}, controller->context_size()};
}

x::Contexts Device::output() const {
  return {{output_context.as<u8>(), libk::kPageSize}, controller->context_size()};
}

void Device::describe_path(libk::Sink& out) const {
  if (place.parent) {
    place.parent->describe_path(out);
    libk::format_to(out, ".{}", place.parent_port);
  } else {
    libk::format_to(out, "{}-{}", controller->index(), place.root_port);
  }
}

Device* enumerate(Controller& c, const Place& place) {
  u8 slot = 0;
  if (auto r = c.command(x::enable_slot(0), &slot); !r || slot == 0) {
    log::warn("usb: root port {}-{}: no device slot ({})", c.index(), place.root_port,
              r ? "slot 0" : usb_error_text(r.error()));
    return nullptr;
  }
  auto* d = new (heap::nothrow) Device;
  if (!d) {
    (void)c.command(x::disable_slot(slot));
    return nullptr;
  }
  d->controller = &c;
  d->slot = slot;
  d->place = place;
  if (Device* hub = place.parent)
    d->tt = x::transaction_translator(place.speed, hub->place.speed, hub->slot, place.parent_port,
                                      hub->tt);
  if (auto r = set_up(*d); !r) {
    libk::FixedString<32> path;
    d->describe_path(path.sink());
    log::warn("usb: {}: enumeration failed: {}", path.view(), usb_error_text(r.error()));
    release(d);
    return nullptr;
  }
  libk::FixedString<200> line;
  describe(line.sink(), *d);
  log::info("usb: {}", line.view());
  return d;
}

void detach(Device* d) {
  if (!d) return;
  for (u8 i = 0; i < d->child_count && i < 16; ++i) {
    detach(d->children[i]);
    d->children[i] = nullptr;
  }
  stop_events(d);  // a report arriving now would reach a driver being taken apart
  if (d->driver && d->driver->detach) d->driver->detach(*d);
  release(d);
}

Result<u32> control_in(Device& d, const x::SetupPacket& setup, u8* out) {
  if (setup.length > libk::kPageSize) return libk::unexpected(UsbError::BadDescriptor);
  u32 got = TRY(d.controller->control(d, setup, &d.control_buffer));
  __builtin_memcpy(out, d.control_buffer.as<u8>(), got);
  return got;
}

Result<void> control_out(Device& d, const x::SetupPacket& setup, libk::Bytes data) {
  if (data.size() > libk::kPageSize || data.size() != setup.length)
    return libk::unexpected(UsbError::BadDescriptor);
  __builtin_memcpy(d.control_buffer.as<u8>(), data.data(), data.size());
  TRY(d.controller->control(d, setup, &d.control_buffer));
  return {};
}

Result<Endpoint*> open_interrupt_in(Device& d, const ::usb::Endpoint& e,
                                    void (*on_data)(Device&, libk::Bytes)) {
  u8 dci = x::endpoint_index(e.address);
  if (dci < 2 || dci > 31 || d.endpoints[dci]) return libk::unexpected(UsbError::BadDescriptor);
  auto* ep = new (heap::nothrow) Endpoint;
  if (!ep) return libk::unexpected(UsbError::NoMemory);
  ep->dci = dci;
  ep->length = libk::min<u16>(e.max_packet ? e.max_packet : 8, 64);
  auto data = dma::allocate(ep->length, d.controller->dma_constraints());
  if (!data || !d.controller->init_ring(*ep)) {
    if (data) dma::free(data.value());
    free_endpoint(*ep);
    delete ep;
    return libk::unexpected(UsbError::NoMemory);
  }
  ep->data = data.value();
  ep->on_data = on_data;
  d.endpoints[dci] = ep;
  x::Contexts input = d.input();
  // The slot context too: its Context Entries must cover the new endpoint.
  x::set_input_control(input, x::context_flag(0) | x::context_flag(dci), 0);
  x::cover_endpoint(input, dci);
  x::fill_endpoint(input, dci,
                   {.type = x::EndpointType::InterruptIn,
                    .max_packet_size = e.max_packet,
                    .interval = x::endpoint_interval(d.place.speed, e.interval),
                    .dequeue = ep->ring.base(),
                    .cycle = ep->ring.cycle(),
                    .average_trb_length = ep->length,
                    .max_esit_payload = e.max_packet});
  TRY(d.controller->command(x::configure_endpoint(d.input_context.phys, d.slot)));
  TRY(d.controller->queue_interrupt(d, *ep));
  return ep;
}

void request_device_work(Device& d) {
  __atomic_store_n(&d.work_pending, true, __ATOMIC_RELEASE);
  d.controller->request_work();
}

void describe(libk::Sink& out, const Device& d) {
  d.describe_path(out);
  libk::format_to(out, " {:04x}:{:04x} ", d.descriptor.vendor, d.descriptor.product);
  describe_name(out, d);
  libk::format_to(out, " ({}", ::usb::xhci::speed_name(d.place.speed));
  if (d.driver) libk::format_to(out, ", {}", d.driver->name);
  out.write(")");
}

}  // namespace kernel::usb
