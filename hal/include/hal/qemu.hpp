// QEMU's isa-debug-exit device (-device isa-debug-exit,iobase=0xf4,iosize=0x04): writing
// value v makes QEMU exit with status (v << 1) | 1. Without the device the write is ignored.
#pragma once

#include <hal/cpu.hpp>

namespace hal::qemu {

inline constexpr u16 kDebugExitPort = 0xF4;
inline constexpr u8 kExitSuccess = 0x10;  // QEMU exits with 33
inline constexpr u8 kExitFailure = 0x11;  // QEMU exits with 35

inline void debug_exit(u8 value) { cpu::outl(kDebugExitPort, value); }

}  // namespace hal::qemu
