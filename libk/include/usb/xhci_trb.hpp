// xHCI Transfer Request Blocks (eXtensible Host Controller Interface 1.2, §4.11 and §6.4):
// the 16-byte records the controller and the driver exchange through rings in memory. Each
// TRB kind's bit layout is declared once here; the builders make the TRBs the driver queues
// and the decoders read the events the controller writes (untrusted values: a decoder never
// indexes anything with them unchecked).
#pragma once

#include <libk/bit_register.hpp>
#include <libk/string_view.hpp>

namespace usb::xhci {

// §6.4: 64-bit parameter, 32-bit status, 32-bit control (cycle bit and type in it).
struct Trb {
  u64 parameter;
  u32 status;
  u32 control;
};
static_assert(sizeof(Trb) == 16);

// TRB types — Table 6-91.
enum class TrbType : u8 {
  Normal = 1,
  SetupStage = 2,
  DataStage = 3,
  StatusStage = 4,
  Link = 6,
  NoOp = 8,
  EnableSlot = 9,
  DisableSlot = 10,
  AddressDevice = 11,
  ConfigureEndpoint = 12,
  EvaluateContext = 13,
  ResetEndpoint = 14,
  StopEndpoint = 15,
  SetTrDequeue = 16,
  ResetDevice = 17,
  NoOpCommand = 23,
  TransferEvent = 32,
  CommandCompletion = 33,
  PortStatusChange = 34,
  BandwidthRequest = 35,
  Doorbell = 36,
  HostController = 37,
  DeviceNotification = 38,
  MfindexWrap = 39,
};

// Completion codes — Table 6-90.
enum class Completion : u8 {
  Invalid = 0,
  Success = 1,
  DataBuffer = 2,
  Babble = 3,
  Transaction = 4,
  Trb = 5,
  Stall = 6,
  Resource = 7,
  Bandwidth = 8,
  NoSlots = 9,
  InvalidStreamType = 10,
  SlotNotEnabled = 11,
  EndpointNotEnabled = 12,
  ShortPacket = 13,
  RingUnderrun = 14,
  RingOverrun = 15,
  VfEventRingFull = 16,
  Parameter = 17,
  BandwidthOverrun = 18,
  ContextState = 19,
  NoPingResponse = 20,
  EventRingFull = 21,
  IncompatibleDevice = 22,
  MissedService = 23,
  CommandRingStopped = 24,
  CommandAborted = 25,
  Stopped = 26,
  StoppedLengthInvalid = 27,
  StoppedShortPacket = 28,
  MaxExitLatencyTooLarge = 29,
};
libk::StringView completion_text(Completion c);

// The control dword every TRB shares — §6.4: cycle bit 0, type in 15:10.
class Control : public libk::BitRegister<Control> {
 public:
  using BitRegister::BitRegister;
  LIBK_BIT(0, cycle);
  LIBK_FIELD(TrbType, 15, 10, type);
};

// Link TRB control — §6.4.4.1, Figure 6-38.
class LinkControl : public libk::BitRegister<LinkControl> {
 public:
  using BitRegister::BitRegister;
  LIBK_BIT(0, cycle);
  LIBK_BIT(1, toggle_cycle);
  LIBK_BIT(4, chain);
  LIBK_BIT(5, interrupt_on_completion);
  LIBK_FIELD(TrbType, 15, 10, type);
};

// Transfer TRB status (Normal, Setup, Data, Status stages) — §6.4.1.1, Figure 6-4.
class TransferStatus : public libk::BitRegister<TransferStatus> {
 public:
  using BitRegister::BitRegister;
  LIBK_FIELD(u32, 16, 0, length);
  LIBK_FIELD(u8, 21, 17, td_size);
  LIBK_FIELD(u16, 31, 22, interrupter);
};

// Transfer TRB control — §6.4.1.1 (Normal), §6.4.1.2.1-3 (Setup, Data, Status stages).
class TransferControl : public libk::BitRegister<TransferControl> {
 public:
  using BitRegister::BitRegister;
  LIBK_BIT(0, cycle);
  LIBK_BIT(1, evaluate_next);
  LIBK_BIT(2, interrupt_on_short_packet);
  LIBK_BIT(3, no_snoop);
  LIBK_BIT(4, chain);
  LIBK_BIT(5, interrupt_on_completion);
  LIBK_BIT(6, immediate_data);
  LIBK_FIELD(TrbType, 15, 10, type);
  LIBK_FIELD(u8, 17, 16, transfer_type);  // Setup stage: 0 no data, 2 OUT, 3 IN
  LIBK_BIT(16, direction_in);             // Data and Status stages
};

// Command TRB control (Enable Slot ... Set TR Dequeue) — §6.4.3.
class CommandControl : public libk::BitRegister<CommandControl> {
 public:
  using BitRegister::BitRegister;
  LIBK_BIT(0, cycle);
  LIBK_BIT(9, flag);  // Address Device: BSR; Configure Endpoint: DC; Reset Endpoint: TSP
  LIBK_FIELD(TrbType, 15, 10, type);
  LIBK_FIELD(u8, 20, 16, endpoint_or_slot_type);  // Reset/Stop/Set TR Dequeue; Enable Slot
  LIBK_BIT(23, suspend);                          // Stop Endpoint
  LIBK_FIELD(u8, 31, 24, slot);
};

// Event TRB status and control — §6.4.2.1-3 (Transfer, Command Completion, Port Status
// Change events).
class EventStatus : public libk::BitRegister<EventStatus> {
 public:
  using BitRegister::BitRegister;
  LIBK_FIELD(u32, 23, 0, length_or_parameter);  // transfer: bytes not transferred
  LIBK_FIELD(Completion, 31, 24, completion);
};
class EventControl : public libk::BitRegister<EventControl> {
 public:
  using BitRegister::BitRegister;
  LIBK_BIT(0, cycle);
  LIBK_BIT(2, event_data);
  LIBK_FIELD(TrbType, 15, 10, type);
  LIBK_FIELD(u8, 20, 16, endpoint);
  LIBK_FIELD(u8, 31, 24, slot);
};

// Port Status Change event parameter — §6.4.2.3: the port ID in bits 31:24.
class PortEventParameter : public libk::BitRegister<PortEventParameter> {
 public:
  using BitRegister::BitRegister;
  LIBK_FIELD(u8, 31, 24, port);
};

// The 8 bytes of a USB SETUP packet (USB 2.0 §9.3), carried in a Setup Stage TRB.
struct SetupPacket {
  u8 request_type;
  u8 request;
  u16 value;
  u16 index;
  u16 length;

