#!/usr/bin/python3
"""QEMU tests of Secure Boot and the loader's digests (docs/secure-boot.md), on Debian's
OVMF Secure Boot build with its snakeoil keys enrolled (ovmf/ovmf.py, find_secure_boot).

  secure_boot_tests.py --loader ember-loader-unsealed.efi --kernel ember.elf CASE

Each case seals the unsealed loader to its own kernel and ember.conf (tools/seal_loader.py)
and signs it with a copy of the snakeoil key (unlocked with openssl), as the build would with
a user's key; then changes what the case is about.

on               signed, on Secure Boot: the kernel reports Secure Boot on and both files
                 verified, reaches the shell and powers off.
off              the same signed loader on OVMF without Secure Boot: it boots and says off.
unsigned         sealed but not signed: the firmware refuses to start it.
modified-kernel  signed, with a kernel changed after sealing: the loader refuses, naming it.
modified-config  the same for ember.conf (a command line with nokaslr added).
unsealed-config  signed, sealed to the kernel only: under Secure Boot the loader ignores the
                 ember.conf it finds (saying so) and the kernel gets no command line.

Benchmark (meson test --benchmark --verbose loader-verify): the loader's time from entry to
the jump into the kernel with the unsealed loader and with one sealed to the same files
(hashing the kernel and ember.conf), five boots each, alternating, on the same machine; the
medians, their ratio and the median time the hashing itself took.
"""

import os
import re
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
sys.path.insert(0, os.path.join(HERE, "..", "..", "tools"))
sys.path.insert(0, os.path.join(HERE, "..", "..", "ovmf"))
import harness  # noqa: E402
import mkimage  # noqa: E402
import ovmf  # noqa: E402
import seal_loader  # noqa: E402
from harness import Failure, expect, expect_absent  # noqa: E402
from shell_session import Shell  # noqa: E402

OPENSSL = os.environ.get("EMBER_OPENSSL", "openssl")
CMDLINE = "loglevel=info"
LOADER_GAVE_UP = r"ember-loader: cannot boot; returning to the firmware"
FIRMWARE_REFUSED = (r"BdsDxe: failed to load Boot\d+ \"[^\"]*\" from [^\n]*: Access Denied")
# Ends a boot that should have been refused but went on, so the case fails at once.
BOOTED = r"ember: boot complete|KERNEL PANIC"


def write(path, data):
    with open(path, "wb") as f:
        f.write(data)
    return path


def snakeoil(work):
    """A copy of Debian's snakeoil key without its password (sbsign cannot take one), and its
    certificate."""
    _, _, key, cert = ovmf.find_secure_boot()
    copy = os.path.join(work, "snakeoil.key")
    subprocess.run([OPENSSL, "pkey", "-in", key, "-passin", "pass:" + ovmf.SNAKEOIL_PASSWORD,
                    "-out", copy], check=True, capture_output=True)
    return copy, cert


def files(ctx):
    """The case's kernel and ember.conf, as the build would make them."""
    conf = os.path.join(ctx.work, "ember.conf")
    mkimage.main(["--write-conf", conf, "--cmdline", CMDLINE])
    return ctx.kernel, conf


def loader(ctx, kernel, conf, sign=True, name="BOOTX64.EFI"):
    """The unsealed loader sealed to `kernel` and `conf` (None: no configuration digest),
    signed with the snakeoil key unless `sign` is false."""
    argv = ["--loader", ctx.loader, "--kernel", kernel, "--out", os.path.join(ctx.work, name)]
    if conf:
        argv += ["--config", conf]
    if sign:
        key, cert = snakeoil(ctx.work)
        argv += ["--key", key, "--cert", cert]
    seal_loader.main(argv)
    return os.path.join(ctx.work, name)


def image(ctx, loader_path, kernel, conf):
    return harness.make_image(ctx.work, loader_path, kernel, conf=conf)


def boot_to_shell(img, secure_boot, memory="512M"):
    """Boots to the shell's prompt, types shutdown; returns the result of a clean power-off."""
    def interact(qmp, read_serial, terminal):
        Shell(qmp, read_serial, terminal).wait_ready()
        terminal.send("shutdown\r")

    result = harness.boot(img, interact=interact, serial_input=True, timeout=180,
                          secure_boot=secure_boot, memory=memory)
    print(result.serial)
    if result.timed_out or result.exit_code != 0:
        raise Failure("no clean power-off from the shell (exit status %s)" % result.exit_code)
    return result


def expect_verified(result):
    expect(result, r"^ember-loader: \\boot\\ember\.conf: SHA-256 verified$", "ember.conf verified")
    expect(result, r"^ember-loader: \\boot\\ember\.elf: SHA-256 verified$", "the kernel verified")
    expect(result, r"^secure boot: the loader verified the kernel and ember\.conf against the "
           r"SHA-256 digests in its image$", "the kernel reporting what was verified")


def case_on(ctx):
    kernel, conf = files(ctx)
    result = boot_to_shell(image(ctx, loader(ctx, kernel, conf), kernel, conf), True)
    expect(result, r"^ember-loader: Secure Boot on$", "the loader seeing Secure Boot on")
    expect(result, r"^secure boot: on$", "the kernel reporting Secure Boot on")
    expect_verified(result)
    expect(result, r'^cmdline: "%s"$' % CMDLINE, "the verified command line")
    harness.check_doc_samples(result, "secure-boot-on")
    print("PASS: signed and sealed loader booted to the shell with Secure Boot on")


