#!/usr/bin/python3
"""The boot matrix: Ember on many machine shapes, each boot driven through its serial console
to the shell prompt, `mem`, and `shutdown` (docs/testing.md#the-boot-matrix).

  matrix_tests.py --loader ember-loader-unsealed.efi --kernel ember.elf CASE
  matrix_tests.py --list          # the case names, one per line (tests/meson.build uses it)
  matrix_tests.py --check-pairs   # proves that ROWS cover every pair of values

Factors: -machine q35|pc; the disk on AHCI (q35's built-in ICH9 AHCI; on pc, which has only
PIIX IDE built in, an added `ahci` controller), USB (xHCI + usb-storage), virtio-blk, NVMe;
display std VGA, bochs-display, virtio-gpu-pci, none; -m 128M|8G; 1|2|4|8 CPUs (QEMU's
TCG picks multi-threaded only when every vCPU has a host core: tools/emberqemu.py). The full
product is 2*4*4*2*4 = 256 boots (~35 min of TCG on 2 cores); ROWS is a pairwise covering
array of 16 boots: every value of every factor meets every value of every other factor at least
once (disk x display and disk x cpus alone need 16 each), which catches any fault caused by one factor or by
the interaction of two. One more row, outside the pairwise set, has no PS/2 controller and
is driven by a USB keyboard on the xHCI controller it boots from (USB_KEYBOARD_ROW).
"""

import itertools
import os
import re
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness  # noqa: E402
from harness import Failure  # noqa: E402
from shell_session import Shell, expect_in, qcodes  # noqa: E402

FACTORS = {
    "machine": ["q35", "pc"],
    "disk": ["sata", "usb", "virtio", "nvme"],
    "display": ["std", "bochs", "virtio", "none"],
    "memory": ["128M", "8G"],
    "cpus": [1, 2, 4, 8],
}

# (machine, disk, display, memory, cpus): a pairwise covering array (see --check-pairs),
# built as an orthogonal array over GF(4): disk = i, display = j, cpus = i + j, and the
# two-valued machine and memory from the low bit of i + 2j and i + 3j (i, j in 0..3).
ROWS = [
    ("q35", "sata", "std", "128M", 1),
    ("q35", "sata", "bochs", "8G", 2),
    ("pc", "sata", "virtio", "8G", 4),
    ("pc", "sata", "none", "128M", 8),
    ("pc", "usb", "std", "8G", 2),
    ("pc", "usb", "bochs", "128M", 1),
    ("q35", "usb", "virtio", "128M", 8),
    ("q35", "usb", "none", "8G", 4),
    ("q35", "virtio", "std", "128M", 4),
    ("q35", "virtio", "bochs", "8G", 8),
    ("pc", "virtio", "virtio", "8G", 1),
    ("pc", "virtio", "none", "128M", 2),
    ("pc", "nvme", "std", "8G", 8),
    ("pc", "nvme", "bochs", "128M", 4),
    ("q35", "nvme", "virtio", "128M", 2),
    ("q35", "nvme", "none", "8G", 1),
]


def case_name(row):
    machine, disk, display, memory, cpus = row
    return "%s-%s-%s-%s-%dcpu" % (machine, disk, display, memory, cpus)


def uncovered_pairs(rows):
    names = list(FACTORS)
    need = set()
    for i, j in itertools.combinations(range(len(names)), 2):
        for a in FACTORS[names[i]]:
            for b in FACTORS[names[j]]:
                need.add((names[i], a, names[j], b))
    for row in rows:
        for i, j in itertools.combinations(range(len(names)), 2):
            need.discard((names[i], row[i], names[j], row[j]))
    return sorted(need, key=str)


def mib(memory):
    return int(memory[:-1]) * (1024 if memory.endswith("G") else 1)


def check_boot_log(result, row):
    machine, disk, display, memory, cpus = row
    m = re.search(r"^memory: (\d+) bytes of RAM", result.serial, re.MULTILINE)
    if not m:
        raise Failure("the kernel did not report its memory")
    ram, expected = int(m.group(1)), mib(memory) << 20
    if abs(ram - expected) > expected * 0.02:
        raise Failure("reported %d bytes of RAM for -m %s" % (ram, memory))
    harness.expect(result, r"^acpi: MADT: local APIC at 0x[0-9a-f]+, %d processors," % cpus,
                   "the MADT listing %d processors" % cpus)
    if cpus == 1:
        harness.expect(result, r"^smp: the MADT lists no other CPU; one CPU", "one CPU")
    else:
        harness.expect(result, r"^smp: %d of %d CPUs online in \d+ ms" % (cpus, cpus),
                       "every CPU started")
    if display == "none":
        harness.expect(result, r"^framebuffer: none", "no framebuffer")
    elif display == "virtio":
        # OVMF's virtio-gpu driver offers a blit-only GOP (no linear framebuffer): the
        # loader says so and Ember runs on serial alone.
        harness.expect(result, r"^ember-loader: no display mode with a linear framebuffer",
                       "the loader reporting the blit-only GOP")
        harness.expect(result, r"^framebuffer: none", "no framebuffer")
    else:
        harness.expect(result, r"^console: \d+x\d+ cells, font terminus", "the screen console")
    print("ok: %d bytes of RAM, %d processors in the MADT, display %s" % (ram, cpus, display))


