// Fixed-width integer names used across Ember. Freestanding: only the compiler's own
// <stdint.h>/<stddef.h> are used, so the same header serves the host, loader and kernel.
#pragma once

#include <stddef.h>
#include <stdint.h>

using u8 = uint8_t;
using u16 = uint16_t;
using u32 = uint32_t;
using u64 = uint64_t;
using i8 = int8_t;
using i16 = int16_t;
using i32 = int32_t;
using i64 = int64_t;
using usize = size_t;
using isize = ptrdiff_t;
using uptr = uintptr_t;

static_assert(sizeof(u64) == 8 && sizeof(usize) == 8, "Ember is 64-bit only");

namespace libk {

inline constexpr u64 KiB = 1024;
inline constexpr u64 MiB = 1024 * KiB;
inline constexpr u64 GiB = 1024 * MiB;
inline constexpr u64 TiB = 1024 * GiB;
inline constexpr u64 kPageSize = 4096;

}  // namespace libk
