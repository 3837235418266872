// The FPU/SSE/AVX save area a user thread owns: which state components to enable in XCR0,
// how big the area is, and the clean state a new thread starts from. Pure: the CPUID values
// come in as arguments (Intel SDM Vol. 1 §13.2 "Enumeration of CPU Support for XSAVE
// Instructions and XSAVE-Supported Features", §13.4 "XSAVE Area"), so host tests feed it
// the values of real CPUs and of QEMU's models.
#pragma once

#include <libk/span.hpp>
#include <libk/types.hpp>

namespace libk::fpu {

// XCR0 / XSTATE_BV bits of the user state components (SDM Vol. 1 §13.1, Table 13-1).
inline constexpr u64 kX87 = 1u << 0;
inline constexpr u64 kSse = 1u << 1;
inline constexpr u64 kAvx = 1u << 2;
inline constexpr u64 kOpmask = 1u << 5;    // AVX-512 k0-k7
inline constexpr u64 kZmmHi256 = 1u << 6;  // AVX-512 upper halves of zmm0-15
inline constexpr u64 kHi16Zmm = 1u << 7;   // AVX-512 zmm16-31
inline constexpr u64 kAvx512 = kOpmask | kZmmHi256 | kHi16Zmm;

// The legacy region (FXSAVE's 512 bytes) plus the XSAVE header (§13.4.1, §13.4.2).
inline constexpr u32 kLegacySize = 512;
inline constexpr u32 kXsaveHeaderSize = 64;
inline constexpr u32 kAlignment = 64;  // XSAVE/XRSTOR #GP on a less aligned area (§13.4)

// The defaults FNINIT and a reset leave (SDM Vol. 1 §8.1.5, §10.2.3.1).
inline constexpr u16 kDefaultFcw = 0x037F;    // all x87 exceptions masked, 64-bit precision
inline constexpr u32 kDefaultMxcsr = 0x1F80;  // all SIMD exceptions masked, round to nearest
inline constexpr u32 kFcwOffset = 0;          // legacy region (Vol. 1 Table 10-2)
inline constexpr u32 kMxcsrOffset = 24;

// The XCR0 value Ember runs with, from CPUID.(EAX=0DH,ECX=0):EAX (the components the CPU
// supports): x87 and SSE always (XCR0[0] must be 1, and AVX needs SSE), AVX when supported,
// and AVX-512 only when all three of its components and AVX are (setting some of them is a
// #GP from XSETBV, §13.3). Anything else (MPX, AMX, PKRU) stays off: no user program uses it.
u64 choose_xcr0(u64 supported);

// One state component's place in the standard-form area: CPUID.(EAX=0DH,ECX=i):EAX is its
// size, EBX its offset.
struct Component {
  u32 size, offset;
};

// The bytes of the standard-form area for `xcr0`: the legacy region and header, and every
// enabled component from 2 up at its CPUID offset (`components[i]` for component i; the
// span must reach the highest set bit). 0 if a component lies inside the legacy region or
// header, or past 64 KiB: CPUID values no real CPU reports.
u32 xsave_area_size(u64 xcr0, Span<const Component> components);

// Writes the clean state into `area` (at least kLegacySize bytes): everything zero (XSTATE_BV
// 0: XRSTOR loads every component's initial state), the x87 control word and MXCSR at their
// defaults (FXRSTOR and XRSTOR load MXCSR from the area; FXRSTOR loads the x87 control word).
// What the thread sees is what FNINIT plus LDMXCSR 0x1F80 would leave.
void write_clean_state(Span<u8> area);

}  // namespace libk::fpu