def check_mem(output, memory):
    m = re.search(r"^frames: (\d+) of 4 KiB .*: (\d+) in use .*, (\d+) free", output, re.MULTILINE)
    if not m:
        raise Failure("mem printed no frame summary:\n" + output)
    total, used, free = (int(g) for g in m.groups())
    if used + free != total:
        raise Failure("mem: %d in use + %d free != %d frames" % (used, free, total))
    pool_mib = total * 4096 / 2**20
    if pool_mib < mib(memory) * 0.6:
        raise Failure("mem: a pool of %.1f MiB for -m %s" % (pool_mib, memory))
    expect_in(output, r"^  kmalloc-16 +16 ", "mem: the heap's caches")
    print("ok: mem shows %d frames (%.1f MiB) for -m %s" % (total, pool_mib, memory))


# Beyond the pairwise set: a PC without PS/2 (no i8042 at all) whose only keyboard is USB,
# on the same xHCI controller as the stick it boots from; that keyboard types mem and
# shutdown (QMP send-key), not the serial port.
USB_KEYBOARD_ROW = ("q35", "usb", "std", "128M", 1)
USB_KEYBOARD_EXTRA = ["-machine", "q35,i8042=off", "-device", "usb-kbd,bus=xhci.0"]


def make_case(row, usb_keyboard=False):
    machine, disk, display, memory, cpus = row

    def case(ctx):
        def interact(qmp, read_serial, terminal):
            sh = Shell(qmp, read_serial, terminal, timeout=120)
            sh.wait_ready(timeout=180)
            if not usb_keyboard:
                check_mem(sh.run("mem"), memory)
                expect_in(sh.run("cpus"), r"^%d of %d CPUs online$" % (cpus, cpus),
                          "cpus: every CPU online")
                terminal.send("shutdown\r")
                return
            sh.wait_for(r"usb: .* QEMU USB Keyboard \(.*HID keyboard\)")
            check_mem(sh.run_keys(qcodes("mem")), memory)
            expect_in(sh.run_keys(qcodes("cpus")), r"^%d of %d CPUs online$" % (cpus, cpus),
                      "cpus: every CPU online")
            for combo in qcodes("shutdown") + [["ret"]]:
                qmp.execute("send-key", keys=[{"type": "qcode", "data": k} for k in combo])

        image = harness.make_image(ctx.work, ctx.loader, ctx.kernel)
        # pc has no built-in AHCI: SATA there means an added AHCI controller.
        attach = "ahci" if (machine, disk) == ("pc", "sata") else disk
        result = harness.boot(image, interact=interact, serial_input=True, timeout=240,
                              machine=machine, disk=attach, display=display, memory=memory,
                              cpus=cpus, extra=USB_KEYBOARD_EXTRA if usb_keyboard else ())
        try:
            check_boot_log(result, row)
        except Failure:
            print(result.serial)
            raise
        if result.timed_out or result.exit_code != 0:
            print(result.serial[-3000:])
            raise Failure("QEMU did not power off by itself after shutdown (status %s, %s)"
                          % (result.exit_code, "timed out" if result.timed_out else "exited"))
        harness.expect(result, r"^power: entering ACPI S5", "the S5 request")
        print("PASS: %s reached the shell, ran mem and powered off in %.1f s"
              % (case_name(row), result.elapsed))
    return case


CASES = {case_name(row): make_case(row) for row in ROWS}
CASES[case_name(USB_KEYBOARD_ROW) + "-usb-keyboard-no-ps2"] = make_case(USB_KEYBOARD_ROW, True)


def main():
    if "--check-pairs" in sys.argv[1:]:
        missing = uncovered_pairs(ROWS)
        for pair in missing:
            print("not covered: %s=%s with %s=%s" % pair)
        if missing:
            print("FAIL: %d pairs not covered" % len(missing))
            sys.exit(1)
        print("%d rows cover all pairs of %s" % (len(ROWS), ", ".join(FACTORS)))
    else:
        harness.main(CASES)


if __name__ == "__main__":
    main()
