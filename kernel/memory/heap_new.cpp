// The C++ allocation functions on top of kernel::heap. Plain new never returns nullptr
// (there are no exceptions to throw): running out of memory there is a panic. Code that
// can handle failure uses `new (kernel::heap::nothrow) T(...)`.
#include "memory/heap.hpp"
#include "panic.hpp"

namespace {
void* allocate_or_panic(usize size) {
  void* p = kernel::heap::allocate(size);
  if (!p) PANIC("heap: out of memory for operator new ({} bytes)", size);
  return p;
}
}  // namespace

void* operator new(usize size) { return allocate_or_panic(size); }
void* operator new[](usize size) { return allocate_or_panic(size); }
void* operator new(usize size, const kernel::heap::NoThrow&) noexcept {
  return kernel::heap::allocate(size);
}
void* operator new[](usize size, const kernel::heap::NoThrow&) noexcept {
  return kernel::heap::allocate(size);
}
void operator delete(void* p) noexcept { kernel::heap::free(p); }
void operator delete[](void* p) noexcept { kernel::heap::free(p); }
void operator delete(void* p, usize) noexcept { kernel::heap::free(p); }
void operator delete[](void* p, usize) noexcept { kernel::heap::free(p); }
