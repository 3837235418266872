#!/usr/bin/python3
"""QEMU+OVMF boot tests for the walking skeleton: firmware -> ember-loader -> kernel.

  boot_tests.py --loader ember-loader-unsealed.efi --kernel ember.elf CASE

Each case builds its own image, boots it once and checks the serial output.
"""

import os
import re
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import bad_kernels  # noqa: E402
import console_cases  # noqa: E402
import harness  # noqa: E402
from harness import Failure, expect  # noqa: E402

BANNER = r"Ember \S+ \(\S+\) starting"
LOADER_GAVE_UP = r"ember-loader: cannot boot; returning to the firmware"


def check_memory(result, mib):
    m = re.search(r"^memory: (\d+) bytes of RAM", result.serial, re.MULTILINE)
    if not m:
        raise Failure("kernel did not report its memory")
    reported = int(m.group(1))
    expected = mib << 20
    error = abs(reported - expected) / expected
    print("memory: reported %d bytes for -m %dM (%.3f%% off)" % (reported, mib, error * 100))
    if error > 0.01:
        raise Failure("reported RAM %d differs from -m %dM by %.2f%% (> 1%%)"
                      % (reported, mib, error * 100))


# The map as log_boot_summary prints it (one range per line) and pmm's accounting line
# (kernel/memory/memory.cpp, log_statistics). Unanchored: log prefixes may change.
MAP_LINE = re.compile(r"0x([0-9a-f]{16})-0x([0-9a-f]{16}) ([a-z-]+)\s*$", re.MULTILINE)
POOL_LINE = re.compile(
    r"memory: pool (\d+) bytes = usable (\d+) \+ boot-services (\d+) \+ loader (\d+) "
    r"- low (\d+) - early (\d+) - kept (\d+); free (\d+) bytes, in use (\d+) bytes")
LOW_MEMORY_END = 1 << 20


CONSOLE_LINE = re.compile(r"console: \d+x\d+ cells, .*shadow buffer (\d+(?:\.\d)?) (B|KiB|MiB)")


def console_memory(result):
    """Early memory the screen console takes (its shadow buffer, plus 1 MiB for its cells
    and glyph map), from its log line; 0 without a screen console."""
    m = CONSOLE_LINE.search(result.serial)
    if not m:
        return 0
    unit = {"B": 1, "KiB": 1 << 10, "MiB": 1 << 20}[m.group(2)]
    return int((float(m.group(1)) + 0.1) * unit) + (1 << 20)


def check_pool(result, mib):
    """Checks the page allocator's pool against the memory map the kernel printed."""
    ranges = [(int(b, 16), int(e, 16) + 1, t) for b, e, t in MAP_LINE.findall(result.serial)]
    if not ranges:
        raise Failure("the kernel did not print its memory map")
    m = POOL_LINE.search(result.serial)
    if not m:
        raise Failure("the kernel did not report its page pool")
    pool, usable, boot, loader, low, early, kept, free, used = map(int, m.groups())
    def total(kind):
        return sum(e - b for b, e, t in ranges if t == kind)
    expect_low = sum(min(e, LOW_MEMORY_END) - b for b, e, t in ranges
                     if t in ("usable", "boot-services", "loader") and b < LOW_MEMORY_END)
    for name, got, want in (("usable", usable, total("usable")),
                            ("boot-services", boot, total("boot-services")),
                            ("loader", loader, total("loader")), ("low", low, expect_low)):
        if got != want:
            raise Failure("pool accounting: %s is %d, the map says %d" % (name, got, want))
    if pool != usable + boot + loader - low - early - kept:
        raise Failure("pool %d != usable + boot-services + loader - low - early - kept" % pool)
    if free + used != pool:
        raise Failure("free %d + in use %d != pool %d" % (free, used, pool))
    ram = mib << 20
    if not 0 < kept < (64 << 20) or early > ram // 128 + (4 << 20) + console_memory(result):
        raise Failure("implausible exclusions: early %d, kept %d" % (early, kept))
    print("pool: %d bytes (%.1f MiB) of %d MiB RAM = %.1f%% managed, %.1f MiB free"
          % (pool, pool / 2**20, mib, 100.0 * pool / ram, free / 2**20))
    # The kernel file is kept on purpose (its symbols name the frames of crash reports), and
    # its size is the build's, not the allocator's: it counts as used here.
    if pool + kept < ram * 0.75:
        raise Failure("only %.1f%% of RAM is in the page pool or the kept kernel file"
                      % (100.0 * (pool + kept) / ram))
    return pool