def case_off(ctx):
    kernel, conf = files(ctx)
    # 1 GiB, as tools/run boots: this boot is README.md's sample.
    result = boot_to_shell(image(ctx, loader(ctx, kernel, conf), kernel, conf), False,
                           memory="1024M")
    expect(result, r"^ember-loader: Secure Boot off", "the loader seeing Secure Boot off")
    expect(result, r"^secure boot: off", "the kernel reporting Secure Boot off")
    expect_verified(result)
    # What tools/run shows: the build's sealed loader on plain OVMF (README.md).
    harness.check_doc_samples(result, "boot-log")
    print("PASS: the signed loader booted without Secure Boot and said so")


def case_unsigned(ctx):
    kernel, conf = files(ctx)
    img = image(ctx, loader(ctx, kernel, conf, sign=False), kernel, conf)
    result = harness.boot(img, stop_on=FIRMWARE_REFUSED + "|" + BOOTED, timeout=90,
                          secure_boot=True)
    print(result.serial)
    if result.timed_out:
        raise Failure("the firmware did not report refusing the loader")
    expect(result, FIRMWARE_REFUSED, "the firmware refusing the unsigned loader")
    expect_absent(result, r"ember-loader", "the loader running")
    print("PASS: the firmware refused the unsigned loader")


def expect_refused(ctx, img, path_pattern):
    result = harness.boot(img, stop_on=LOADER_GAVE_UP + "|" + BOOTED, timeout=90,
                          secure_boot=True)
    print(result.serial)
    if result.timed_out:
        raise Failure("the loader neither booted nor refused")
    expect(result, r"^ember-loader: %s: does not match the digest sealed into the loader \(its "
           r"SHA-256 is [0-9a-f]{64}\); refusing to boot$" % path_pattern, "the refusal naming the file")
    expect(result, LOADER_GAVE_UP, "the loader returning to the firmware")
    expect_absent(result, r"Ember \S+ \(\S+\) starting", "the kernel starting")


def case_modified_kernel(ctx):
    kernel, conf = files(ctx)
    signed = loader(ctx, kernel, conf)
    with open(kernel, "rb") as f:
        data = bytearray(f.read())
    data[-1] ^= 0x01  # the section header table's last byte: still a valid kernel
    changed = write(os.path.join(ctx.work, "changed.elf"), bytes(data))
    expect_refused(ctx, image(ctx, signed, changed, conf), r"\\boot\\ember\.elf")
    print("PASS: the loader refused a kernel changed after sealing")


def case_modified_config(ctx):
    kernel, conf = files(ctx)
    signed = loader(ctx, kernel, conf)
    with open(conf, "rb") as f:
        text = f.read().replace(CMDLINE.encode(), (CMDLINE + " nokaslr").encode())
    changed = write(os.path.join(ctx.work, "changed.conf"), text)
    expect_refused(ctx, image(ctx, signed, kernel, changed), r"\\boot\\ember\.conf")
    print("PASS: the loader refused an ember.conf changed after sealing")


def case_unsealed_config(ctx):
    kernel, conf = files(ctx)
    signed = loader(ctx, kernel, None)
    result = harness.boot(image(ctx, signed, kernel, conf), secure_boot=True, timeout=120,
                          stop_on=BOOTED + "|" + LOADER_GAVE_UP)
    print(result.serial)
    expect(result, r"^ember-loader: \\boot\\ember\.conf: Secure Boot is on and the loader carries "
           r"no digest for it: ignored$", "the loader saying it ignores ember.conf")
    expect(result, r'^cmdline: ""$', "no command line from the ignored file")
    expect(result, r"^secure boot: the loader verified the kernel against", "the kernel verified")
    expect(result, r"^ember: boot complete", "the boot going on")
    print("PASS: under Secure Boot an ember.conf without a digest was ignored")


LOADER_TIMES = re.compile(r"^loader: kernel read after (\d+) us, boot services exited after \d+ us, "
                          r"kernel entered after (\d+) us;", re.MULTILINE)
HASH_TIME = re.compile(r"^loader: SHA-256 of the verified files took (\d+) us$", re.MULTILINE)


def loader_time(img):
    """(us from loader entry to the kernel jump, us spent hashing or None) of one boot."""
    result = harness.boot(img, stop_on=BOOTED + "|" + LOADER_GAVE_UP, timeout=120)
    m = LOADER_TIMES.search(result.serial)
    if not m:
        print(result.serial)
        raise Failure("no loader timings")
    h = HASH_TIME.search(result.serial)
    return int(m.group(2)), int(h.group(1)) if h else None


def bench_loader_time(ctx):
    import statistics
    kernel, conf = files(ctx)
    plain = image(ctx, ctx.loader, kernel, conf)
    sealed_img = harness.make_image(ctx.work, loader(ctx, kernel, conf, sign=False), kernel,
                                    conf=conf, name="sealed.img")
    without, with_, hashing = [], [], []
    for _ in range(5):
        without.append(loader_time(plain)[0])
        total, hashed = loader_time(sealed_img)
        with_.append(total)
        hashing.append(hashed)
    size = os.path.getsize(kernel) + os.path.getsize(conf)
    a, b, h = (statistics.median(x) for x in (without, with_, hashing))
    print("loader entry to kernel jump, median of 5 boots (QEMU TCG, plain OVMF):")
    print("  without verification: %d us   %s" % (a, without))
    print("  with verification:    %d us   %s" % (b, with_))
    print("  ratio with/without:   %.3f" % (b / a))
    print("  SHA-256 of the kernel and ember.conf (%d bytes): median %d us (%.1f MB/s under TCG)"
          % (size, h, size / h))


BENCHMARKS = {"loader-time": bench_loader_time}


CASES = {
    "on": case_on,
    "off": case_off,
    "unsigned": case_unsigned,
    "modified-kernel": case_modified_kernel,
    "modified-config": case_modified_config,
    "unsealed-config": case_unsealed_config,
}


if __name__ == "__main__":
    harness.main(CASES, BENCHMARKS)
