// xHCI device and input contexts (xHCI 1.2 §6.2): what the controller knows about a device
// (its slot context) and each of its endpoints (endpoint contexts), in memory the driver
// allocates. Contexts are 32 or 64 bytes (HCCPARAMS1.CSZ); an input context is an Input
// Control Context followed by a slot context and 31 endpoint contexts, a device (output)
// context a slot context and 31 endpoint contexts. Each dword's layout is declared once here;
// the fill functions write a context from plain values, the readers decode what the
// controller wrote.
#pragma once

#include <libk/bit_register.hpp>
#include <libk/span.hpp>
#include <libk/string_view.hpp>

namespace usb::xhci {

// USB speeds as the xHCI reports them (PORTSC Port Speed, slot context Speed): the default
// Protocol Speed IDs — §7.2.2.1.1, Table 7-13.
enum class Speed : u8 { Unknown = 0, Full = 1, Low = 2, High = 3, Super = 4, SuperPlus = 5 };
libk::StringView speed_name(Speed s);  // "full speed" (12 Mb/s), "high speed" (480 Mb/s), ...
// The default control endpoint's max packet size before the device descriptor says otherwise
// (USB 2.0 §5.5.3, USB 3.2 §9.6.1): 8 at low and full speed (full-speed devices may have
// 16, 32 or 64), 64 at high speed, 512 at SuperSpeed.
u16 default_max_packet(Speed s);

// Slot context dwords 0-3 — §6.2.2, Figure 6-2.
class SlotDword0 : public libk::BitRegister<SlotDword0> {
 public:
  using BitRegister::BitRegister;
  LIBK_FIELD(u32, 19, 0, route_string);
  LIBK_FIELD(Speed, 23, 20, speed);
  LIBK_BIT(25, multi_tt);
  LIBK_BIT(26, hub);
  LIBK_FIELD(u8, 31, 27, context_entries);
};
class SlotDword1 : public libk::BitRegister<SlotDword1> {
 public:
  using BitRegister::BitRegister;
  LIBK_FIELD(u16, 15, 0, max_exit_latency);
  LIBK_FIELD(u8, 23, 16, root_hub_port);
  LIBK_FIELD(u8, 31, 24, port_count);
};
class SlotDword2 : public libk::BitRegister<SlotDword2> {
 public:
  using BitRegister::BitRegister;
  LIBK_FIELD(u8, 7, 0, tt_hub_slot);
  LIBK_FIELD(u8, 15, 8, tt_port);
  LIBK_FIELD(u8, 17, 16, tt_think_time);
  LIBK_FIELD(u16, 31, 22, interrupter);
};
class SlotDword3 : public libk::BitRegister<SlotDword3> {
 public:
  using BitRegister::BitRegister;
  LIBK_FIELD(u8, 7, 0, device_address);
  LIBK_FIELD(u8, 31, 27, slot_state);  // 0 disabled/enabled, 1 default, 2 addressed, 3 configured
};

// Endpoint types — §6.2.3, Table 6-9.
enum class EndpointType : u8 {
  NotValid = 0,
  IsochOut = 1,
  BulkOut = 2,
  InterruptOut = 3,
  Control = 4,
  IsochIn = 5,
  BulkIn = 6,
  InterruptIn = 7,
};

// Endpoint context dwords 0, 1 and 4 (2-3 are the TR dequeue pointer) — §6.2.3, Figure 6-3.
class EndpointDword0 : public libk::BitRegister<EndpointDword0> {
 public:
  using BitRegister::BitRegister;
  LIBK_FIELD(u8, 2, 0, state);  // 0 disabled, 1 running, 2 halted, 3 stopped, 4 error
  LIBK_FIELD(u8, 9, 8, mult);
  LIBK_FIELD(u8, 23, 16, interval);
  LIBK_FIELD(u8, 31, 24, max_esit_payload_high);
};
class EndpointDword1 : public libk::BitRegister<EndpointDword1> {
 public:
  using BitRegister::BitRegister;
  LIBK_FIELD(u8, 2, 1, error_count);
  LIBK_FIELD(EndpointType, 5, 3, type);
  LIBK_FIELD(u8, 15, 8, max_burst);
  LIBK_FIELD(u16, 31, 16, max_packet_size);
};
class EndpointDword4 : public libk::BitRegister<EndpointDword4> {
 public:
  using BitRegister::BitRegister;
  LIBK_FIELD(u16, 15, 0, average_trb_length);
  LIBK_FIELD(u16, 31, 16, max_esit_payload_low);
};

inline constexpr u8 kEndpointHalted = 2;

// The device context index of an endpoint (§4.5.1): 1 for the default control endpoint,
// 2 * number + 1 for IN endpoints, 2 * number for OUT endpoints.
constexpr u8 endpoint_index(u8 endpoint_address) {
  u8 number = endpoint_address & 0x0F;
  if (number == 0) return 1;
  return u8(2 * number + ((endpoint_address & 0x80) ? 1 : 0));
}

// What the driver puts in a slot context.
struct SlotParams {
  u32 route_string;  // the hub ports below the root port, 4 bits a tier (§8.9 of USB 3.2)
  Speed speed;
  u8 root_hub_port;
  u8 context_entries;  // the last valid endpoint context index
  bool hub;
  u8 port_count;  // hubs
  bool multi_tt;  // hubs
  u8 tt_think_time;
  u8 tt_hub_slot;  // full/low-speed devices behind a high-speed hub
  u8 tt_port;
};

struct EndpointParams {
  EndpointType type;
  u16 max_packet_size;
  u8 max_burst;
  u8 interval;  // the context's encoding: 2^interval x 125 us (endpoint_interval())
  u64 dequeue;  // ring base
  bool cycle;   // dequeue cycle state
  u16 average_trb_length;
  u32 max_esit_payload;
};

// A view of a context array: `count` contexts of `context_size` bytes (32 or 64).
class Contexts {
 public:
  constexpr Contexts() = default;
  Contexts(libk::Span<u8> memory, u32 context_size) : memory_(memory), size_(context_size) {}

