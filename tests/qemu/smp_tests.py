#!/usr/bin/python3
"""QEMU+OVMF tests of Ember on several CPUs (docs/smp.md).

  smp_tests.py --loader ember-loader-unsealed.efi --kernel ember.elf CASE

ktests-2cpu-multi    every in-kernel test (test=all) on -smp 2 with multi-threaded TCG: one
                     host thread per vCPU, so the two really run at once.
ktests-2cpu-single   the same on -smp 2 with single-threaded TCG (vCPUs take turns).
ktests-4cpu          the same on -smp 4, multi-threaded TCG when the host has 4 cores, else
                     single (tools/emberqemu.py tcg_threading: with more vCPUs than cores a
                     vCPU holding a spinlock waits for the host while others spin).
maxcpus              -smp 2,maxcpus=4: the MADT lists 4 CPUs, 2 of them not enabled; the
                     kernel starts 2 and says it left 2 alone.
panic-on-ap          CPU 0 asks the last CPU to panic (test=crash.panic_on_ap on -smp 2): the
                     banner names that CPU, CPU 0 is stopped by the NMI, one report only.

The boot matrix (matrix_tests.py) boots 1, 2, 4 and 8 CPUs on both machine types.
"""

import os
import re
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness  # noqa: E402
from harness import Failure, expect  # noqa: E402


def boot_all_tests(ctx, cpus, tcg_threads="auto", **machine):
    image = harness.make_image(ctx.work, ctx.loader, ctx.kernel, cmdline="test=all")
    result = harness.boot(image, memory="1024M", cpus=cpus, tcg_threads=tcg_threads,
                          timeout=300, **machine)
    print(result.serial)
    expect(result, r"^smp: %d of %d CPUs online in \d+ ms" % (cpus, cpus), "every CPU online")
    passed = harness.expect_tests_passed(result)
    for name in ("smp.spinlock.counter_from_every_cpu_is_exact",
                 "smp.ipi.call_function_between_every_pair",
                 "smp.tlb.remap_is_seen_by_every_cpu"):
        expect(result, r"^KTEST PASS %s " % re.escape(name), name)
    print("PASS: %d kernel tests on %d CPUs (TCG %s) in %.1f s" % (passed, cpus, tcg_threads,
                                                                 result.elapsed))
    return result


def case_ktests_2cpu_multi(ctx):
    boot_all_tests(ctx, 2, "multi")


def case_ktests_2cpu_single(ctx):
    boot_all_tests(ctx, 2, "single")


def case_ktests_4cpu(ctx):
    boot_all_tests(ctx, 4, "auto")


def case_maxcpus(ctx):
    image = harness.make_image(ctx.work, ctx.loader, ctx.kernel, cmdline="test=smp.*")
    result = harness.boot(image, cpus=2, maxcpus=4, timeout=180)
    print(result.serial)
    expect(result, r"^acpi: MADT: local APIC at 0x[0-9a-f]+, 4 processors,",
           "the MADT listing 4 processors")
    expect(result, r"^smp: 2 of 2 CPUs online in \d+ ms \(2 listed as disabled, not started\)",
           "the 2 disabled CPUs left alone")
    harness.expect_tests_passed(result)
    print("PASS: 2 CPUs started, 2 listed as disabled left alone")


def case_panic_on_ap(ctx):
    result = harness.boot_failing_test(ctx, "crash.panic_on_ap", cpus=2)
    print(result.serial)
    banners = re.findall(r"\*\*\* KERNEL PANIC \*\*\*", result.serial)
    if len(banners) != 1:
        raise Failure("%d panic banners on serial; one expected" % len(banners))
    expect(result, r"^\s*deliberate panic on CPU 1\s*$", "the message from CPU 1")
    expect(result, r"^\s*at \S+smp_tests\.cpp:\d+ in \S*panic_here\(\) on CPU 1\s*$",
           "the banner naming the CPU that panicked")
    expect(result, r"^KTEST FAIL crash\.panic_on_ap: panic: deliberate panic on CPU 1$",
           "the panic failing the test")
    expect(result, r"^panic: CPU 1 stopped 1 of 1 other CPUs$", "CPU 0 stopped by the NMI")
    if "call_on returned" in result.serial:
        raise Failure("CPU 0 went on after the panic instead of being stopped")
    print("PASS: the AP's panic stopped CPU 0 and was reported once")


CASES = {
    "ktests-2cpu-multi": case_ktests_2cpu_multi,
    "ktests-2cpu-single": case_ktests_2cpu_single,
    "ktests-4cpu": case_ktests_4cpu,
    "maxcpus": case_maxcpus,
    "panic-on-ap": case_panic_on_ap,
}

if __name__ == "__main__":
    harness.main(CASES)
