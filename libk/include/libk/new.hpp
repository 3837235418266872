// Placement new. Hosted builds (tests, tools) take it from <new>; freestanding builds
// (kernel, loader) have no C++ library, so it is declared here.
#pragma once

#include <libk/types.hpp>

#if __STDC_HOSTED__
#include <new>
#else
inline void* operator new(size_t, void* where) noexcept { return where; }
inline void* operator new[](size_t, void* where) noexcept { return where; }
#endif
