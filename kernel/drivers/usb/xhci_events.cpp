// The event ring and the waits on it (xHCI 1.2 §4.9.4, §4.17): the interrupt handler drains
// events under the lock, then dispatches them without it: command and control-transfer
// completions wake the waiting thread, interrupt-IN data goes to the device's driver, port
// changes wake the controller thread.
#include "drivers/usb/device.hpp"
#include "drivers/usb/xhci.hpp"
#include "log.hpp"
#include "time.hpp"

namespace kernel::usb {

namespace {

using ::usb::xhci::Event;
using ::usb::xhci::TrbType;

constexpr usize kEventBatch = 32;
constexpr u64 kPollNs = 10'000'000;

bool done_flag(const bool& flag) { return __atomic_load_n(&flag, __ATOMIC_ACQUIRE); }

}  // namespace

void Controller::interrupt_entry(void* self) {
  auto* c = static_cast<Controller*>(self);
  __atomic_fetch_add(&c->interrupts_, 1, __ATOMIC_RELAXED);
  c->on_interrupt();
}

// §4.17.2: clear IMAN.IP (write one), consume, then write ERDP with EHB to say the handler
// is done.
usize Controller::drain_locked(Event* out, usize capacity) {
  lock_.assert_held();
  regs_.set_interrupter_management(
      0, hal::xhci::InterrupterManagement(0).set_pending(true).set_enable(interrupt_driven_));
  regs_.clear_status(hal::xhci::UsbStatus(0).set_event_interrupt(true));
  usize n = 0;
  while (n < capacity) {
    auto trb = events_.pop();
    if (!trb) break;
    out[n++] = ::usb::xhci::decode_event(*trb);
  }
  regs_.set_event_dequeue(
      0, hal::xhci::EventDequeue(0).set_pointer(events_.dequeue_address()).set_handler_busy(true));
  return n;
}

void Controller::on_interrupt() {
  if (dead()) return;
  __atomic_store_n(&drain_tsc_, hal::cpu::rdtsc(), __ATOMIC_RELAXED);
  for (;;) {
    Event batch[kEventBatch];
    usize n;
    {
      SpinLockGuard guard(lock_);
      n = drain_locked(batch, kEventBatch);
      __atomic_fetch_add(&dispatching_, 1, __ATOMIC_ACQUIRE);
    }
    for (usize i = 0; i < n; ++i) dispatch(batch[i]);
    __atomic_fetch_sub(&dispatching_, 1, __ATOMIC_RELEASE);
    if (n < kEventBatch) break;
  }
  check_health();
}

void Controller::dispatch(const Event& e) {
  switch (e.type) {
    case TrbType::CommandCompletion: complete_command(e); break;
    case TrbType::TransferEvent: complete_transfer(e); break;
    case TrbType::PortStatusChange: note_port_change(e.port); break;
    default: break;  // bandwidth requests, MFINDEX wraps, device notifications: not used
  }
}

void Controller::complete_command(const Event& e) {
  bool wake = false;
  {
    SpinLockGuard guard(lock_);
    if (!command_ring_.retire(e.trb)) return;  // a foreign or stale pointer: ignored
    if (e.trb == command_trb_) {
      command_code_ = e.completion;
      command_slot_ = e.slot;
      command_parameter_ = e.length;
      command_trb_ = 0;
      __atomic_store_n(&command_done_, true, __ATOMIC_RELEASE);
      wake = true;
    }
  }
  if (wake) completions_.wake_all();
}

void Controller::complete_transfer(const Event& e) {
  Device* device = nullptr;
  Endpoint* ep = nullptr;
  bool wake = false, data = false;
  {
    SpinLockGuard guard(lock_);
    device = slots_[e.slot];
    if (!device || e.endpoint == 0) return;
    ep = e.endpoint == 1 ? &device->ep0 : device->endpoints[e.endpoint];
    if (!ep || e.event_data || !ep->ring.retire(e.trb)) return;
    bool failed = e.completion != Completion::Success && e.completion != Completion::ShortPacket;
    // A short data stage reports its residual on its own event, before the status stage.
    if (ep->wait_trb && e.completion == Completion::ShortPacket) ep->residual = e.length;
    if (ep->wait_trb && (e.trb == ep->wait_trb || failed)) {
      ep->completion = e.completion;
      ep->wait_trb = 0;
      __atomic_store_n(&ep->done, true, __ATOMIC_RELEASE);
      wake = true;
    } else if (ep->on_data) {
      data = !failed;
      ep->halted = failed;
    }
  }
  if (wake) completions_.wake_all();
  if (data) {
    u32 got = ep->length > e.length ? ep->length - e.length : 0;
    ep->on_data(*device, {ep->data.as<u8>(), got});
    (void)queue_interrupt(*device, *ep);
  } else if (ep->halted) {
    request_device_work(*device);
  }
}

void Controller::note_port_change(u8 port) {
  if (port == 0 || port > port_count_) return;
  {
    SpinLockGuard guard(lock_);
    port_changes_[port / 64] |= u64{1} << (port % 64);
  }
  request_work();
}

void Controller::request_work() {
  __atomic_store_n(&work_, true, __ATOMIC_RELEASE);
  work_queue_.wake_all();
}

// A host system error or a controller that reads all ones (surprise removal, a dead PCI
// link) is fatal: the controller is marked dead, waits end at once, and it is left alone.
void Controller::check_health() {
  hal::xhci::UsbStatus s = regs_.status();
  if (s.raw() == 0xFFFF'FFFF) return declare_dead("reads all ones (removed?)");
  if (s.host_system_error()) return declare_dead("host system error");
  if (s.controller_error()) return declare_dead("host controller error");
}

void Controller::declare_dead(const char* why) {
  if (__atomic_exchange_n(&dead_, true, __ATOMIC_ACQ_REL)) return;
  log::error("xhci{}: {}; the controller is stopped and its devices are gone", index_, why);
  completions_.wake_all();
  work_queue_.wake_all();
}

Result<u32> Controller::command(::usb::xhci::Trb trb, u8* slot_out) {
  if (dead()) return libk::unexpected(UsbError::Dead);
  MutexLocker serial(command_mutex_);
  {
    SpinLockGuard guard(lock_);
    auto at = command_ring_.push(trb);
    if (!at) return libk::unexpected(UsbError::RingFull);
    command_trb_ = *at;
    __atomic_store_n(&command_done_, false, __ATOMIC_RELAXED);
    regs_.ring(0, hal::xhci::Doorbell(0));
  }
  if (!wait([&] { return done_flag(command_done_); }, kCommandTimeoutNs)) {
    log::error("xhci{}: command {} not completed in {} ms", index_,
               u32(::usb::xhci::Control(trb.control).type()), kCommandTimeoutNs / 1'000'000);
    // §4.6.1.2: abort the command ring so the next command can run; if even that hangs, the
    // controller is gone. A ring that is not running (a stopped controller) has nothing to
    // abort, and must not be written: with CRR clear a CRCR write sets the ring's dequeue
    // pointer and cycle state (§5.4.5), here to 0. The command stays queued and runs when
    // the controller does; its late completion is retired and otherwise ignored.
    if (regs_.command_ring().running()) {
      regs_.set_command_ring(hal::xhci::CommandRingControl(0).set_command_abort(true));
      if (!poll_register([&] { return !regs_.command_ring().running(); }, kCommandTimeoutNs))
        declare_dead("the command ring cannot be aborted");
    }
    return libk::unexpected(dead() ? UsbError::Dead : UsbError::Timeout);
  }
  if (slot_out) *slot_out = command_slot_;
  if (command_code_ != Completion::Success) {
    log::debug("xhci{}: command {} failed: {}", index_,
               u32(::usb::xhci::Control(trb.control).type()),
               ::usb::xhci::completion_text(command_code_));
    return libk::unexpected(command_code_ == Completion::NoSlots ? UsbError::NoSlot
                                                                 : UsbError::Command);
  }
  return command_parameter_;
}

void controller_thread(void* self) { static_cast<Controller*>(self)->thread_loop(); }

void Controller::take_port_changes(u64 (&out)[4]) {
  SpinLockGuard guard(lock_);
  for (usize i = 0; i < 4; ++i) {
    out[i] = port_changes_[i];
    port_changes_[i] = 0;
  }
}

void Controller::thread_loop() {
  {
    SpinLockGuard guard(lock_);  // every port once, for what was plugged in before boot
    for (u8 p = 1; p <= port_count_; ++p) port_changes_[p / 64] |= u64{1} << (p % 64);
  }
  for (;;) {
    if (dead()) {
      __atomic_store_n(&settled_, true, __ATOMIC_RELEASE);
      return;
    }
    __atomic_store_n(&work_, false, __ATOMIC_RELEASE);
    __atomic_fetch_add(&wakeups_, 1, __ATOMIC_RELAXED);
    {
      MutexLocker tree(tree_mutex_);
      handle_ports();
      handle_device_work();
    }
    __atomic_store_n(&settled_, true, __ATOMIC_RELEASE);
    if (interrupt_driven_) {
      work_queue_.wait_until([&] { return __atomic_load_n(&work_, __ATOMIC_ACQUIRE) || dead(); });
    } else {
      thread::sleep_until(time::now_ns() + kPollNs);
      on_interrupt();
    }
  }
}

}  // namespace kernel::usb