  u32 context_size() const { return size_; }
  // Context `index`'s dwords (index 0 is the slot context of a device context; the Input
  // Control Context of an input context).
  volatile u32* dwords(u32 index) const;
  bool holds(u32 index) const { return (u64(index) + 1) * size_ <= memory_.size(); }

 private:
  libk::Span<u8> memory_;
  u32 size_ = 32;
};

// Input contexts: the control context at 0, the slot at 1, endpoint DCI n at n + 1.
// Add/drop flag n names the context of DCI n (0: the slot) — §6.2.5.1.
constexpr u32 context_flag(u8 index) { return u32{1} << index; }
void set_input_control(const Contexts& input, u32 add_flags, u32 drop_flags);
// Raises the slot context's Context Entries to cover `dci` (for Configure Endpoint).
void cover_endpoint(const Contexts& input, u8 dci);
// Marks the slot context as a hub's: its port count, whether it has a TT per port, and
// (high-speed hubs) its TT think time.
void mark_hub(const Contexts& input, u8 ports, bool multi_tt, u8 tt_think_time);
void fill_slot(const Contexts& input, const SlotParams& p);
void fill_endpoint(const Contexts& input, u8 dci, const EndpointParams& p);
// Changes only the default endpoint's max packet size (for Evaluate Context).
void set_ep0_max_packet(const Contexts& input, u16 max_packet_size);

// Device (output) contexts: the slot at 0, endpoint DCI n at n.
u8 device_address(const Contexts& output);
u8 slot_state(const Contexts& output);
u8 endpoint_state(const Contexts& output, u8 dci);

// The Endpoint Context Interval for an interrupt endpoint's bInterval (§6.2.3.6): at high
// and SuperSpeed bInterval is already an exponent (2^(bInterval-1) x 125 us, 1-16); at full
// and low speed it counts 1 ms frames (1-255) and becomes the largest exponent whose period
// does not exceed it, at least 3 (1 ms).
u8 endpoint_interval(Speed speed, u8 b_interval);

// Where a new device's transaction translator is (§4.8.2 and the slot context's TT fields):
// a full- or low-speed device behind a high-speed hub uses that hub's TT; one further down
// (behind full-speed hubs behind it) inherits its parent's.
struct TtInfo {
  u8 hub_slot;
  u8 port;
};
TtInfo transaction_translator(Speed device, Speed parent_hub, u8 parent_slot, u8 parent_port,
                              TtInfo parent_tt);

// The route string of a device on `port` (1-15) of a hub whose own route string is
// `parent_route` at tier `parent_depth` (0 for a device on a root port): 4 bits per tier.
// Ports above 15 cannot be expressed (clamped to 15; USB 3.2 §10.1.3.2).
u32 child_route(u32 parent_route, u8 parent_depth, u8 port);

}  // namespace usb::xhci
