#include <hal/cpu.hpp>
#include <hal/descriptors.hpp>
#include <hal/gdt.hpp>
#include <hal/idt.hpp>

// The entry stub of each vector (interrupt_entry.S).
extern "C" const u64 hal_interrupt_stubs[];

namespace hal::idt {

namespace {

struct [[gnu::packed]] IdtPointer {
  u16 limit;
  u64 base;
};

// A 16-byte IDT entry: the typed low half (hal/descriptors.hpp) and offset bits 63:32.
struct IdtEntry {
  u64 low;
  u64 high;
};
static_assert(sizeof(IdtEntry) == 16);

alignas(16) constinit IdtEntry table[kVectorCount] = {};
constinit Handler handlers[kVectorCount] = {};
constinit Handler fallback = nullptr;

u8 ist_for(u8 vector) {
  switch (vector) {
    case 2: return gdt::kIstNmi;
    case 8: return gdt::kIstDoubleFault;
    case 18: return gdt::kIstMachineCheck;
    default: return 0;
  }
}

IdtEntry make_gate(u64 offset, u8 ist) {
  GateDescriptor low = GateDescriptor(0)
                           .set_offset(offset)
                           .set_selector(gdt::kKernelCode)
                           .set_ist(ist)
                           .set_type(GateDescriptor::kTypeInterruptGate)
                           .set_present(true);
  return {low.raw(), offset >> 32};
}

}  // namespace

u64 stub_address(u8 vector) { return hal_interrupt_stubs[vector]; }

void init() {
  for (usize v = 0; v < kVectorCount; ++v)
    table[v] = make_gate(stub_address(u8(v)), ist_for(u8(v)));
  load();
}

void load() {
  IdtPointer ptr{sizeof(table) - 1, reinterpret_cast<u64>(&table[0])};
  cpu::lidt(&ptr);
}

void set_handler(u8 vector, Handler handler) {
  __atomic_store_n(&handlers[vector], handler, __ATOMIC_RELEASE);
}

void set_fallback(Handler handler) { __atomic_store_n(&fallback, handler, __ATOMIC_RELEASE); }

Gate gate(u8 vector) {
  IdtPointer ptr{};
  cpu::sidt(&ptr);
  const auto* live = reinterpret_cast<const IdtEntry*>(ptr.base);
  GateDescriptor d(live[vector].low);
  return {
      d.offset() | live[vector].high << 32, d.selector(), d.ist(), d.type(), d.dpl(), d.present()};
}

}  // namespace hal::idt

// Called by the common entry stub with the saved frame; interrupts are disabled.
extern "C" void hal_trap_dispatch(hal::TrapFrame* frame) {
  using namespace hal::idt;
  Handler handler = __atomic_load_n(&handlers[frame->vector & 0xFF], __ATOMIC_ACQUIRE);
  if (handler == nullptr) handler = __atomic_load_n(&fallback, __ATOMIC_ACQUIRE);
  if (handler == nullptr) hal::cpu::halt_forever();  // nothing installed yet: stop quietly
  handler(*frame);
}