def boot_and_test(ctx, memory_mib=1024, cmdline="test=all", **machine):
    image = harness.make_image(ctx.work, ctx.loader, ctx.kernel, cmdline=cmdline,
                               initrd=ctx.initrd)
    result = harness.boot(image, memory="%dM" % memory_mib, **machine)
    print(result.serial)
    expect(result, BANNER, "the kernel banner")
    passed = harness.expect_tests_passed(result)
    check_memory(result, memory_mib)
    print("PASS: %d kernel tests, boot took %.1f s wall" % (passed, result.elapsed))
    return result


def case_sata(ctx):
    result = boot_and_test(ctx, disk="sata")
    check_pool(result, 1024)
    harness.check_doc_samples(result, "test-all")


def make_memory_size_case(mib):
    """One boot at -m <mib>M running the page-allocator tests; checks the RAM and the pool
    the kernel reports against the memory map it printed."""
    def case(ctx):
        image = harness.make_image(ctx.work, ctx.loader, ctx.kernel, cmdline="test=memory.pmm.*")
        result = harness.boot(image, memory="%dM" % mib, timeout=180)
        print(result.serial)
        expect(result, BANNER, "the kernel banner")
        passed = harness.expect_tests_passed(result)
        check_memory(result, mib)
        check_pool(result, mib)
        print("PASS: %d page-allocator tests at -m %dM in %.1f s" % (passed, mib, result.elapsed))
    return case


def expect_panic(ctx, test, pattern, what):
    result = harness.boot_failing_test(ctx, test)
    expect(result, r"KERNEL PANIC", "the panic banner")
    expect(result, pattern, what)
    expect(result, r"^KTEST FAIL %s: panic: " % re.escape(test), "the panic reported as the test's failure")
    print("PASS: %s panicked with %s" % (test, what))


def case_heap_double_free(ctx):
    expect_panic(ctx, "memory.heap.double_free",
                 r"heap: double free: 0xffff8[0-9a-f]+ \(kmalloc-48\)", "the double-free report")


def case_heap_overrun(ctx):
    expect_panic(ctx, "memory.heap.overrun",
                 r"heap: heap buffer overrun \(redzone overwritten\): object 0xffff8[0-9a-f]+, "
                 r"byte 40 \(kmalloc-48\)", "the redzone report")


def case_heap_foreign_pointer(ctx):
    expect_panic(ctx, "memory.heap.foreign_pointer",
                 r"heap: pointer not allocated from the heap: 0xffffffff[89a-f][0-9a-f]+ "
                 r"\(no cache\)",
                 "the foreign-pointer report")


def case_heap_foreign_direct_map_pointer(ctx):
    expect_panic(ctx, "memory.heap.foreign_direct_map_pointer",
                 r"heap: pointer not allocated from the heap: 0xffff8[0-9a-f]+040 \(no cache\)",
                 "the foreign-pointer report")


# Faults the kernel's page tables must stop: (test, line logged just before the access,
# the crash report's description from vm::describe_fault, which the crash reporter prints
# after the faulting address: crash::set_page_fault_describer(kernel::vm::describe_fault).
FAULTS = {
    "write-text": ("memory.fault.write_text", r"fault test: writing to kernel text",
                   r"protection violation: write to a read-only page in kernel text "
                   r"\(write from kernel mode\)"),
    "exec-heap": ("memory.fault.exec_heap", r"fault test: calling heap memory",
                  r"protection violation: execute from a no-execute page in direct map "
                  r"\(execute from kernel mode\)"),
    "stack-guard": ("memory.fault.stack_guard", r"fault test: writing to the guard page",
                    r"guard page \(stack overflow or out-of-bounds access\) in kernel stack "
                    r"area \(write from kernel mode\)"),
}



def boot_fault(ctx, name):
    test, before, _ = FAULTS[name]
    result = harness.boot_failing_test(ctx, test, timeout=60)
    expect(result, before, "the test reaching the faulting access")
    harness.expect_absent(result, r"went through", "the access completing")
    harness.expect_absent(result, r"KTEST PASS", "the test passing")
    return result


def make_fault_report_case(name):
    """The #PF crash report names the fault (the exception handler calls
    kernel::vm::describe_fault)."""
    def case(ctx):
        result = boot_fault(ctx, name)
        expect(result, FAULTS[name][2], "the page-fault report")
        if "fault-" + name in harness.doc_samples.SOURCES:
            harness.check_doc_samples(result, "fault-" + name)
    return case


def case_usb(ctx):
    boot_and_test(ctx, disk="usb")


def case_no_gop(ctx):
    result = boot_and_test(ctx, display="none")
    expect(result, r"^framebuffer: none", "the kernel noticing there is no framebuffer")


