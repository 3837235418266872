// Keyboard input: the PS/2 keyboard (the i8042 initialized by hal, IRQ 1 routed through the
// I/O APIC, each scancode byte decoded by libk::keyboard, US layout) and any USB keyboard
// (kernel/drivers/usb/hid_keyboard.cpp, through submit_event) feed one queue of key events
// for readers (the shell, kernel/shell/input.cpp). echo() shows typed characters on the
// console (serial and screen), for the keyboard.echo test.
#pragma once

#include <libk/keyboard.hpp>
#include <libk/optional.hpp>

namespace kernel::keyboard {

using libk::keyboard::KeyEvent;

// Initializes the controller and keyboard and routes IRQ 1. Needs interrupts::init().
// Returns false (with a warning) if there is no usable keyboard; the kernel boots on.
bool init();
bool present();

// Queues a key event from another keyboard (USB) and wakes readers, as the PS/2 interrupt
// does. Context: any (interrupt handlers and timer callbacks included); takes the producer
// lock, so several keyboards may submit at once.
void submit_event(const KeyEvent& event);

// The next key event, if any. Context: thread (one consumer).
libk::Optional<KeyEvent> read_event();

inline constexpr u64 kForever = ~u64{0};

// Waits up to `timeout_ns` (kForever: no limit) for a key event. Once the scheduler runs,
// the caller blocks on the keyboard's wait queue, which the keyboard interrupt wakes;
// before that it halts the CPU between interrupts. Needs interrupts enabled. Context:
// thread (one consumer).
libk::Optional<KeyEvent> wait_event(u64 timeout_ns);

// Shows what a key press typed: printable characters as themselves, Enter as a newline,
// Backspace as erase, control characters as ^X. Releases and keys without a character show
// nothing.
void echo(const KeyEvent& event);

// Writes the visible form of `codepoint` into `out` (at most 4 bytes); returns the length.
usize visible_form(u32 codepoint, char* out);

u32 dropped_events();

// The PS/2 path's cost from the keyboard interrupt to the event in the queue, in TSC cycles
// (the peer of the USB key-latency benchmark, kernel/tests/usb_bench.cpp).
struct Latency {
  u64 samples, min_cycles, total_cycles;
};
Latency ps2_latency();

// Registers a function the keyboard interrupt calls after queueing an event, for a reader
// that waits on several sources at once (the shell, kernel/shell/input.cpp). It runs in
// interrupt context: it must only wake waiters. nullptr removes it.
void set_event_listener(void (*listener)());

}  // namespace kernel::keyboard
