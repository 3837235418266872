// The I/O APIC (Intel 82093AA I/O APIC datasheet, §3): an indirect register window — write
// the register index to IOREGSEL (offset 0x00), then read or write IOWIN (offset 0x10).
// IoApic works through an IoApicWindow so the redirection-entry code runs on the host
// against a fake register file.
#pragma once

#include <hal/registers.hpp>
#include <libk/types.hpp>

namespace hal {

class IoApicWindow {
 public:
  virtual u32 read(u8 index) = 0;
  virtual void write(u8 index, u32 value) = 0;

 protected:
  ~IoApicWindow() = default;
};

// The memory-mapped window of one I/O APIC.
class MmioIoApicWindow final : public IoApicWindow {
 public:
  constexpr explicit MmioIoApicWindow(volatile void* base) : base_(base) {}
  u32 read(u8 index) override;
  void write(u8 index, u32 value) override;

 private:
  volatile void* base_;
};

// A redirection table entry — 82093AA datasheet §3.2.4, Figure 8 (64 bits).
class RedirectionEntry : public detail::BitRegister<RedirectionEntry> {
 public:
  using BitRegister::BitRegister;
  HAL_FIELD(u8, 7, 0, vector);
  HAL_FIELD(u8, 10, 8, delivery_mode);  // 0 = fixed
  HAL_BIT(11, logical_destination);
  HAL_BIT(12, send_pending);  // delivery status (read-only)
  HAL_BIT(13, active_low);
  HAL_BIT(14, remote_irr);  // read-only
  HAL_BIT(15, level_triggered);
  HAL_BIT(16, masked);
  HAL_FIELD(u8, 63, 56, destination);  // physical mode: the APIC ID
};

// The I/O APIC identification register — 82093AA datasheet §3.2.1.
class IoApicId : public detail::BitRegister<IoApicId> {
 public:
  using BitRegister::BitRegister;
  HAL_FIELD(u8, 27, 24, id);
};

// The I/O APIC version register — 82093AA datasheet §3.2.2.
class IoApicVersion : public detail::BitRegister<IoApicVersion> {
 public:
  using BitRegister::BitRegister;
  HAL_FIELD(u8, 7, 0, version);
  HAL_FIELD(u8, 23, 16, max_redirection_entry);  // the number of inputs minus 1
};

class IoApic {
 public:
  static constexpr u8 kRegisterId = 0x00;
  static constexpr u8 kRegisterVersion = 0x01;
  static constexpr u8 kRegisterRedirectionBase = 0x10;  // entry n: 0x10 + 2n (low), +1 (high)

  constexpr explicit IoApic(IoApicWindow& window) : window_(&window) {}

  u8 id() { return IoApicId(window_->read(kRegisterId)).id(); }
  u8 version() { return version_register().version(); }
  // Number of redirection entries (the maximum redirection entry + 1).
  u32 entries() { return version_register().max_redirection_entry() + 1u; }

  RedirectionEntry entry(u32 index);
  // Writes the entry with its mask bit first, so the pin is never live with a half-written
  // entry (the two 32-bit halves cannot be written at once).
  void set_entry(u32 index, RedirectionEntry entry);
  void mask_all();

 private:
  IoApicVersion version_register() { return IoApicVersion(window_->read(kRegisterVersion)); }

  IoApicWindow* window_;
};

}  // namespace hal