def case_pc(ctx):
    # Also checks that font= overrides the console's choice (console.screen.* tests), and that
    # nokaslr keeps the kernel at its link address (boot.kernel.kaslr_placement checks the
    # same from inside).
    result = boot_and_test(ctx, machine="pc", disk="sata",
                           cmdline="test=all font=terminus32 nokaslr")
    expect(result, r"^console: \d+x\d+ cells, font terminus32 ", "the console using font=")
    expect(result, r"^ember-loader: kernel at its link address 0xffffffff80000000 \(nokaslr\)$",
           "the loader keeping the link address")
    expect(result, r"^kaslr: off \(nokaslr\): the kernel runs at its link address "
           r"0xffffffff80000000$", "the kernel at its link address")


CONFIG_WITH_PROBLEMS = """# a configuration with mistakes the loader must report and survive
resolution = 1024x768
this line has no equals sign
colour = orange
resolution = huge
cmdline = test=boot.*
"""


def case_config(ctx):
    conf = os.path.join(ctx.work, "ember.conf")
    with open(conf, "w") as f:
        f.write(CONFIG_WITH_PROBLEMS)
    image = harness.make_image(ctx.work, ctx.loader, ctx.kernel, conf=conf)
    result = harness.boot(image, memory="1024M")
    print(result.serial)
    expect(result, r"^ember-loader: \\boot\\ember\.conf:3: expected 'key = value' \(ignored\)",
           "the malformed line reported with its number")
    expect(result, r"^ember-loader: \\boot\\ember\.conf:4: unknown setting: colour \(ignored\)",
           "the unknown setting reported")
    expect(result, r"^ember-loader: \\boot\\ember\.conf:5: resolution must be .*: huge \(ignored\)",
           "the bad value reported")
    expect(result, r"^ember-loader: display 1024x768 \(configured\)", "the configured mode chosen")
    expect(result, r"^framebuffer: 1024x768, 32 bpp, pitch 4096", "the kernel seeing that mode")
    expect(result, r'^cmdline: "test=boot\.\*"', "the command line from the file")
    harness.expect_tests_passed(result)


def expect_loader_error(ctx, pattern, **image_args):
    image = harness.make_image(ctx.work, ctx.loader, **image_args)
    result = harness.boot(image, stop_on=LOADER_GAVE_UP, timeout=60)
    print(result.serial)
    if result.timed_out:
        raise Failure("no loader error within %.0f s: the loader hung" % result.elapsed)
    expect(result, r"^ember-loader: \\boot\\ember\.elf: " + pattern, "the specific loader error")
    expect(result, LOADER_GAVE_UP, "the loader returning to the firmware")
    harness.expect_absent(result, BANNER, "kernel banner (a bad kernel must not run)")
    print("PASS: loader rejected the kernel in %.1f s" % result.elapsed)


def case_missing_kernel(ctx):
    expect_loader_error(ctx, r"file not found", no_kernel=True)


def make_bad_kernel_case(variant):
    def case(ctx):
        with open(ctx.kernel, "rb") as f:
            data, message = bad_kernels.VARIANTS[variant](f.read())
        path = os.path.join(ctx.work, "bad.elf")
        with open(path, "wb") as f:
            f.write(data)
        expect_loader_error(ctx, message, kernel=path)
    return case


def case_harness_failure(ctx):
    result = harness.boot_failing_test(ctx, "harness.expect_failure")
    expect(result, r"^KTEST FAIL harness.expect_failure: .*1 \+ 1 == 3 \(2 vs 3\)", "the failure")
    expect(result, r"^KTEST SUMMARY passed=0 failed=1", "the summary")
    harness.check_doc_samples(result, "ktest-failure")


def case_harness_panic(ctx):
    result = harness.boot_failing_test(ctx, "harness.panic")
    expect(result, r"KERNEL PANIC", "the panic banner")
    expect(result, r"^KTEST FAIL harness.panic: panic: deliberate panic from harness.panic",
           "the panic reported as the test's failure")


CASES = {
    "sata": case_sata,
    "usb": case_usb,
    "no-gop": case_no_gop,
    "pc": case_pc,
    "config": case_config,
    "missing-kernel": case_missing_kernel,
    "harness-failure": case_harness_failure,
    "harness-panic": case_harness_panic,
}
for _variant in bad_kernels.VARIANTS:
    CASES["bad-kernel-" + _variant] = make_bad_kernel_case(_variant)
for _mib in (64, 512, 4096, 16384):
    CASES["memory-%s" % ("%dG" % (_mib // 1024) if _mib >= 1024 else "%dM" % _mib)] = \
        make_memory_size_case(_mib)
CASES["heap-double-free"] = case_heap_double_free
CASES["heap-overrun"] = case_heap_overrun
CASES["heap-foreign-pointer"] = case_heap_foreign_pointer
CASES["heap-foreign-direct-map-pointer"] = case_heap_foreign_direct_map_pointer
for _fault in FAULTS:
    CASES["fault-" + _fault] = make_fault_report_case(_fault)
CASES.update(console_cases.CASES)


if __name__ == "__main__":
    harness.main(CASES)
