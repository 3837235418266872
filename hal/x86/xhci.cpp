// xHCI register access (hal/xhci.hpp). Portable: host tests run it on a fake window.
#include <hal/mmio.hpp>
#include <hal/xhci.hpp>

namespace hal::xhci {

namespace {

// Operational register offsets — §5.4, Table 5-18.
constexpr u32 kUsbCommand = 0x00, kUsbStatus = 0x04, kPageSize = 0x08, kCommandRing = 0x18,
              kDcbaap = 0x30, kConfig = 0x38, kPorts = 0x400, kPortStride = 0x10;
// Interrupter register set offsets — §5.5.2, Table 5-37.
constexpr u32 kIman = 0x00, kImod = 0x04, kErstsz = 0x08, kErstba = 0x10, kErdp = 0x18;
constexpr u32 kMaxCapabilities = 256;

}  // namespace

u32 MappedWindow::read32(u32 offset) {
  if (u64(offset) + 4 > size_) return ~u32{0};
  return mmio::read32(base_, offset);
}

void MappedWindow::write32(u32 offset, u32 value) {
  if (u64(offset) + 4 > size_) return;
  mmio::write32(base_, offset, value);
}

// §5.3, Table 5-9: CAPLENGTH (byte 0) and HCIVERSION (bytes 2-3) share the first dword.
Capabilities Registers::read_capabilities() {
  u32 first = window_->read32(0x00);
  caps_.length = u8(first);
  caps_.version = u16(first >> 16);
  caps_.params1 = HcsParams1(window_->read32(0x04));
  caps_.params2 = HcsParams2(window_->read32(0x08));
  caps_.cparams1 = HccParams1(window_->read32(0x10));
  caps_.doorbell_offset = window_->read32(0x14) & ~u32{3};
  caps_.runtime_offset = window_->read32(0x18) & ~u32{0x1F};
  return caps_;
}

void Registers::write64(u32 offset, u64 value) {
  window_->write32(offset, u32(value));
  window_->write32(offset + 4, u32(value >> 32));
}

UsbCommand Registers::command() { return UsbCommand(window_->read32(op(kUsbCommand))); }
void Registers::set_command(UsbCommand c) { window_->write32(op(kUsbCommand), u32(c.raw())); }
UsbStatus Registers::status() { return UsbStatus(window_->read32(op(kUsbStatus))); }
void Registers::clear_status(UsbStatus bits) { window_->write32(op(kUsbStatus), u32(bits.raw())); }
u32 Registers::page_size() { return window_->read32(op(kPageSize)) & 0xFFFF; }
void Registers::set_config(Config c) { window_->write32(op(kConfig), u32(c.raw())); }

CommandRingControl Registers::command_ring() {
  u64 low = window_->read32(op(kCommandRing));
  u64 high = window_->read32(op(kCommandRing) + 4);
  return CommandRingControl(low | high << 32);
}

void Registers::set_command_ring(CommandRingControl c) { write64(op(kCommandRing), c.raw()); }
void Registers::set_device_contexts(u64 dcbaa) { write64(op(kDcbaap), dcbaa); }

PortStatus Registers::port(u8 port) {
  return PortStatus(window_->read32(op(kPorts + kPortStride * (u32(port) - 1))));
}

void Registers::set_port(u8 port, PortStatus value) {
  window_->write32(op(kPorts + kPortStride * (u32(port) - 1)), u32(value.raw()));
}

InterrupterManagement Registers::interrupter_management(u16 i) {
  return InterrupterManagement(window_->read32(runtime(i, kIman)));
}

void Registers::set_interrupter_management(u16 i, InterrupterManagement value) {
  window_->write32(runtime(i, kIman), u32(value.raw()));
}

void Registers::set_moderation(u16 i, InterrupterModeration value) {
  window_->write32(runtime(i, kImod), u32(value.raw()));
}

// §4.9.4: ERSTSZ, then ERDP, then ERSTBA last (writing ERSTBA starts the event ring).
void Registers::set_event_ring(u16 i, u32 segments, u64 table, u64 dequeue) {
  window_->write32(runtime(i, kErstsz), segments & 0xFFFF);
  write64(runtime(i, kErdp), EventDequeue(0).set_pointer(dequeue).raw());
  write64(runtime(i, kErstba), table);
}

void Registers::set_event_dequeue(u16 i, EventDequeue value) {
  write64(runtime(i, kErdp), value.raw());
}

void Registers::ring(u8 slot, Doorbell value) {
  window_->write32(caps_.doorbell_offset + 4 * u32(slot), u32(value.raw()));
}

libk::Optional<u32> Registers::find_capability(u8 id, u32 after) {
  u32 offset = u32(caps_.cparams1.extended_capabilities()) * 4;
  if (offset == 0) return libk::nullopt;
  for (u32 n = 0; n < kMaxCapabilities; ++n) {
    u32 raw = window_->read32(offset);
    if (raw == ~u32{0}) return libk::nullopt;  // past the window (or a dead controller)
    ExtendedCapability cap(raw);
    if (cap.id() == id && offset > after) return offset;
    if (cap.next() == 0) return libk::nullopt;
    offset += u32(cap.next()) * 4;
  }
  return libk::nullopt;
}

ProtocolRange Registers::protocol(u32 offset) {
  ProtocolHeader h(read_capability(offset, 0));
  ProtocolPorts p(read_capability(offset, 2));
  return {h.major(), h.minor(), p.first_port(), p.port_count()};
}

void Registers::request_ownership(u32 offset) {
  LegacySupport l(read_capability(offset, 0));
  write_capability(offset, 0, u32(l.set_os_owned(true).raw()));
}

bool Registers::bios_owned(u32 offset) {
  return LegacySupport(read_capability(offset, 0)).bios_owned();
}

void Registers::disable_legacy_smis(u32 offset) {
  LegacyControl c(read_capability(offset, 1));
  c.set_usb_smi_enable(false)
      .set_host_system_error_smi_enable(false)
      .set_os_ownership_smi_enable(false)
      .set_pci_command_smi_enable(false)
      .set_bar_smi_enable(false)
      .set_os_ownership_change(true)
      .set_pci_command_change(true)
      .set_bar_change(true);
  write_capability(offset, 1, u32(c.raw()));
}

}  // namespace hal::xhci
