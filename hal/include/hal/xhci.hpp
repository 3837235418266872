// xHCI controller registers (eXtensible Host Controller Interface 1.2, chapter 5 and §7):
// capability, operational, port, runtime (interrupter) and doorbell registers, and the
// extended capabilities Ember uses (USB Legacy Support for the BIOS hand-off, Supported
// Protocol for which ports are USB 2 and which USB 3). Every access is 32 bits wide (64-bit
// registers are written low dword first, §5.1); registers go through an MmioWindow so host
// tests drive the logic against a fake register file.
//
// Context: the driver serialises access (kernel/drivers/usb holds its controller's lock).
#pragma once

#include <hal/bit_register.hpp>
#include <libk/optional.hpp>

namespace hal::xhci {

// Reads and writes 32-bit registers at byte offsets from the controller's BAR 0.
class MmioWindow {
 public:
  virtual u32 read32(u32 offset) = 0;
  virtual void write32(u32 offset, u32 value) = 0;

 protected:
  ~MmioWindow() = default;
};

class MappedWindow final : public MmioWindow {
 public:
  constexpr MappedWindow() = default;
  constexpr MappedWindow(volatile void* base, u64 size) : base_(base), size_(size) {}
  u32 read32(u32 offset) override;
  void write32(u32 offset, u32 value) override;

 private:
  volatile void* base_ = nullptr;
  u64 size_ = 0;
};

// ---- Capability registers — §5.3 ----

// HCSPARAMS1 — §5.3.3, Figure 5-3.
class HcsParams1 : public detail::BitRegister<HcsParams1> {
 public:
  using BitRegister::BitRegister;
  HAL_FIELD(u8, 7, 0, max_slots);
  HAL_FIELD(u16, 18, 8, max_interrupters);
  HAL_FIELD(u8, 31, 24, max_ports);
};

// HCSPARAMS2 — §5.3.4, Figure 5-4.
class HcsParams2 : public detail::BitRegister<HcsParams2> {
 public:
  using BitRegister::BitRegister;
  HAL_FIELD(u8, 7, 4, erst_max);  // the ERST holds up to 2^erst_max entries
  HAL_FIELD(u8, 25, 21, max_scratchpad_high);
  HAL_BIT(26, scratchpad_restore);
  HAL_FIELD(u8, 31, 27, max_scratchpad_low);
  u32 max_scratchpad() const { return u32(max_scratchpad_high()) << 5 | max_scratchpad_low(); }
};

// HCCPARAMS1 — §5.3.6, Figure 5-6.
class HccParams1 : public detail::BitRegister<HccParams1> {
 public:
  using BitRegister::BitRegister;
  HAL_BIT(0, addressing_64);
  HAL_BIT(2, context_size_64);
  HAL_BIT(3, port_power_control);
  HAL_FIELD(u16, 31, 16, extended_capabilities);  // in dwords from the base; 0: none
};

// ---- Operational registers — §5.4 ----

// USBCMD — §5.4.1, Figure 5-20.
class UsbCommand : public detail::BitRegister<UsbCommand> {
 public:
  using BitRegister::BitRegister;
  HAL_BIT(0, run);
  HAL_BIT(1, reset);
  HAL_BIT(2, interrupter_enable);
  HAL_BIT(3, host_system_error_enable);
};

// USBSTS — §5.4.2, Figure 5-21. HSE, EINT, PCD, SRE are write-one-to-clear.
class UsbStatus : public detail::BitRegister<UsbStatus> {
 public:
  using BitRegister::BitRegister;
  HAL_BIT(0, halted);
  HAL_BIT(2, host_system_error);
  HAL_BIT(3, event_interrupt);
  HAL_BIT(4, port_change);
  HAL_BIT(10, save_restore_error);
  HAL_BIT(11, not_ready);
  HAL_BIT(12, controller_error);
};

// CRCR — §5.4.5, Figure 5-24.
class CommandRingControl : public detail::BitRegister<CommandRingControl> {
 public:
  using BitRegister::BitRegister;
  HAL_BIT(0, ring_cycle_state);
  HAL_BIT(1, command_stop);
  HAL_BIT(2, command_abort);
  HAL_BIT(3, running);
  HAL_ADDRESS(63, 6, pointer);
};

// CONFIG — §5.4.7, Figure 5-26.
class Config : public detail::BitRegister<Config> {
 public:
  using BitRegister::BitRegister;
  HAL_FIELD(u8, 7, 0, slots_enabled);
};

// PORTSC — §5.4.8, Figure 5-27. PED and the change bits 17-23 are write-one-to-clear;
// neutral() gives a value that writes nothing by accident (xHCI 1.2 §4.19.2 and Table 5-27:
// the read-only and write-preserve bits as read, everything else 0).
class PortStatus : public detail::BitRegister<PortStatus> {
 public:
  using BitRegister::BitRegister;
  HAL_BIT(0, connected);
  HAL_BIT(1, enabled);
  HAL_BIT(3, over_current);
  HAL_BIT(4, reset);
  HAL_FIELD(u8, 8, 5, link_state);
  HAL_BIT(9, power);
  HAL_FIELD(u8, 13, 10, speed);
  HAL_FIELD(u8, 15, 14, indicator);
  HAL_BIT(16, link_state_write);
  HAL_BIT(17, connect_change);
  HAL_BIT(18, enable_change);
  HAL_BIT(19, warm_reset_change);
  HAL_BIT(20, over_current_change);
  HAL_BIT(21, reset_change);
  HAL_BIT(22, link_state_change);
  HAL_BIT(23, config_error_change);
  HAL_BIT(25, wake_on_connect);
  HAL_BIT(26, wake_on_disconnect);
  HAL_BIT(27, wake_on_over_current);
  HAL_BIT(30, device_removable);
  HAL_BIT(31, warm_reset);

