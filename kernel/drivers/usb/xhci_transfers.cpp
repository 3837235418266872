// Transfers (xHCI 1.2 §4.11): control transfers on a device's default endpoint, waited for
// with a deadline; interrupt-IN transfers queued one at a time and re-queued from the
// interrupt handler; recovery of a halted or stuck endpoint (§4.6.8-9, §4.8.3).
#include "drivers/usb/device.hpp"
#include "drivers/usb/xhci.hpp"
#include "log.hpp"

namespace kernel::usb {

namespace {

namespace x = ::usb::xhci;

constexpr u32 kRingTrbs = 256;

// The doorbell target for an endpoint is its device context index (§5.6).
hal::xhci::Doorbell doorbell_for(const Endpoint& ep) {
  return hal::xhci::Doorbell(0).set_target(ep.dci);
}

}  // namespace

Result<void> Controller::init_ring(Endpoint& ep) {
  auto memory = dma::allocate(kRingTrbs * sizeof(x::Trb), dma_constraints());
  if (!memory) return libk::unexpected(UsbError::NoMemory);
  ep.ring_memory = memory.value();
  ep.ring.init({ep.ring_memory.as<x::Trb>(), kRingTrbs}, ep.ring_memory.phys);
  return {};
}

// Setup, optional data, status: the status stage interrupts on completion and ends the
// wait; a data stage that errs or stalls ends it too (its event says so).
Result<u32> Controller::control(Device& device, const x::SetupPacket& setup,
                                const dma::Buffer* data) {
  if (dead()) return libk::unexpected(UsbError::Dead);
  Endpoint& ep = device.ep0;
  bool in = setup.device_to_host();
  {
    SpinLockGuard guard(lock_);
    if (ep.ring.free_slots() < 3) return libk::unexpected(UsbError::RingFull);
    (void)ep.ring.push(x::setup_stage(setup));
    if (setup.length) (void)ep.ring.push(x::data_stage(data->phys, setup.length, in));
    // The status stage runs opposite to the data (IN when there is none).
    ep.wait_trb = *ep.ring.push(x::status_stage(!(in && setup.length)));
    ep.residual = 0;
    __atomic_store_n(&ep.done, false, __ATOMIC_RELAXED);
    regs_.ring(device.slot, doorbell_for(ep));
  }
  if (!wait([&] { return __atomic_load_n(&ep.done, __ATOMIC_ACQUIRE); }, kTransferTimeoutNs)) {
    log::warn("usb: slot {}: control request {:#x} not completed in {} ms; endpoint stopped",
              device.slot, setup.request, kTransferTimeoutNs / 1'000'000);
    (void)command(x::stop_endpoint(device.slot, ep.dci));
    (void)recover_endpoint(device, ep);
    return libk::unexpected(dead() ? UsbError::Dead : UsbError::Timeout);
  }
  if (ep.completion == Completion::Success || ep.completion == Completion::ShortPacket) {
    // The residual comes from a short data stage's event (xhci_events.cpp).
    return setup.length >= ep.residual ? setup.length - ep.residual : 0;
  }
  log::debug("usb: slot {}: control request {:#x}: {}", device.slot, setup.request,
             x::completion_text(ep.completion));
  if (ep.completion == Completion::Stall ||
      x::endpoint_state(device.output(), 1) == x::kEndpointHalted)
    (void)recover_endpoint(device, ep);
  return libk::unexpected(UsbError::Transfer);
}

Result<void> Controller::queue_interrupt(Device& device, Endpoint& ep) {
  if (dead()) return libk::unexpected(UsbError::Dead);
  SpinLockGuard guard(lock_);
  if (slots_[device.slot] != &device || __atomic_load_n(&device.detaching, __ATOMIC_ACQUIRE))
    return libk::unexpected(UsbError::Dead);  // being detached: no more transfers
  if (!ep.ring.push(x::normal(ep.data.phys, ep.length)))
    return libk::unexpected(UsbError::RingFull);
  regs_.ring(device.slot, doorbell_for(ep));
  return {};
}

// §4.6.8: Reset Endpoint takes a halted endpoint to Stopped; then Set TR Dequeue Pointer
// moves it past everything queued (the failed TD included), and the ring forgets them.
Result<void> Controller::recover_endpoint(Device& device, Endpoint& ep) {
  if (x::endpoint_state(device.output(), ep.dci) == x::kEndpointHalted)
    TRY(command(x::reset_endpoint(device.slot, ep.dci)));
  u64 dequeue;
  bool cycle;
  {
    SpinLockGuard guard(lock_);
    dequeue = ep.ring.enqueue_address();
    cycle = ep.ring.cycle();
  }
  TRY(command(x::set_tr_dequeue(device.slot, ep.dci, dequeue, cycle)));
  {
    SpinLockGuard guard(lock_);
    ep.ring.drop_pending();
    ep.wait_trb = 0;
  }
  __atomic_store_n(&ep.halted, false, __ATOMIC_RELEASE);
  return {};
}

}  // namespace kernel::usb
