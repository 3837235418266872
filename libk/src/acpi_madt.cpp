#include <libk/acpi_madt.hpp>

namespace libk::acpi {

namespace {

constexpr usize kMadtFixedLength = sizeof(SdtHeader) + 8;  // + local APIC address, flags
constexpr u32 kPcatCompat = 1;

// Minimum entry lengths — ACPI 6.5 §5.2.12.2-§5.2.12.13.
u8 minimum_length(u8 type) {
  switch (type) {
    case kMadtLocalApic: return 8;
    case kMadtIoApic: return 12;
    case kMadtInterruptOverride: return 10;
    case kMadtNmiSource: return 8;
    case kMadtLocalApicNmi: return 6;
    case kMadtLocalApicAddress: return 12;
    case kMadtLocalX2Apic: return 16;
    case kMadtLocalX2ApicNmi: return 12;
    default: return 2;
  }
}

struct Context {
  Madt& madt;
  Diagnostics& diag;
  u64 address;
};

bool decode_flags(u16 flags, Polarity& polarity, Trigger& trigger, Context& c) {
  u16 p = flags & 3, t = flags >> 2 & 3;
  if (p == 2 || t == 2) {
    c.diag.add(Problem::BadFlags, "APIC", c.address, flags);
    return false;
  }
  polarity = p == 0 ? Polarity::Conforms : p == 1 ? Polarity::ActiveHigh : Polarity::ActiveLow;
  trigger = t == 0 ? Trigger::Conforms : t == 1 ? Trigger::Edge : Trigger::Level;
  return true;
}

template <typename T, usize N>
void keep(FixedVector<T, N>& list, const T& item, u8 type, Context& c) {
  if (!list.push_back(item)) c.diag.add(Problem::TooManyEntries, "APIC", c.address, type);
}

void add_io_apic(const u8* e, Context& c) {
  IoApicEntry io{e[2], load_le<u32>(e + 4), load_le<u32>(e + 8)};
  for (const IoApicEntry& other : c.madt.io_apics) {
    if (other.id == io.id || other.address == io.address)
      return c.diag.add(Problem::DuplicateIoApic, "APIC", c.address, io.id);
  }
  if (io.address == 0 || io.address % 1024 != 0)
    return c.diag.add(Problem::BadAddress, "APIC", c.address, io.address);
  keep(c.madt.io_apics, io, kMadtIoApic, c);
}

void parse_entry(u8 type, const u8* e, Context& c) {
  Polarity pol{};
  Trigger trig{};
  switch (type) {
    case kMadtLocalApic: {
      u32 flags = load_le<u32>(e + 4);
      return keep(c.madt.local_apics, {e[2], e[3], bool(flags & 1), bool(flags & 2), false}, type,
                  c);
    }
    case kMadtLocalX2Apic: {
      u32 flags = load_le<u32>(e + 8);
      return keep(
          c.madt.local_apics,
          {load_le<u32>(e + 12), load_le<u32>(e + 4), bool(flags & 1), bool(flags & 2), true}, type,
          c);
    }
    case kMadtIoApic: return add_io_apic(e, c);
    case kMadtInterruptOverride:
      if (!decode_flags(load_le<u16>(e + 8), pol, trig, c)) return;
      return keep(c.madt.overrides, {e[2], e[3], load_le<u32>(e + 4), pol, trig}, type, c);
    case kMadtNmiSource:
      if (!decode_flags(load_le<u16>(e + 2), pol, trig, c)) return;
      return keep(c.madt.nmi_sources, {load_le<u32>(e + 4), pol, trig}, type, c);
    case kMadtLocalApicNmi:
      if (!decode_flags(load_le<u16>(e + 3), pol, trig, c)) return;
      return keep(c.madt.local_apic_nmis,
                  {e[2] == 0xFF ? kAllProcessors : u32(e[2]), u8(e[5] & 1), pol, trig}, type, c);
    case kMadtLocalX2ApicNmi:
      if (!decode_flags(load_le<u16>(e + 2), pol, trig, c)) return;
      return keep(c.madt.local_apic_nmis, {load_le<u32>(e + 4), u8(e[8] & 1), pol, trig}, type, c);
    case kMadtLocalApicAddress: c.madt.local_apic_address = load_le<u64>(e + 4); return;
    default: ++c.madt.unknown_entries; return;
  }
}

}  // namespace

Result<void, Problem> parse_madt(Bytes table, u64 address, Madt& out, Diagnostics& diag) {
  if (table.size() < kMadtFixedLength) {
    diag.add(Problem::TableTooShort, "APIC", address, table.size(), kMadtFixedLength);
    return Unexpected<Problem>{Problem::TableTooShort};
  }
  out = Madt{};
  out.local_apic_address = load_le<u32>(table.data() + 36);
  out.pcat_compat = load_le<u32>(table.data() + 40) & kPcatCompat;
  Context c{out, diag, address};
  usize offset = kMadtFixedLength;
  while (offset < table.size()) {
    if (table.size() - offset < 2) {
      diag.add(Problem::EntryPastEnd, "APIC", address, offset);
      break;
    }
    u8 type = table[offset], length = table[offset + 1];
    if (length < 2 || length > table.size() - offset) {
      diag.add(length < 2 ? Problem::EntryTooShort : Problem::EntryPastEnd, "APIC", address,
               length < 2 ? type : offset);
      break;  // the next entry's position is unknown: stop here
    }
    if (length < minimum_length(type))
      diag.add(Problem::EntryTooShort, "APIC", address, type);
    else
      parse_entry(type, table.data() + offset, c);
    offset += length;
  }
  return {};
}

IsaRoute route_isa_irq(const Madt& madt, u8 irq) {
  IsaRoute route{irq, false, false};
  for (const InterruptOverride& o : madt.overrides) {
    if (o.bus != 0 || o.source != irq) continue;
    route.gsi = o.gsi;
    route.active_low = o.polarity == Polarity::ActiveLow;
    route.level_triggered = o.trigger == Trigger::Level;
    break;
  }
  return route;
}

}  // namespace libk::acpi
