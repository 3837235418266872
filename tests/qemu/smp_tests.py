#!/usr/bin/python3
"""QEMU+OVMF tests of Ember on several CPUs (docs/smp.md).

  smp_tests.py --loader ember-loader-unsealed.efi --kernel ember.elf CASE

ktests-2cpu-multi    every in-kernel test (test=all) on -smp 2 with multi-threaded TCG: one
                     host thread per vCPU, so the two really run at once.
ktests-2cpu-single   the same on -smp 2 with single-threaded TCG (vCPUs take turns), on the
                     pc machine (the others boot q35).
ktests-4cpu          the same on -smp 4 with heap=fast (kmalloc through per-CPU magazines),
                     multi-threaded TCG when the host has 4 cores, else single
                     (tools/emberqemu.py tcg_threading: with more vCPUs than cores a vCPU
                     holding a spinlock waits for the host while others spin).
maxcpus              -smp 2,maxcpus=4: the MADT lists 4 CPUs, 2 of them not enabled; the
                     kernel starts 2 and says it left 2 alone.
panic-on-ap          CPU 0 asks the last CPU to panic (test=crash.panic_on_ap on -smp 2): the
                     banner names that CPU, CPU 0 is stopped by the NMI, one report only.

bench (a benchmark: `meson test -C build --benchmark --verbose smp-bench`): the in-kernel
                     bench.smp.* on 1 CPU and on 2 (multi-threaded TCG), with the ratios;
                     the time from kernel entry to the shell prompt on 1 and 4 CPUs.

The boot matrix (matrix_tests.py) boots 1, 2, 4 and 8 CPUs on both machine types.
"""

import os
import re
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness  # noqa: E402
from harness import Failure, expect  # noqa: E402


def boot_all_tests(ctx, cpus, tcg_threads="auto", cmdline="test=all", **machine):
    image = harness.make_image(ctx.work, ctx.loader, ctx.kernel, cmdline=cmdline,
                               initrd=ctx.initrd)
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
    boot_all_tests(ctx, 2, "single", machine="pc")


def case_ktests_4cpu(ctx):
    # heap=fast: kmalloc through the per-CPU magazines (the other boots run with the heap's
    # debug checks, which bypass them).
    result = boot_all_tests(ctx, 4, "auto", cmdline="heap=fast test=all")
    expect(result, r"^heap: .* debug checks off", "the heap without debug checks")


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


BENCHMARKS = ["bench.smp.cpu_bound", "bench.smp.kmalloc_pairs", "bench.smp.wake_latency",
              "bench.smp.shootdown"]


def kbench(ctx, cpus):
    # heap=fast: kmalloc through the per-CPU magazines, as a release build does (debug checks
    # send every free to the shared slab cache, under one lock).
    image = harness.make_image(ctx.work, ctx.loader, ctx.kernel,
                               cmdline="heap=fast test=" + ",".join(BENCHMARKS))
    result = harness.boot(image, cpus=cpus, tcg_threads="multi", timeout=240)
    harness.expect_tests_passed(result)
    lines = re.findall(r"^KBENCH (smp\.\S+): (.*)$", result.serial, re.MULTILINE)
    for name, figures in lines:
        print("  %d CPU%s  %-32s %s" % (cpus, "s" if cpus > 1 else " ", name, figures))
    return dict(lines)


def number(figures, pattern):
    m = re.search(pattern, figures)
    if not m:
        raise Failure("no %r in %r" % (pattern, figures))
    return int(m.group(1))


def shell_ready_ms(ctx, cpus):
    image = harness.make_image(ctx.work, ctx.loader, ctx.kernel)
    result = harness.boot(image, cpus=cpus, timeout=120, stop_on=r"shell: ready \d+ ms")
    m = re.search(r"shell: ready (\d+) ms after kernel entry", result.serial)
    online = re.search(r"smp: (\d+) of \d+ CPUs online in (\d+) ms", result.serial)
    if not m:
        raise Failure("no shell: ready line")
    return int(m.group(1)), (int(online.group(2)) if online else 0)


def bench(ctx):
    print("in-kernel SMP benchmarks (QEMU TCG; cycles are TSC ticks of the emulated CPU;"
          " %d host cores):" % os.cpu_count())
    one, two = kbench(ctx, 1), kbench(ctx, 2)
    t1 = number(one["smp.cpu_bound"], r"(\d+) us")
    t2 = number(two["smp.cpu_bound"], r"(\d+) us")
    print("CPU-bound work split over the CPUs: %d us on 1, %d us on 2: speedup %.2fx (goal 1.8x)"
          % (t1, t2, t1 / t2))
    p1 = number(one["smp.kmalloc_pairs"], r"(\d+) pairs/s")
    p2 = number(two["smp.kmalloc_pairs"], r"(\d+) pairs/s")
    print("kmalloc/kfree pairs per second, one thread per CPU: %d on 1, %d on 2: %.2fx (goal 1.8x)"
          % (p1, p2, p2 / p1))
    same = number(two["smp.wake_latency.same_cpu"], r"median (\d+)")
    cross = number(two["smp.wake_latency.cross_cpu"], r"median (\d+)")
    print("wake-up to running, median: same CPU %d cycles, other CPU %d cycles: %.2fx"
          % (same, cross, cross / same))
    for pages in (1, 32):
        key = "smp.shootdown.%d_pages" % pages
        b1 = number(one[key], r"(\d+) cycles per batch")
        b2 = number(two[key], r"(\d+) cycles per batch")
        print("TLB shootdown of %d page%s: %d cycles on 1 CPU (local INVLPG), %d on 2 (IPI):"
              " %.1fx, %d cycles per page" % (pages, "s" if pages > 1 else "", b1, b2, b2 / b1,
                                               b2 // pages))
    r1, _ = shell_ready_ms(ctx, 1)
    r4, aps = shell_ready_ms(ctx, 4)
    print("kernel entry to the shell prompt: %d ms on 1 CPU, %d ms on 4 (AP start-up %d ms):"
          " %+d ms" % (r1, r4, aps, r4 - r1))


CASES = {
    "ktests-2cpu-multi": case_ktests_2cpu_multi,
    "ktests-2cpu-single": case_ktests_2cpu_single,
    "ktests-4cpu": case_ktests_4cpu,
    "maxcpus": case_maxcpus,
    "panic-on-ap": case_panic_on_ap,
}

if __name__ == "__main__":
    harness.main(CASES, {"bench": bench})
