#include <usb/xhci_context.hpp>

#include <libk/assert.hpp>

namespace usb::xhci {

namespace {

// The endpoint context's CErr (§4.10.2.7): 3 retries for everything but isochronous.
constexpr u8 kErrorCount = 3;

u32 read(volatile u32* d, u32 i) { return d[i]; }
void write(volatile u32* d, u32 i, u64 v) { d[i] = u32(v); }

}  // namespace

libk::StringView speed_name(Speed s) {
  switch (s) {
    case Speed::Full: return "full speed";
    case Speed::Low: return "low speed";
    case Speed::High: return "high speed";
    case Speed::Super: return "SuperSpeed";
    case Speed::SuperPlus: return "SuperSpeed+";
    case Speed::Unknown: break;
  }
  return "unknown speed";
}

u16 default_max_packet(Speed s) {
  switch (s) {
    case Speed::High: return 64;
    case Speed::Super:
    case Speed::SuperPlus: return 512;
    default: return 8;
  }
}

volatile u32* Contexts::dwords(u32 index) const {
  VERIFY(holds(index));
  return reinterpret_cast<volatile u32*>(memory_.data() + u64(index) * size_);
}

// Input Control Context — §6.2.5.1: drop flags in dword 0, add flags in dword 1.
void set_input_control(const Contexts& input, u32 add_flags, u32 drop_flags) {
  volatile u32* d = input.dwords(0);
  write(d, 0, drop_flags);
  write(d, 1, add_flags);
}

void cover_endpoint(const Contexts& input, u8 dci) {
  volatile u32* d = input.dwords(1);
  SlotDword0 dw0(read(d, 0));
  if (dci > dw0.context_entries()) write(d, 0, dw0.set_context_entries(dci).raw());
}

void mark_hub(const Contexts& input, u8 ports, bool multi_tt, u8 tt_think_time) {
  volatile u32* d = input.dwords(1);
  write(d, 0, SlotDword0(read(d, 0)).set_hub(true).set_multi_tt(multi_tt).raw());
  write(d, 1, SlotDword1(read(d, 1)).set_port_count(ports).raw());
  write(d, 2, SlotDword2(read(d, 2)).set_tt_think_time(tt_think_time).raw());
}

void fill_slot(const Contexts& input, const SlotParams& p) {
  volatile u32* d = input.dwords(1);
  write(d, 0,
        SlotDword0(0)
            .set_route_string(p.route_string)
            .set_speed(p.speed)
            .set_multi_tt(p.multi_tt)
            .set_hub(p.hub)
            .set_context_entries(p.context_entries)
            .raw());
  write(d, 1, SlotDword1(0).set_root_hub_port(p.root_hub_port).set_port_count(p.port_count).raw());
  write(d, 2,
        SlotDword2(0)
            .set_tt_hub_slot(p.tt_hub_slot)
            .set_tt_port(p.tt_port)
            .set_tt_think_time(p.tt_think_time)
            .raw());
  write(d, 3, 0);
}

void fill_endpoint(const Contexts& input, u8 dci, const EndpointParams& p) {
  VERIFY(dci >= 1 && dci <= 31);
  volatile u32* d = input.dwords(u32(dci) + 1);
  write(d, 0,
        EndpointDword0(0)
            .set_interval(p.interval)
            .set_max_esit_payload_high(u8(p.max_esit_payload >> 16))
            .raw());
  write(d, 1,
        EndpointDword1(0)
            .set_error_count(kErrorCount)
            .set_type(p.type)
            .set_max_burst(p.max_burst)
            .set_max_packet_size(p.max_packet_size)
            .raw());
  u64 dequeue = (p.dequeue & ~u64{0xF}) | (p.cycle ? 1 : 0);  // §6.2.3: DCS in bit 0
  write(d, 2, dequeue);
  write(d, 3, dequeue >> 32);
  write(d, 4,
        EndpointDword4(0)
            .set_average_trb_length(p.average_trb_length)
            .set_max_esit_payload_low(u16(p.max_esit_payload))
            .raw());
}

void set_ep0_max_packet(const Contexts& input, u16 max_packet_size) {
  volatile u32* d = input.dwords(2);
  write(d, 1, EndpointDword1(read(d, 1)).set_max_packet_size(max_packet_size).raw());
}

u8 device_address(const Contexts& output) {
  return SlotDword3(read(output.dwords(0), 3)).device_address();
}

u8 slot_state(const Contexts& output) { return SlotDword3(read(output.dwords(0), 3)).slot_state(); }

u8 endpoint_state(const Contexts& output, u8 dci) {
  if (dci < 1 || dci > 31) return 0;
  return EndpointDword0(read(output.dwords(dci), 0)).state();
}

u8 endpoint_interval(Speed speed, u8 b_interval) {
  if (speed == Speed::High || speed == Speed::Super || speed == Speed::SuperPlus) {
    u8 exponent = b_interval == 0 ? 0 : u8(b_interval - 1);
    return exponent > 15 ? 15 : exponent;
  }
  // Full/low speed: frames of 1 ms = 8 x 125 us; the largest 2^n x 125 us <= bInterval ms.
  u32 microframes = u32(b_interval == 0 ? 1 : b_interval) * 8;
  u8 n = 0;
  while (n < 10 && (2u << n) <= microframes) ++n;
  return n < 3 ? 3 : n;
}

TtInfo transaction_translator(Speed device, Speed parent_hub, u8 parent_slot, u8 parent_port,
                              TtInfo parent_tt) {
  bool slow = device == Speed::Full || device == Speed::Low;
  if (!slow) return {0, 0};
  if (parent_hub == Speed::High) return {parent_slot, parent_port};
  return parent_tt;
}

u32 child_route(u32 parent_route, u8 parent_depth, u8 port) {
  if (parent_depth >= 5) return parent_route;  // a route string has 5 tiers
  u32 nibble = port > 15 ? 15 : port;
  return parent_route | (nibble << (4 * parent_depth));
}

}  // namespace usb::xhci
