#include <usb/xhci_trb.hpp>

namespace usb::xhci {

namespace {

// Setup Stage TRB transfer types (TRT) — §6.4.1.2.1.
constexpr u8 kNoData = 0, kOutData = 2, kInData = 3;
constexpr u32 kSetupLength = 8;

Trb command(TrbType type, u8 slot = 0) {
  return {0, 0, u32(CommandControl(0).set_type(type).set_slot(slot).raw())};
}

}  // namespace

libk::StringView completion_text(Completion c) {
  switch (c) {
    case Completion::Invalid: return "invalid";
    case Completion::Success: return "success";
    case Completion::DataBuffer: return "data buffer error";
    case Completion::Babble: return "babble detected";
    case Completion::Transaction: return "USB transaction error";
    case Completion::Trb: return "TRB error";
    case Completion::Stall: return "stall";
    case Completion::Resource: return "resource error";
    case Completion::Bandwidth: return "bandwidth error";
    case Completion::NoSlots: return "no slots available";
    case Completion::InvalidStreamType: return "invalid stream type";
    case Completion::SlotNotEnabled: return "slot not enabled";
    case Completion::EndpointNotEnabled: return "endpoint not enabled";
    case Completion::ShortPacket: return "short packet";
    case Completion::RingUnderrun: return "ring underrun";
    case Completion::RingOverrun: return "ring overrun";
    case Completion::VfEventRingFull: return "VF event ring full";
    case Completion::Parameter: return "parameter error";
    case Completion::BandwidthOverrun: return "bandwidth overrun";
    case Completion::ContextState: return "context state error";
    case Completion::NoPingResponse: return "no ping response";
    case Completion::EventRingFull: return "event ring full";
    case Completion::IncompatibleDevice: return "incompatible device";
    case Completion::MissedService: return "missed service";
    case Completion::CommandRingStopped: return "command ring stopped";
    case Completion::CommandAborted: return "command aborted";
    case Completion::Stopped: return "stopped";
    case Completion::StoppedLengthInvalid: return "stopped (length invalid)";
    case Completion::StoppedShortPacket: return "stopped (short packet)";
    case Completion::MaxExitLatencyTooLarge: return "max exit latency too large";
  }
  return "unknown completion code";
}

Trb setup_stage(const SetupPacket& s) {
  u8 trt = s.length == 0 ? kNoData : s.device_to_host() ? kInData : kOutData;
  return {s.raw(), u32(TransferStatus(0).set_length(kSetupLength).raw()),
          u32(TransferControl(0)
                  .set_type(TrbType::SetupStage)
                  .set_immediate_data(true)
                  .set_transfer_type(trt)
                  .raw())};
}

Trb data_stage(u64 buffer, u32 length, bool in) {
  return {buffer, u32(TransferStatus(0).set_length(length).raw()),
          u32(TransferControl(0)
                  .set_type(TrbType::DataStage)
                  .set_direction_in(in)
                  .set_interrupt_on_short_packet(in)
                  .raw())};
}

// The status stage goes the other way from the data (USB 2.0 §8.5.3): IN when there was no
// data or the data went OUT.
Trb status_stage(bool in) {
  return {0, 0,
          u32(TransferControl(0)
                  .set_type(TrbType::StatusStage)
                  .set_direction_in(in)
                  .set_interrupt_on_completion(true)
                  .raw())};
}

Trb normal(u64 buffer, u32 length) {
  return {buffer, u32(TransferStatus(0).set_length(length).raw()),
          u32(TransferControl(0)
                  .set_type(TrbType::Normal)
                  .set_interrupt_on_short_packet(true)
                  .set_interrupt_on_completion(true)
                  .raw())};
}

Trb link(u64 ring_start, bool toggle_cycle) {
  return {ring_start, 0,
          u32(LinkControl(0).set_type(TrbType::Link).set_toggle_cycle(toggle_cycle).raw())};
}

Trb enable_slot(u8 slot_type) {
  return {0, 0,
          u32(CommandControl(0)
                  .set_type(TrbType::EnableSlot)
                  .set_endpoint_or_slot_type(slot_type)
                  .raw())};
}

Trb disable_slot(u8 slot) { return command(TrbType::DisableSlot, slot); }

Trb address_device(u64 input_context, u8 slot, bool block_set_address) {
  Trb t = command(TrbType::AddressDevice, slot);
  t.parameter = input_context;
  t.control = u32(CommandControl(t.control).set_flag(block_set_address).raw());
  return t;
}

Trb configure_endpoint(u64 input_context, u8 slot) {
  Trb t = command(TrbType::ConfigureEndpoint, slot);
  t.parameter = input_context;
  return t;
}

Trb evaluate_context(u64 input_context, u8 slot) {
  Trb t = command(TrbType::EvaluateContext, slot);
  t.parameter = input_context;
  return t;
}

Trb reset_endpoint(u8 slot, u8 endpoint) {
  Trb t = command(TrbType::ResetEndpoint, slot);
  t.control = u32(CommandControl(t.control).set_endpoint_or_slot_type(endpoint).raw());
  return t;
}

Trb stop_endpoint(u8 slot, u8 endpoint) {
  Trb t = command(TrbType::StopEndpoint, slot);
  t.control = u32(CommandControl(t.control).set_endpoint_or_slot_type(endpoint).raw());
  return t;
}

// §6.4.3.9: the new dequeue pointer (16-byte aligned) with the dequeue cycle state in bit 0.
Trb set_tr_dequeue(u8 slot, u8 endpoint, u64 dequeue, bool cycle) {
  Trb t = command(TrbType::SetTrDequeue, slot);
  t.parameter = (dequeue & ~u64{0xF}) | (cycle ? 1 : 0);
  t.control = u32(CommandControl(t.control).set_endpoint_or_slot_type(endpoint).raw());
  return t;
}

Trb no_op_command() { return command(TrbType::NoOpCommand); }

Event decode_event(const Trb& trb) {
  EventStatus status(trb.status);
  EventControl control(trb.control);
  Event e{};
  e.type = control.type();
  e.completion = status.completion();
  e.trb = trb.parameter;
  e.length = status.length_or_parameter();
  e.slot = control.slot();
  e.endpoint = control.endpoint();
  e.event_data = control.event_data();
  if (e.type == TrbType::PortStatusChange) {
    e.port = PortEventParameter(trb.parameter & 0xFFFF'FFFF).port();
    e.trb = 0;
  }
  return e;
}

}  // namespace usb::xhci
