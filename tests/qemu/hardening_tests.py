#!/usr/bin/python3
"""QEMU+OVMF tests of the kernel's hardening (docs/secure-boot.md, docs/boot-protocol.md).

  hardening_tests.py --loader ember-loader-unsealed.efi --kernel ember.elf CASE

kaslr-crash   two boots, each fed its own known random bytes through a virtio-rng device
              (QEMU's rng-random backend reading a file: the loader's EFI_RNG_PROTOCOL
              returns exactly those bytes), land the kernel at the two different bases those
              bytes select, and both symbolize a forced page fault correctly.
stack-smash   a kernel function writes past its local array over the stack canary: the stack
              protector panics when it returns, naming the function.
wx-audit      a page mapped writable and executable on purpose: the page-table audit the kernel
              runs at boot panics naming it (and at boot it logged a clean audit).
"""

import os
import re
import struct
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness  # noqa: E402
from harness import Failure, expect  # noqa: E402

HEX = r"0x[0-9a-f]+"
LINK_BASE = 0xFFFF_FFFF_8000_0000  # kernel/linker.ld
KASLR_ALIGN = 2 << 20              # boot/kaslr.hpp
LOADER_KASLR = re.compile(r"^ember-loader: kernel at (0x[0-9a-f]+) \(KASLR: one of (\d+) places, "
                          r"entropy from (\S+)\)$", re.MULTILINE)


def rng_args(work, name, data):
    """A virtio-rng device whose bytes come from a file holding `data` (repeated)."""
    path = os.path.join(work, name)
    with open(path, "wb") as f:
        f.write(data * (4096 // len(data)))
    return ["-object", "rng-random,id=rng0,filename=" + path,
            "-device", "virtio-rng-pci,rng=rng0"]


def crash_at_random_base(ctx, seed, samples=False):
    """Boots test=crash.page_fault with `seed` as the machine's randomness; returns the base.
    With `samples`, also checks the docs' KASLR samples against the boot."""
    image = harness.make_image(ctx.work, ctx.loader, ctx.kernel, cmdline="test=crash.page_fault")
    result = harness.boot(image, timeout=120, extra=rng_args(ctx.work, "seed.bin", seed))
    print(result.serial)
    if result.timed_out or result.exit_code != 35:
        raise Failure("the forced crash did not end the boot with status 35 (got %s)"
                      % result.exit_code)
    m = LOADER_KASLR.search(result.serial)
    if not m:
        raise Failure("the loader did not report a KASLR placement")
    base, places, source = int(m.group(1), 16), int(m.group(2)), m.group(3)
    if source != "EFI_RNG_PROTOCOL":
        raise Failure("entropy from %s, expected EFI_RNG_PROTOCOL (the virtio-rng device)" % source)
    # boot/kaslr.hpp: place (first random word mod places), 2 MiB apart from the link address.
    want = LINK_BASE + (struct.unpack_from("<Q", seed * 8)[0] % places) * KASLR_ALIGN
    if base != want:
        raise Failure("kernel at %#x, but these random bytes select %#x" % (base, want))
    expect(result, r"^kaslr: base %#x, slide %#x from the link address %#x, entropy from "
           r"EFI_RNG_PROTOCOL$" % (base, base - LINK_BASE, LINK_BASE), "the kernel's KASLR line")
    m = re.search(r"^error: at rip (%s) kernel::\(anonymous namespace\)::page_fault_here\+0x"
                  % HEX, result.serial, re.MULTILINE)
    if not m:
        raise Failure("the crash report did not name page_fault_here")
    rip = int(m.group(1), 16)
    if not base <= rip < base + (16 << 20):
        raise Failure("faulting rip %#x is not in the kernel at %#x" % (rip, base))
    expect(result, r"^error:   #\d+ %s kernel::ktest::run\+0x" % HEX, "the symbolized callers")
    if samples:
        harness.check_doc_samples(result, "kaslr")
    print("PASS: kernel at %#x (place %d of %d); crash at %#x symbolized"
          % (base, (base - LINK_BASE) // KASLR_ALIGN, places, rip))
    return base


def case_kaslr_crash(ctx):
    first = crash_at_random_base(ctx, bytes([0x07]), samples=True)
    second = crash_at_random_base(ctx, bytes([0x5c, 0x13, 0xe0, 0x41]))
    if first == second:
        raise Failure("both boots put the kernel at %#x" % first)


def case_stack_smash(ctx):
    result = harness.boot_failing_test(ctx, "hardening.stack_smash", timeout=60)
    expect(result, r"stack smash test: writing 32 bytes into a 16-byte local array",
           "the test reaching the overrun")
    expect(result, r"KERNEL PANIC", "the panic banner")
    expect(result, r"stack protector: stack smashing detected in "
           r"kernel::\(anonymous namespace\)::overrun_local_array\+0x",
           "the stack protector naming the function")
    harness.expect_absent(result, r"the overrun went unnoticed", "the function returning")
    expect(result, r"^KTEST FAIL hardening\.stack_smash: panic: stack protector", "the test failing")
    harness.check_doc_samples(result, "stack-smash")


def case_wx_audit(ctx):
    result = harness.boot_failing_test(ctx, "hardening.wx_audit", timeout=60)
    expect(result, r"^vm: page-table audit: \d+ leaves, none writable and executable, none "
           r"user-accessible in the kernel half$", "the clean audit at boot")
    m = re.search(r"W\^X audit test: mapped (0x[0-9a-f]+) writable and executable", result.serial)
    if not m:
        raise Failure("the test did not reach its mapping")
    expect(result, r"vm: page-table audit: %s \(4 KiB page, frame 0x[0-9a-f]+\) is writable and "
           r"executable" % m.group(1), "the audit's panic naming the page")
    harness.expect_absent(result, r"the audit let it pass", "the audit returning")
    expect(result, r"^KTEST FAIL hardening\.wx_audit: panic: vm: page-table audit", "the test failing")


CASES = {
    "kaslr-crash": case_kaslr_crash,
    "stack-smash": case_stack_smash,
    "wx-audit": case_wx_audit,
}


if __name__ == "__main__":
    harness.main(CASES)
