// Root ports (xHCI 1.2 §4.19): connection changes, port reset for USB 2 ports (USB 3 ports
// train their link and enable themselves), enumeration and detach of what is plugged in, and
// the slot table the interrupt handler reads.
#include "drivers/usb/device.hpp"
#include "drivers/usb/xhci.hpp"
#include "log.hpp"
#include "time.hpp"

namespace kernel::usb {

namespace {

using hal::xhci::PortStatus;

constexpr u64 kPortResetTimeoutNs = 500'000'000;
// USB 2.0 §7.1.7.3: a device may take up to 100 ms after connect to be ready for reset.
constexpr u64 kConnectDebounceNs = 100'000'000;

}  // namespace

PortStatus Controller::port_status(u8 port) {
  SpinLockGuard guard(lock_);
  return regs_.port(port);
}

// §4.19.1.1 (USB 2 ports): set PR; the port resets the device, enables itself and sets PRC.
Result<PortStatus> Controller::reset_port(u8 port) {
  {
    SpinLockGuard guard(lock_);
    PortStatus s = regs_.port(port);
    regs_.set_port(port, s.neutral().set_reset(true));
  }
  PortStatus s(0);
  if (!poll_register(
          [&] {
            s = port_status(port);
            return s.reset_change() || !s.connected();
          },
          kPortResetTimeoutNs))
    return libk::unexpected(UsbError::Timeout);
  SpinLockGuard guard(lock_);
  regs_.set_port(port, s.neutral().set_reset_change(true));
  return regs_.port(port);
}

void Controller::handle_ports() {
  tree_mutex_.assert_held();
  u64 changed[4];
  take_port_changes(changed);
  for (u32 port = 1; port <= port_count_; ++port)
    if (changed[port / 64] & (u64{1} << (port % 64))) handle_root_port(u8(port));
}

void Controller::handle_root_port(u8 port) {
  tree_mutex_.assert_held();
  PortStatus s(0);
  {
    SpinLockGuard guard(lock_);
    s = regs_.port(port);
    regs_.set_port(port, PortStatus(s.neutral().raw() | s.changes().raw()));
  }
  Device* present = root_devices_[port];
  if (present && (!s.connected() || s.connect_change())) {
    root_devices_[port] = nullptr;
    detach(present);
    log::info("usb: {}-{} unplugged; its slot and memory are released", index_, port);
  }
  if (!s.connected() || root_devices_[port]) return;
  if (!s.enabled()) {
    if (port_protocol(port) == 3) return;  // a USB 3 link still training: another change comes
    thread::sleep_until(time::now_ns() + kConnectDebounceNs);
    auto reset = reset_port(port);
    if (!reset || !reset.value().enabled()) {
      log::warn("usb: root port {}-{}: port reset {}", index_, port,
                reset ? "did not enable the port" : "timed out");
      return;
    }
    s = reset.value();
  }
  Place place{port, nullptr, 0, 0, 0, Speed(s.speed())};
  root_devices_[port] = enumerate(*this, place);
}

void Controller::publish(Device& device) {
  SpinLockGuard guard(lock_);
  slots_[device.slot] = &device;
  dcbaa_[device.slot] = device.output_context.phys;
}

// After the slot is out of the table no new event reaches the device; an interrupt handler
// that looked it up before is done once `dispatching_` drops to zero.
void Controller::unpublish(Device& device) {
  {
    SpinLockGuard guard(lock_);
    if (slots_[device.slot] == &device) slots_[device.slot] = nullptr;
  }
  while (__atomic_load_n(&dispatching_, __ATOMIC_ACQUIRE) != 0) hal::cpu::pause();
}

void Controller::forget_contexts(Device& device) {
  SpinLockGuard guard(lock_);
  dcbaa_[device.slot] = 0;
}

namespace {

void visit_tree(Device* d, void (*visit)(Device&, void*), void* context) {
  if (!d) return;
  visit(*d, context);
  for (u8 i = 0; i < d->child_count && i < 16; ++i) visit_tree(d->children[i], visit, context);
}

}  // namespace

void Controller::visit_devices_locked(void (*visit)(Device&, void*), void* context) {
  tree_mutex_.assert_held();
  for (u32 port = 1; port <= port_count_; ++port) visit_tree(root_devices_[port], visit, context);
}

void Controller::for_each_device(void (*visit)(Device& device, void* context), void* context) {
  MutexLocker tree(tree_mutex_);
  visit_devices_locked(visit, context);
}

void Controller::handle_device_work() {
  tree_mutex_.assert_held();
  visit_devices_locked(
      [](Device& d, void*) {
        if (!__atomic_exchange_n(&d.work_pending, false, __ATOMIC_ACQ_REL)) return;
        for (Endpoint* ep : d.endpoints) {
          if (!ep || !__atomic_load_n(&ep->halted, __ATOMIC_ACQUIRE)) continue;
          if (d.controller->recover_endpoint(d, *ep)) (void)d.controller->queue_interrupt(d, *ep);
        }
        if (d.driver && d.driver->work) d.driver->work(d);
      },
      nullptr);
}

}  // namespace kernel::usb