  constexpr u64 raw() const {
    return u64(request_type) | u64(request) << 8 | u64(value) << 16 | u64(index) << 32 |
           u64(length) << 48;
  }
  constexpr bool device_to_host() const { return request_type & 0x80; }
};

// ---- Builders (the cycle bit is the ring's to set) ----

Trb setup_stage(const SetupPacket& setup);
Trb data_stage(u64 buffer, u32 length, bool in);
Trb status_stage(bool in);
// A Normal TRB for an interrupt or bulk endpoint, interrupting on completion and on a short
// packet.
Trb normal(u64 buffer, u32 length);
Trb link(u64 ring_start, bool toggle_cycle);

Trb enable_slot(u8 slot_type);
Trb disable_slot(u8 slot);
Trb address_device(u64 input_context, u8 slot, bool block_set_address);
Trb configure_endpoint(u64 input_context, u8 slot);
Trb evaluate_context(u64 input_context, u8 slot);
Trb reset_endpoint(u8 slot, u8 endpoint);
Trb stop_endpoint(u8 slot, u8 endpoint);
Trb set_tr_dequeue(u8 slot, u8 endpoint, u64 dequeue, bool cycle);
Trb no_op_command();

// ---- Decoded events ----

struct Event {
  TrbType type;
  Completion completion;
  u64 trb;          // Transfer/Command Completion: the TRB it reports on (physical)
  u32 length;       // Transfer: residual bytes; Command Completion: its parameter
  u8 slot;          // Transfer, Command Completion
  u8 endpoint;      // Transfer: the DCI (1-31)
  u8 port;          // Port Status Change: the root hub port (1-based)
  bool event_data;  // Transfer: `trb` is an Event Data TRB's parameter
};
Event decode_event(const Trb& trb);

}  // namespace usb::xhci
