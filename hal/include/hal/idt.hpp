// The Interrupt Descriptor Table (Intel SDM Vol. 3A §6.10, §6.14.1): one interrupt gate for
// each of the 256 vectors, each pointing at an entry stub in hal/x86/interrupt_entry.S that
// saves the full register frame (hal::TrapFrame) and calls the handler registered here.
//
// Vectors 2 (NMI), 8 (#DF) and 18 (#MC) run on their own IST stacks (hal/gdt.hpp).
#pragma once

#include <hal/trap_frame.hpp>
#include <libk/types.hpp>

namespace hal::idt {

inline constexpr usize kVectorCount = 256;

// Runs with interrupts disabled (every gate is an interrupt gate), on the interrupted stack
// or the vector's IST stack. Returning resumes the interrupted code with the frame's
// registers, so a handler may change them (e.g. skip an instruction).
using Handler = void (*)(TrapFrame& frame);

// Fills and loads the IDT. Every vector starts with no handler: it goes to the fallback.
// Call once, after gdt::init() (the gates name its code selector and IST slots).
void init();
// Loads the same IDT on another CPU (all CPUs share one table and one set of handlers; the
// IST slots the gates name are each CPU's own, in its TSS). Needs init() to have run.
void load();

// Installs `handler` for `vector` (nullptr removes it). Context: any; takes effect for the
// next interrupt on that vector.
void set_handler(u8 vector, Handler handler);

// The handler for vectors without one (an unexpected interrupt, or an exception before the
// kernel installed its handlers). Without a fallback the CPU halts there.
void set_fallback(Handler handler);

// A gate as the CPU sees it, decoded from the live table (for tests and diagnostics).
struct Gate {
  u64 offset;
  u16 selector;
  u8 ist;   // 0: no stack switch
  u8 type;  // 0xE: 64-bit interrupt gate
  u8 dpl;
  bool present;
};
Gate gate(u8 vector);

// The address of the entry stub for `vector` (what the gate should point at).
u64 stub_address(u8 vector);

}  // namespace hal::idt