  // What to write back to change nothing: power, indicator and wake enables kept, the
  // write-one-to-clear bits and the action bits (reset, warm reset, link state write) zero.
  PortStatus neutral() const {
    return PortStatus(0)
        .set_power(power())
        .set_indicator(indicator())
        .set_wake_on_connect(wake_on_connect())
        .set_wake_on_disconnect(wake_on_disconnect())
        .set_wake_on_over_current(wake_on_over_current());
  }
  // Change bits that are set (to clear them by writing them back).
  PortStatus changes() const { return PortStatus(raw() & mask(23, 17)); }
};

// ---- Runtime registers — §5.5 ----

// IMAN — §5.5.2.1, Figure 5-38. IP is write-one-to-clear.
class InterrupterManagement : public detail::BitRegister<InterrupterManagement> {
 public:
  using BitRegister::BitRegister;
  HAL_BIT(0, pending);
  HAL_BIT(1, enable);
};

// IMOD — §5.5.2.2, Figure 5-39: the minimum interval between interrupts, in 250 ns units.
class InterrupterModeration : public detail::BitRegister<InterrupterModeration> {
 public:
  using BitRegister::BitRegister;
  HAL_FIELD(u16, 15, 0, interval);
};

// ERDP — §5.5.2.3.3, Figure 5-43. EHB is write-one-to-clear.
class EventDequeue : public detail::BitRegister<EventDequeue> {
 public:
  using BitRegister::BitRegister;
  HAL_FIELD(u8, 2, 0, segment_index);
  HAL_BIT(3, handler_busy);
  HAL_ADDRESS(63, 4, pointer);
};

// A doorbell — §5.6, Figure 5-45.
class Doorbell : public detail::BitRegister<Doorbell> {
 public:
  using BitRegister::BitRegister;
  HAL_FIELD(u8, 7, 0, target);  // 0 command ring (doorbell 0); else the endpoint's DCI
  HAL_FIELD(u16, 31, 16, stream);
};

// ---- Extended capabilities — §7 ----

// The header every extended capability starts with — §7, Figure 7-1.
class ExtendedCapability : public detail::BitRegister<ExtendedCapability> {
 public:
  using BitRegister::BitRegister;
  HAL_FIELD(u8, 7, 0, id);
  HAL_FIELD(u8, 15, 8, next);  // in dwords; 0: the last
};
inline constexpr u8 kLegacySupport = 1;
inline constexpr u8 kSupportedProtocol = 2;

// USBLEGSUP — §7.1.1, Figure 7-2.
class LegacySupport : public detail::BitRegister<LegacySupport> {
 public:
  using BitRegister::BitRegister;
  HAL_BIT(16, bios_owned);
  HAL_BIT(24, os_owned);
};

// USBLEGCTLSTS — §7.1.2, Figure 7-3: the SMI enables (0, 4, 13-15) and the SMI-on-event
// status bits (29-31, write-one-to-clear).
class LegacyControl : public detail::BitRegister<LegacyControl> {
 public:
  using BitRegister::BitRegister;
  HAL_BIT(0, usb_smi_enable);
  HAL_BIT(4, host_system_error_smi_enable);
  HAL_BIT(13, os_ownership_smi_enable);
  HAL_BIT(14, pci_command_smi_enable);
  HAL_BIT(15, bar_smi_enable);
  HAL_BIT(29, os_ownership_change);
  HAL_BIT(30, pci_command_change);
  HAL_BIT(31, bar_change);
};

// Supported Protocol dwords 0 and 2 — §7.2, Figures 7-9 and 7-11.
class ProtocolHeader : public detail::BitRegister<ProtocolHeader> {
 public:
  using BitRegister::BitRegister;
  HAL_FIELD(u8, 23, 16, minor);
  HAL_FIELD(u8, 31, 24, major);
};
class ProtocolPorts : public detail::BitRegister<ProtocolPorts> {
 public:
  using BitRegister::BitRegister;
  HAL_FIELD(u8, 7, 0, first_port);  // 1-based
  HAL_FIELD(u8, 15, 8, port_count);
};

// ---- The controller's register file ----

struct Capabilities {
  u8 length;  // CAPLENGTH: where the operational registers start
  u16 version;
  HcsParams1 params1{0};
  HcsParams2 params2{0};
  HccParams1 cparams1{0};
  u32 doorbell_offset;
  u32 runtime_offset;
};

// The ports one Supported Protocol capability describes.
struct ProtocolRange {
  u8 major;  // 2 or 3
  u8 minor;
  u8 first_port;
  u8 port_count;
};

class Registers {
 public:
  constexpr Registers() = default;
  explicit Registers(MmioWindow& window) : window_(&window) {}

