#include <hal/cpu.hpp>
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

// 64-bit IDT gate descriptor — SDM Vol. 3A §6.14.1, Figure 6-8.
struct GateDescriptor {
  u64 low;
  u64 high;
};
static_assert(sizeof(GateDescriptor) == 16);

constexpr u64 kTypeInterruptGate = 0xE;
constexpr u64 kPresent = 1ull << 47;

alignas(16) constinit GateDescriptor table[kVectorCount] = {};
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

GateDescriptor make_gate(u64 offset, u8 ist) {
  u64 low = (offset & 0xFFFF) | (u64(gdt::kKernelCode) << 16) | (u64(ist & 7) << 32) |
            (kTypeInterruptGate << 40) | kPresent | ((offset >> 16 & 0xFFFF) << 48);
  return {low, offset >> 32};
}

}  // namespace

u64 stub_address(u8 vector) { return hal_interrupt_stubs[vector]; }

void init() {
  for (usize v = 0; v < kVectorCount; ++v)
    table[v] = make_gate(stub_address(u8(v)), ist_for(u8(v)));
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
  const auto* live = reinterpret_cast<const GateDescriptor*>(ptr.base);
  GateDescriptor d = live[vector];
  return {(d.low & 0xFFFF) | (d.low >> 48 & 0xFFFF) << 16 | d.high << 32,
          u16(d.low >> 16),
          u8(d.low >> 32 & 7),
          u8(d.low >> 40 & 0xF),
          u8(d.low >> 45 & 3),
          (d.low & kPresent) != 0};
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
