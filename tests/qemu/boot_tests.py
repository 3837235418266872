#!/usr/bin/python3
"""QEMU+OVMF boot tests for the walking skeleton: firmware -> ember-loader -> kernel.

  boot_tests.py --loader BOOTX64.EFI --kernel ember.elf CASE

Each case builds its own image, boots it once and checks the serial output.
"""

import argparse
import os
import re
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import bad_kernels  # noqa: E402
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


def boot_and_test(ctx, memory_mib=1024, **machine):
    image = harness.make_image(ctx.work, ctx.loader, ctx.kernel, cmdline="test=all")
    result = harness.boot(image, memory="%dM" % memory_mib, **machine)
    print(result.serial)
    expect(result, BANNER, "the kernel banner")
    passed = harness.expect_tests_passed(result)
    check_memory(result, memory_mib)
    print("PASS: %d kernel tests, boot took %.1f s wall" % (passed, result.elapsed))
    return result


def case_sata(ctx):
    boot_and_test(ctx, disk="sata")


def case_usb(ctx):
    boot_and_test(ctx, disk="usb")


def case_no_gop(ctx):
    result = boot_and_test(ctx, display="none")
    expect(result, r"^framebuffer: none", "the kernel noticing there is no framebuffer")


def case_pc(ctx):
    boot_and_test(ctx, machine="pc", disk="sata")


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
    image = harness.make_image(ctx.work, ctx.loader, ctx.kernel,
                               cmdline="test=harness.expect_failure")
    result = harness.boot(image)
    print(result.serial)
    expect(result, r"^KTEST FAIL harness.expect_failure: .*1 \+ 1 == 3 \(2 vs 3\)", "the failure")
    expect(result, r"^KTEST SUMMARY passed=0 failed=1", "the summary")
    if result.exit_code != 35:
        raise Failure("QEMU exit status %s, expected 35 (failure)" % result.exit_code)


def case_harness_panic(ctx):
    image = harness.make_image(ctx.work, ctx.loader, ctx.kernel, cmdline="test=harness.panic")
    result = harness.boot(image)
    print(result.serial)
    expect(result, r"KERNEL PANIC", "the panic banner")
    expect(result, r"^KTEST FAIL harness.panic: panic: deliberate panic from harness.panic",
           "the panic reported as the test's failure")
    if result.exit_code != 35:
        raise Failure("QEMU exit status %s, expected 35 (failure)" % result.exit_code)


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


class Context:
    def __init__(self, loader, kernel, work):
        self.loader, self.kernel, self.work = loader, kernel, work


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--loader", required=True)
    p.add_argument("--kernel", required=True)
    p.add_argument("case", choices=sorted(CASES))
    args = p.parse_args()
    with tempfile.TemporaryDirectory(prefix="ember-case-") as work:
        try:
            CASES[args.case](Context(args.loader, args.kernel, work))
        except Failure as e:
            print("FAIL: %s" % e)
            sys.exit(1)


if __name__ == "__main__":
    main()
