// The only door to gnu-efi. Include this from loader .cpp files only, never from a shared
// header: with the MS target gnu-efi's eficompiler.h does `#define __attribute__(x)`, which
// would silently drop attributes from everything included after it (UEFI-NOTES.md). Shared
// code uses [[gnu::...]] attributes and static_asserts its layouts instead.
#pragma once

#include <stdint.h>

// gnu-efi's efibind.h declares its own int8_t (as plain char, clashing with <stdint.h>)
// unless __STDC_VERSION__ says C99; C++ does not define it. Claim C99 for this include only.
#define __STDC_VERSION__ 199901L
extern "C" {
#include <efi.h>
}
#undef __STDC_VERSION__
