// PCI enumeration and configuration access (pci.hpp).
#include "drivers/pci/pci.hpp"

#include <hal/mmio.hpp>
#include <hal/pci.hpp>

#include "acpi.hpp"
#include "drivers/pci/pci_access.hpp"
#include "drivers/pci/pci_log.hpp"
#include "log.hpp"
#include "sync/spinlock.hpp"

namespace kernel::pci {

namespace detail {
constinit SpinLock config_lock{"pci config", lock_rank::kDevice};
constinit hal::pci::ConfigAccess* access GUARDED_BY(config_lock) = nullptr;
}  // namespace detail

namespace {

using libk::pci::Bar;
using libk::pci::BarKind;
using libk::pci::HeaderKind;

using detail::access;
using detail::config_lock;

constinit hal::pci::PortConfigAccess port_access;
constinit hal::pci::EcamConfigAccess ecam_access;
constinit const char* mechanism_name = nullptr;
constinit bool using_ecam = false;

// Written by init() (boot sequence, before anything reads them), then read-only.
constinit Device device_table[kMaxDevices];
constinit usize device_count = 0;
constinit u64 skipped_functions = 0;

// Configuration space of the function being added (init only, one thread).
constinit u8 scratch[libk::pci::kExtendedConfigSize];

// Maps each MCFG window; false if none could be mapped.
bool set_up_ecam() {
  const libk::acpi::Mcfg* mcfg = acpi::mcfg();
  if (!mcfg) return false;
  for (const libk::acpi::McfgEntry& e : mcfg->entries) {
    u64 start = e.function_address(e.start_bus, 0, 0);
    volatile void* window = hal::mmio::map(start, e.window_bytes());
    if (!window) {
      log::warn("pci: cannot map the ECAM window of segment {} at {:#x}; skipped", e.segment,
                start);
      continue;
    }
    VERIFY(ecam_access.add_window(e, window));
  }
  return !ecam_access.empty();
}

// Mapping the windows may allocate page tables: done before the lock is taken.
void choose_mechanism() {
  using_ecam = set_up_ecam();
  SpinLockGuard guard(config_lock);
  if (using_ecam) {
    access = &ecam_access;
    mechanism_name = "ECAM";
  } else if (hal::pci::PortConfigAccess::present()) {
    access = &port_access;
    mechanism_name = "ports";
  }
}

usize snapshot_locked(Address a, libk::MutableBytes out) REQUIRES(config_lock) {
  config_lock.assert_held();
  if ((access->read32(a, 0) & 0xFFFF) == libk::pci::kNoVendor) return 0;
  usize n = libk::min<usize>(out.size(), access->size()) & ~usize{3};
  for (usize off = 0; off < n; off += 4) {
    u32 v = access->read32(a, u16(off));
    __builtin_memcpy(out.data() + off, &v, 4);
  }
  return n;
}

void probe_bars(Device& d) {
  SpinLockGuard guard(config_lock);
  for (u8 i = 0; i < d.header.bar_count; ++i) {
    libk::pci::BarProbe probe = hal::pci::probe_bar(*access, d.address, i);
    d.bars[i] = libk::pci::decode_bar(probe);
    if (d.bars[i].kind == BarKind::Memory64) ++i;  // the next slot is its upper half
  }
}

void parse_interrupt_capabilities(Device& d, libk::Bytes config) {
  if (auto off = d.capabilities.find(libk::pci::cap::kMsi)) {
    auto msi = libk::pci::parse_msi(config, *off);
    if (msi) d.msi = msi.value();
  }
  if (auto off = d.capabilities.find(libk::pci::cap::kMsix)) {
    auto msix = libk::pci::parse_msix(config, *off);
    if (msix && libk::pci::msix_fits(msix.value(), d.bars))
      d.msix = msix.value();
    else
      log::warn("pci: {}: MSI-X capability does not fit its BARs; not used", d.address);
  }
}

// Records the function at `a`; returns its header, or nullopt if nothing answers there.
libk::Optional<libk::pci::Header> add_function(Address a) {
  usize n;
  {
    SpinLockGuard guard(config_lock);
    n = snapshot_locked(a, scratch);
  }
  libk::Bytes config(scratch, n);
  auto header = libk::pci::parse_header(config);
  if (!header) {
    if (n) log::warn("pci: {}: {}; skipped", a, libk::pci::config_error_text(header.error()));
    return libk::nullopt;
  }
  if (device_count == kMaxDevices) {
    ++skipped_functions;
    return header.value();
  }
  Device& d = device_table[device_count++];
  d.address = a;
  d.header = header.value();
  d.capabilities = libk::pci::parse_capabilities(config);
  probe_bars(d);
  parse_interrupt_capabilities(d, config);
  log_function(d);
  return header.value();
}

struct BusSet {
  u64 words[4] = {};
  // False if `bus` was already in the set.
  bool insert(u8 bus) {
    u64 bit = u64{1} << (bus % 64);
    if (words[bus / 64] & bit) return false;
    words[bus / 64] |= bit;
    return true;
  }
};

void scan_bus(u16 segment, u8 bus, BusSet& seen);

void scan_function(Address a, BusSet& seen) {
  auto header = add_function(a);
  if (!header || header->kind != HeaderKind::Bridge) return;
  // A bridge whose secondary bus is not below it (firmware that did not number the buses, or
  // a corrupt header) would send the scan around in circles: the bus set stops it.
  if (header->secondary_bus > a.bus) scan_bus(a.segment, header->secondary_bus, seen);
}

void scan_bus(u16 segment, u8 bus, BusSet& seen) {
  if (!seen.insert(bus)) return;
  for (u8 dev = 0; dev < 32; ++dev) {
    Address a{segment, bus, dev, 0};
    if (read16(a, libk::pci::offset::kVendorId) == libk::pci::kNoVendor) continue;
    bool multi = libk::pci::is_multifunction(read8(a, libk::pci::offset::kHeaderType));
    for (u8 fn = 0; fn < (multi ? 8 : 1); ++fn) {
      a.function = fn;
      if (read16(a, libk::pci::offset::kVendorId) != libk::pci::kNoVendor) scan_function(a, seen);
    }
  }
}

// Root buses: each MCFG window's first bus; with ports, bus 0 and, when the host bridge at
// 00:00.0 is multi-function, one more root bus per function (PCI 3.0 §3.2.2.3.2, the
// convention for several host bridges).
void scan_roots() {
  BusSet seen;
  if (const libk::acpi::Mcfg* mcfg = acpi::mcfg(); mcfg && using_ecam) {
    for (const libk::acpi::McfgEntry& e : mcfg->entries)
      if (ecam_access.reaches({e.segment, e.start_bus, 0, 0}))
        scan_bus(e.segment, e.start_bus, seen);
    return;
  }
  scan_bus(0, 0, seen);
  if (libk::pci::is_multifunction(read8({0, 0, 0, 0}, libk::pci::offset::kHeaderType)))
    for (u8 fn = 1; fn < 8; ++fn)
      if (read16({0, 0, 0, fn}, 0) != libk::pci::kNoVendor) scan_bus(0, fn, seen);
}

}  // namespace

const char* interrupt_mode_name(InterruptMode mode) {
  switch (mode) {
    case InterruptMode::None: return "none";
    case InterruptMode::Msi: return "MSI";
    case InterruptMode::Msix: return "MSI-X";
  }
  return "?";
}

void init() {
  choose_mechanism();
  if (!mechanism_name) {
    log::warn("pci: no configuration mechanism (no MCFG, no 0xCF8 ports); no PCI devices");
    return;
  }
  scan_roots();
  log::info("pci: {} functions through {}{}", device_count, mechanism_name,
            skipped_functions ? " (table full: some skipped)" : "");
  if (skipped_functions)
    log::warn("pci: {} functions beyond the first {} not recorded", skipped_functions, kMaxDevices);
}

const char* mechanism() { return mechanism_name; }
libk::Span<Device> devices() { return {device_table, device_count}; }

Device* find(Address address) {
  for (Device& d : devices())
    if (d.address == address) return &d;
  return nullptr;
}

u32 read32(Address a, u16 offset) {
  SpinLockGuard guard(config_lock);
  return access ? access->read32(a, offset) : ~u32{0};
}

u16 read16(Address a, u16 offset) {
  SpinLockGuard guard(config_lock);
  return access ? access->read16(a, offset) : u16(0xFFFF);
}

u8 read8(Address a, u16 offset) {
  SpinLockGuard guard(config_lock);
  return access ? access->read8(a, offset) : u8(0xFF);
}

void write32(Address a, u16 offset, u32 value) {
  SpinLockGuard guard(config_lock);
  if (access) access->write32(a, offset, value);
}

usize snapshot(Address a, libk::MutableBytes out) {
  SpinLockGuard guard(config_lock);
  return access ? snapshot_locked(a, out) : 0;
}

u16 config_size() {
  SpinLockGuard guard(config_lock);
  return access ? access->size() : 0;
}

void enable(const Device& device, bool memory, bool io) {
  SpinLockGuard guard(config_lock);
  if (access) hal::pci::enable_device(*access, device.address, memory, io, false);
}

volatile void* map_bar(Device& device, u8 index) {
  if (index >= 6) return nullptr;
  if (device.mapped[index]) return device.mapped[index];
  const Bar& bar = device.bars[index];
  if (bar.kind != BarKind::Memory32 && bar.kind != BarKind::Memory64) return nullptr;
  if (bar.address == 0 || bar.size == 0) return nullptr;  // not assigned by the firmware
  device.mapped[index] = hal::mmio::map(bar.address, bar.size);
  return device.mapped[index];
}

}  // namespace kernel::pci
