// crash: faults on purpose, in the way its argument names, to show that a fault in ring 3
// ends only the process (the kernel reports it and goes on). Used by tests/qemu/user_tests.py.
//
//   crash null-read | kernel-read | kernel-write | privileged | ud | divide | exec-stack |
//         stack-overflow | sse | x87 | bad-pointer
#include "ember.hpp"

namespace {

// Addresses the compiler cannot see through, so each access really happens.
u64 opaque(u64 v) {
  asm volatile("" : "+r"(v));
  return v;
}

// MXCSR with ZM (bit 9) clear: a division by zero raises #XM instead of giving infinity.
constexpr u32 kMxcsrUnmaskDivide = 0x1F80 & ~(1u << 9);

// The x87 control word with ZM (bit 2) clear.
constexpr u16 kFcwUnmaskDivide = 0x037F & ~(1u << 2);

constexpr u64 kDirectMap = 0xffff'8000'0000'0000ull;  // the kernel's direct map (RAM at 0)
// The last 7 bytes of the canonical lower half: `mov eax, 2; syscall` there returns to
// 0x0000'8000'0000'0000, which is not canonical (top-syscall).
constexpr u64 kTopCode = 0x0000'7fff'ffff'fff9ull;

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
      "stack-overflow|sse|x87|bad-pointer|top-syscall\n");
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
    // Divide by zero with that exception unmasked in MXCSR: #XM (Intel SDM Vol. 1 §11.5.2).
    asm volatile("ldmxcsr %0" : : "m"(kMxcsrUnmaskDivide));
    volatile float zero = 0.0f;
    volatile float result = 1.0f / zero;
    // Still here: the CPU set MXCSR.ZE without raising #XM. QEMU 7.2's TCG does this (it
    // does not emulate unmasked SIMD exceptions); hardware and KVM fault above.
    u32 mxcsr;
    asm volatile("stmxcsr %0" : "=m"(mxcsr));
    ember::print((mxcsr >> 2 & 1) != 0 ? "crash: sse: no #XM (the CPU only set MXCSR.ZE)\n"
                                       : "crash: sse: no #XM and no ZE flag\n");
    return result > 0 ? 3 : 4;
  }
  if (ember::streq(mode, "x87")) {
    // x87 divide by zero with ZM clear in the control word: the next waiting instruction
    // raises #MF (CR0.NE set; Intel SDM Vol. 1 §8.6).
    asm volatile("fldcw %0" : : "m"(kFcwUnmaskDivide));
    volatile long double zero = 0.0L;  // long double: x87 arithmetic (doubles use SSE)
    volatile long double result = 1.0L / zero;
    asm volatile("fwait");
    return int(result);
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
  if (ember::streq(mode, "top-syscall")) {
    // A program cannot map code at the top of user space (its segments end below 4 GiB,
    // mmap refuses exec): the in-kernel test maps `mov eax, 2; syscall` there while this
    // waits for a line, then it jumps in. SYSRET to the non-canonical return address would
    // fault in ring 0 on Intel CPUs; the kernel returns through IRETQ instead, whose #GP
    // ends this process.
    char c;
    ember::read(0, &c, 1);
    reinterpret_cast<void (*)()>(opaque(kTopCode))();
    return 1;
  }
  return usage();
}