  // Reads the capability registers. Call once before the others.
  Capabilities read_capabilities();
  const Capabilities& capabilities() const { return caps_; }

  UsbCommand command();
  void set_command(UsbCommand c);
  UsbStatus status();
  void clear_status(UsbStatus bits);  // writes the write-one-to-clear bits given
  u32 page_size();                    // PAGESIZE bit n set: 2^(n+12) bytes pages
  void set_config(Config c);
  CommandRingControl command_ring();
  void set_command_ring(CommandRingControl c);
  void set_device_contexts(u64 dcbaa);

  PortStatus port(u8 port);  // 1-based
  void set_port(u8 port, PortStatus value);

  InterrupterManagement interrupter_management(u16 interrupter);
  void set_interrupter_management(u16 interrupter, InterrupterManagement value);
  void set_moderation(u16 interrupter, InterrupterModeration value);
  void set_event_ring(u16 interrupter, u32 segments, u64 table, u64 dequeue);
  void set_event_dequeue(u16 interrupter, EventDequeue value);

  void ring(u8 slot, Doorbell value);

  // Extended capabilities: the offset of the first with `id` after `after` (0: from the
  // start), or nullopt. The walk stops at 256 capabilities or a pointer past the window.
  libk::Optional<u32> find_capability(u8 id, u32 after = 0);
  u32 read_capability(u32 offset, u32 dword) { return window_->read32(offset + 4 * dword); }
  void write_capability(u32 offset, u32 dword, u32 value) {
    window_->write32(offset + 4 * dword, value);
  }
  // A Supported Protocol capability's port range.
  ProtocolRange protocol(u32 offset);

  // The BIOS hand-off (§4.22.1) through the USB Legacy Support capability at `offset`: set
  // the OS-owned semaphore; the firmware then clears its own, which bios_owned() shows; then
  // turn the firmware's SMIs off and clear their status.
  void request_ownership(u32 offset);
  bool bios_owned(u32 offset);
  void disable_legacy_smis(u32 offset);

 private:
  u32 op(u32 offset) const { return caps_.length + offset; }
  u32 runtime(u16 interrupter, u32 offset) const {
    return caps_.runtime_offset + 0x20 + 32 * u32(interrupter) + offset;
  }
  void write64(u32 offset, u64 value);

  MmioWindow* window_ = nullptr;
  Capabilities caps_{};
};

}  // namespace hal::xhci
