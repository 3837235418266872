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
  static RedirectionEntry masked() { return RedirectionEntry(1ull << 16); }
  u8 vector() const { return u8(raw_); }
  RedirectionEntry& set_vector(u8 v) {
    raw_ = (raw_ & ~0xFFull) | v;
    return *this;
  }
  u8 delivery_mode() const { return u8(raw_ >> 8 & 7); }  // 0 = fixed
  bool logical_destination() const { return bit(11); }
  bool active_low() const { return bit(13); }
  RedirectionEntry& set_active_low(bool v) { return set_bit(13, v); }
  bool remote_irr() const { return bit(14); }
  bool level_triggered() const { return bit(15); }
  RedirectionEntry& set_level_triggered(bool v) { return set_bit(15, v); }
  bool masked_bit() const { return bit(16); }
  RedirectionEntry& set_masked(bool v) { return set_bit(16, v); }
  u8 destination() const { return u8(raw_ >> 56); }  // physical mode: the APIC ID
  RedirectionEntry& set_destination(u8 apic_id) {
    raw_ = (raw_ & ~(0xFFull << 56)) | u64(apic_id) << 56;
    return *this;
  }
};

class IoApic {
 public:
  static constexpr u8 kRegisterId = 0x00;
  static constexpr u8 kRegisterVersion = 0x01;
  static constexpr u8 kRegisterRedirectionBase = 0x10;  // entry n: 0x10 + 2n (low), +1 (high)

  constexpr explicit IoApic(IoApicWindow& window) : window_(&window) {}

  u8 id() { return u8(window_->read(kRegisterId) >> 24 & 0xF); }
  u8 version() { return u8(window_->read(kRegisterVersion)); }
  // Number of redirection entries ("maximum redirection entry" + 1, bits 23:16).
  u32 entries() { return (window_->read(kRegisterVersion) >> 16 & 0xFF) + 1; }

  RedirectionEntry entry(u32 index);
  // Writes the entry with its mask bit first, so the pin is never live with a half-written
  // entry (the two 32-bit halves cannot be written at once).
  void set_entry(u32 index, RedirectionEntry entry);
  void mask_all();

 private:
  IoApicWindow* window_;
};

}  // namespace hal
