#!/usr/bin/python3
"""Captures the ACPI tables QEMU+OVMF give a machine, for the parser's host tests.

  tools/capture_acpi.py --loader build/loader/ember-loader-unsealed.efi --kernel build/kernel/ember.elf \\
      --machine q35 --out tests/data/acpi/q35

Boots Ember with `test=acpi.dump` (kernel/tests/acpi_dump.cpp), which prints each table as
hex on serial, and writes one file per table, named <signature>@<physical address>.bin, so
that the host tests can serve the bytes at their original addresses and walk them from the
RSDP exactly as the kernel does.
"""

import argparse
import os
import re
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tests", "qemu"))
import harness  # noqa: E402


def parse_dump(serial):
    """Returns [(signature, address, bytes)] from the ACPI-DUMP lines."""
    tables, current = [], None
    for line in serial.splitlines():
        m = re.match(r"ACPI-DUMP TABLE (\S{4}) 0x([0-9a-f]+) (\d+)$", line)
        if m:
            current = [m.group(1), int(m.group(2), 16), int(m.group(3)), bytearray()]
            tables.append(current)
        elif line.startswith("ACPI-DUMP DATA ") and current:
            current[3] += bytes.fromhex(line[len("ACPI-DUMP DATA "):])
        elif line.startswith("ACPI-DUMP END"):
            break
    out = []
    for sig, address, length, data in tables:
        if len(data) != length:
            raise SystemExit("%s at %#x: got %d bytes, expected %d" % (sig, address, len(data), length))
        out.append((sig, address, bytes(data)))
    return out


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--loader", required=True)
    p.add_argument("--kernel", required=True)
    p.add_argument("--machine", default="q35")
    p.add_argument("--cpu")
    p.add_argument("--memory", default="512M")
    p.add_argument("--out", required=True)
    args = p.parse_args()
    with tempfile.TemporaryDirectory(prefix="ember-acpi-") as work:
        image = harness.make_image(work, args.loader, args.kernel, cmdline="test=acpi.dump")
        result = harness.boot(image, machine=args.machine, cpu=args.cpu, memory=args.memory)
    tables = parse_dump(result.serial)
    if not tables or result.exit_code != 33:
        print(result.serial)
        raise SystemExit("the kernel did not dump its tables (exit status %s)" % result.exit_code)
    os.makedirs(args.out, exist_ok=True)
    for name in os.listdir(args.out):
        if name.endswith(".bin"):
            os.remove(os.path.join(args.out, name))
    for sig, address, data in tables:
        path = os.path.join(args.out, "%s@%016x.bin" % (sig, address))
        with open(path, "wb") as f:
            f.write(data)
        print("%s: %d bytes" % (path, len(data)))
    version = subprocess.run([harness.emberqemu.QEMU, "--version"], capture_output=True,
                             text=True).stdout.splitlines()[0]
    with open(os.path.join(args.out, "SOURCE"), "w") as f:
        f.write("Captured by tools/capture_acpi.py from %s -machine %s%s -m %s with Debian's OVMF.\n"
                % (version, args.machine, " -cpu " + args.cpu if args.cpu else "", args.memory))


if __name__ == "__main__":
    main()
