// Bringing an xHCI controller up (xHCI 1.2 §4.2): take it from the firmware, reset it, give
// it its memory and interrupter, run it, start its thread.
#include <libk/fixed_vector.hpp>

#include "drivers/pci/msi.hpp"
#include "drivers/usb/device.hpp"
#include "drivers/usb/xhci.hpp"
#include "log.hpp"
#include "memory/heap.hpp"
#include "time.hpp"

namespace kernel::usb {

namespace {

using hal::xhci::Config;
using hal::xhci::UsbCommand;

constexpr u64 kHandoffTimeoutNs = 1'000'000'000;  // §4.22.1 gives the firmware no bound
constexpr u64 kResetTimeoutNs = 1'000'000'000;
constexpr u32 kRingTrbs = 256;                 // one 4 KiB page
constexpr u16 kModeration = 160;               // 40 us between interrupts at most
constexpr u64 kRingBoundary = 64 * libk::KiB;  // rings never cross 64 KiB (§6.5, 6.4.4.1)

constinit libk::FixedVector<Controller*, 8> all_controllers;

}  // namespace

const char* usb_error_text(UsbError e) {
  switch (e) {
    case UsbError::Timeout: return "the controller did not answer in time";
    case UsbError::Command: return "command failed";
    case UsbError::Transfer: return "transfer failed";
    case UsbError::NoMemory: return "out of memory";
    case UsbError::RingFull: return "transfer ring full";
    case UsbError::Dead: return "the controller is dead";
    case UsbError::BadDescriptor: return "bad descriptor";
    case UsbError::NoSlot: return "no free device slot";
  }
  return "?";
}

dma::Constraints Controller::dma_constraints() const {
  return {.limit = addressing_64_ ? dma::kNoLimit : dma::kLimit4G,
          .alignment = 64,
          .boundary = kRingBoundary};
}

// §4.22.1: set OS Owned and wait for the firmware to clear BIOS Owned; if it never does,
// take the controller anyway (a firmware that ignores the semaphore would otherwise keep us
// from ever using it) and say so.
bool Controller::take_from_firmware() {
  auto legacy = regs_.find_capability(hal::xhci::kLegacySupport);
  if (!legacy) return true;
  bool owned = regs_.bios_owned(*legacy);
  regs_.request_ownership(*legacy);
  if (owned && !poll_register([&] { return !regs_.bios_owned(*legacy); }, kHandoffTimeoutNs))
    log::warn("xhci{}: the firmware did not release the controller in 1 s; taking it", index_);
  regs_.disable_legacy_smis(*legacy);
  if (owned) log::info("xhci{}: taken over from the firmware", index_);
  return true;
}

// §4.2: stop, wait for Halted, reset, wait for the reset and Controller Not Ready to clear.
bool Controller::reset() {
  regs_.set_command(regs_.command().set_run(false).set_interrupter_enable(false));
  if (!poll_register([&] { return regs_.status().halted(); }, kResetTimeoutNs)) {
    log::error("xhci{}: does not halt", index_);
    return false;
  }
  regs_.set_command(UsbCommand(0).set_reset(true));
  if (!poll_register([&] { return !regs_.command().reset() && !regs_.status().not_ready(); },
                     kResetTimeoutNs)) {
    log::error("xhci{}: reset does not complete", index_);
    return false;
  }
  return true;
}

bool Controller::set_running(bool run) {
  {
    SpinLockGuard guard(lock_);
    regs_.set_command(regs_.command().set_run(run));
  }
  return poll_register([&] { return regs_.status().halted() != run; }, kResetTimeoutNs);
}

void Controller::find_protocols() {
  for (auto at = regs_.find_capability(hal::xhci::kSupportedProtocol); at;
       at = regs_.find_capability(hal::xhci::kSupportedProtocol, *at)) {
    hal::xhci::ProtocolRange r = regs_.protocol(*at);
    for (u32 p = r.first_port; p < u32(r.first_port) + r.port_count && p <= port_count_; ++p)
      port_protocol_[p] = r.major;
    log::debug("xhci{}: ports {}-{} are USB {}.{}", index_, r.first_port,
               r.first_port + r.port_count - 1, r.major, r.minor >> 4);
  }
}

bool Controller::set_up_memory() {
  dma::Constraints c = dma_constraints();
  auto dcbaa = dma::allocate(libk::kPageSize, c);
  auto commands = dma::allocate(kRingTrbs * sizeof(::usb::xhci::Trb), c);
  auto events = dma::allocate(kRingTrbs * sizeof(::usb::xhci::Trb), c);
  auto erst = dma::allocate(sizeof(::usb::xhci::SegmentTableEntry), c);
  if (!dcbaa || !commands || !events || !erst) return false;
  dcbaa_memory_ = dcbaa.value();
  command_memory_ = commands.value();
  event_memory_ = events.value();
  erst_memory_ = erst.value();
  // §4.20: the scratchpad buffers the controller asks for, one page each, listed in an
  // array that DCBAA entry 0 points to.
  scratchpad_count_ = regs_.capabilities().params2.max_scratchpad();
  if (scratchpad_count_) {
    auto array = dma::allocate(scratchpad_count_ * sizeof(u64), c);
    scratchpad_pages_ =
        static_cast<dma::Buffer*>(heap::allocate_zeroed(scratchpad_count_ * sizeof(dma::Buffer)));
    if (!array || !scratchpad_pages_) return false;
    scratchpad_array_ = array.value();
    for (u32 i = 0; i < scratchpad_count_; ++i) {
      auto page = dma::allocate(libk::kPageSize, {.limit = c.limit, .alignment = libk::kPageSize});
      if (!page) return false;
      scratchpad_pages_[i] = page.value();
      scratchpad_array_.as<u64>()[i] = page.value().phys;
    }
    dcbaa_memory_.as<u64>()[0] = scratchpad_array_.phys;
  }
  SpinLockGuard guard(lock_);
  dcbaa_ = dcbaa_memory_.as<u64>();
  command_ring_.init({command_memory_.as<::usb::xhci::Trb>(), kRingTrbs}, command_memory_.phys);
  events_.init({event_memory_.as<::usb::xhci::Trb>(), kRingTrbs}, event_memory_.phys);
  *erst_memory_.as<::usb::xhci::SegmentTableEntry>() = {event_memory_.phys, kRingTrbs, 0};
  return true;
}

// Interrupter 0 with MSI-X (or MSI); without either the thread polls the event ring.
bool Controller::set_up_interrupter() {
  auto vector = pci::enable_interrupt(pci_, interrupt_entry, this);
  interrupt_driven_ = vector.ok();
  if (!vector)
    log::warn("xhci{}: {}; polling the event ring every 10 ms", index_,
              pci::msi_error_text(vector.error()));
  else
    log::info("xhci{}: interrupter 0 on {} vector {:#x}", index_,
              pci::interrupt_mode_name(pci_.interrupt_mode), vector.value());
  regs_.set_event_ring(0, 1, erst_memory_.phys, event_memory_.phys);
  regs_.set_moderation(0, hal::xhci::InterrupterModeration(0).set_interval(kModeration));
  regs_.set_interrupter_management(
      0, hal::xhci::InterrupterManagement(0).set_pending(true).set_enable(interrupt_driven_));
  return true;
}

bool Controller::run() {
  regs_.set_config(Config(0).set_slots_enabled(max_slots_));
  regs_.set_device_contexts(dcbaa_memory_.phys);
  regs_.set_command_ring(hal::xhci::CommandRingControl(0)
                             .set_pointer(command_memory_.phys)
                             .set_ring_cycle_state(true));
  if (!set_up_interrupter()) return false;
  regs_.set_command(UsbCommand(0)
                        .set_run(true)
                        .set_interrupter_enable(interrupt_driven_)
                        .set_host_system_error_enable(true));
  if (!poll_register([&] { return !regs_.status().halted(); }, kResetTimeoutNs)) {
    log::error("xhci{}: does not start running", index_);
    return false;
  }
  return true;
}

// §4.19.4: with Port Power Control (HCCPARAMS1.PPC) ports come out of reset unpowered;
// software powers them and allows 20 ms for the power to be good (§5.4.8, PP).
void Controller::power_ports() {
  if (!regs_.capabilities().cparams1.port_power_control()) return;
  {
    SpinLockGuard guard(lock_);
    for (u8 port = 1; port <= port_count_; ++port) {
      hal::xhci::PortStatus s = regs_.port(port);
      if (!s.power()) regs_.set_port(port, s.neutral().set_power(true));
    }
  }
  thread::sleep_until(time::now_ns() + 20'000'000);
}

bool Controller::start() {
  pci::enable(pci_, true, false);
  volatile void* bar = pci::map_bar(pci_, 0);
  if (!bar) {
    log::error("xhci{}: BAR 0 is not a mappable memory BAR", index_);
    return false;
  }
  window_ = hal::xhci::MappedWindow(bar, pci_.bars[0].size);
  regs_ = hal::xhci::Registers(window_);
  hal::xhci::Capabilities caps = regs_.read_capabilities();
  max_slots_ = caps.params1.max_slots();
  port_count_ = caps.params1.max_ports();
  context_size_ = caps.cparams1.context_size_64() ? 64 : 32;
  addressing_64_ = caps.cparams1.addressing_64();
  log::info("xhci{}: version {:x}.{:02x}, {} slots, {} ports, {}-byte contexts, {}-bit DMA", index_,
            caps.version >> 8, caps.version & 0xFF, max_slots_, port_count_, context_size_,
            addressing_64_ ? 64 : 32);
  if (caps.length == 0xFF || max_slots_ == 0 || port_count_ == 0) {
    log::error("xhci{}: capability registers read as garbage; not used", index_);
    return false;
  }
  find_protocols();
  if (!take_from_firmware() || !reset()) return false;
  if (!set_up_memory()) {
    log::error("xhci{}: out of DMA memory for its rings", index_);
    return false;
  }
  if (!run()) return false;
  power_ports();
  libk::FixedString<16> name;
  libk::format_to(name.sink(), "xhci{}", index_);
  auto t = thread::create(name.view(), controller_thread, this, {.priority = 20});
  if (!t) {
    log::error("xhci{}: cannot start its thread", index_);
    return false;
  }
  thread::detach(*t.value());
  return true;
}

bool attach_xhci(pci::Device& device) {
  auto* c = new (heap::nothrow) Controller(device, u32(all_controllers.size()));
  if (!c || all_controllers.full()) {
    log::error("xhci: no room for another controller");
    delete c;
    return false;
  }
  if (!c->start()) {
    pci::disable_interrupt(device);
    return false;  // the controller's memory stays: it may still point into it
  }
  VERIFY(all_controllers.push_back(c));
  return true;
}

libk::Span<Controller*> controllers() { return {all_controllers.begin(), all_controllers.size()}; }

bool wait_settled(u64 timeout_ns) {
  u64 deadline = time::now_ns() + timeout_ns;
  for (Controller* c : controllers())
    while (!c->settled()) {
      if (time::now_ns() >= deadline) return false;
      thread::sleep_until(time::now_ns() + 1'000'000);
    }
  return true;
}

}  // namespace kernel::usb
