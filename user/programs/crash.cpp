// crash: faults on purpose, in the way its argument names, to show that a fault in ring 3
// ends only the process (the kernel reports it and goes on). Used by tests/qemu/user_tests.py.
//
//   crash null-read | kernel-read | kernel-write | privileged | ud | divide | exec-stack |
//         stack-overflow | sse | bad-pointer
#include "ember.hpp"

namespace {

// Addresses the compiler cannot see through, so each access really happens.
u64 opaque(u64 v) {
  asm volatile("" : "+r"(v));
  return v;
}

constexpr u64 kDirectMap = 0xffff'8000'0000'0000ull;  // the kernel's direct map (RAM at 0)

// Recurses until the stack runs into the guard gap below it (the limit is never reached).
[[gnu::noinline]] u64 recurse(u64 depth) {
  volatile u8 frame[512];
  frame[0] = u8(depth);
  if (opaque(depth) == ~u64{0}) return 0;
  return recurse(depth + 1) + frame[0];
}

int usage() {
  ember::print(
      "usage: crash null-read|kernel-read|kernel-write|privileged|ud|divide|exec-stack|"
      "stack-overflow|sse|bad-pointer\n");
  return 2;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) return usage();
  const char* mode = argv[1];
  ember::print("crash: ");
  ember::print(mode);
  ember::print("\n");
  if (ember::streq(mode, "null-read")) return int(*reinterpret_cast<volatile u64*>(opaque(0)));
  if (ember::streq(mode, "kernel-read"))
    return int(*reinterpret_cast<volatile u64*>(opaque(kDirectMap + 0x10'0000)));
  if (ember::streq(mode, "kernel-write")) {
    *reinterpret_cast<volatile u64*>(opaque(kDirectMap + 0x10'0000)) = 0xbad;
    return 0;
  }
  if (ember::streq(mode, "privileged")) {
    asm volatile("hlt");  // #GP in ring 3
    return 0;
  }
  if (ember::streq(mode, "ud")) __builtin_trap();
  if (ember::streq(mode, "divide")) {
    volatile u64 zero = 0;
    return int(opaque(100) / zero);
  }
  if (ember::streq(mode, "exec-stack")) {
    volatile u8 code[16] = {0xc3};  // ret, on the stack: NX makes it fault
    auto fn = reinterpret_cast<void (*)()>(opaque(reinterpret_cast<u64>(&code[0])));
    fn();
    return 0;
  }
  if (ember::streq(mode, "stack-overflow")) return int(recurse(0));
  if (ember::streq(mode, "sse")) {
    asm volatile("pxor %%xmm0, %%xmm0" ::: "memory");  // no FPU state per thread: #UD
    return 0;
  }
  if (ember::streq(mode, "bad-pointer")) {
    // Not a fault: the kernel refuses the pointer and the call returns an error.
    i64 r = ember::write(1, reinterpret_cast<const void*>(opaque(kDirectMap)), 16);
    i64 n = ember::write(1, reinterpret_cast<const void*>(opaque(0x10)), 16);
    ember::print("crash: write(kernel pointer) = ");
    ember::print_i64(r);
    ember::print(", write(null page) = ");
    ember::print_i64(n);
    ember::print("\n");
    return r == i64(abi::Error::Fault) && n == i64(abi::Error::Fault) ? 0 : 1;
  }
  return usage();
}
