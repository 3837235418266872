#!/usr/bin/python3
"""Captures what QEMU's devices say about themselves, for the parsers' host tests and seeds.

  tools/capture_devices.py --loader build/loader/BOOTX64.EFI --kernel build/kernel/ember.elf \\
      --preset q35 --out tests/data/pci/q35
  tools/capture_devices.py ... --preset usb --out tests/data/usb/qemu

Boots Ember on one of the PRESETS below (a machine and its devices). PCI presets run
`test=pci.dump` (kernel/tests/pci_dump.cpp) and write each function's configuration space to
<segment>-<bus>-<device>.<function>.bin (256 bytes, or 4096 for PCI Express functions); the
USB preset runs `test=usb.dump` (kernel/tests/usb_dump.cpp) and writes each device's device
and configuration descriptors to <product>.device.bin and <product>.configuration.bin. So the
host tests parse exactly what the kernel read. SOURCE records the QEMU version and the
command line's devices.
"""

import argparse
import os
import re
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tests", "qemu"))
import harness  # noqa: E402

# machine, extra QEMU arguments. q35: PCI Express (ECAM, extended capabilities, a root port
# with a controller behind it); pc: conventional PCI through the 0xCF8 ports, a PCI-to-PCI
# bridge with a controller behind it.
PRESETS = {
    "q35": ("q35", ["-device", "qemu-xhci,id=xhci", "-device", "usb-kbd,bus=xhci.0",
                    "-device", "pcie-root-port,id=rp1,chassis=1",
                    "-device", "nec-usb-xhci,bus=rp1",
                    "-device", "virtio-rng-pci"]),
    "pc": ("pc", ["-device", "qemu-xhci", "-device", "pci-bridge,id=br1,chassis_nr=1",
                  "-device", "piix3-usb-uhci,bus=br1,addr=3"]),
    # USB: a hub with a keyboard and a mouse behind it, a tablet, and a USB 3 stick.
    "usb": ("q35", ["-device", "qemu-xhci,id=xhci", "-device", "usb-hub,bus=xhci.0,port=1",
                    "-device", "usb-kbd,bus=xhci.0,port=1.1",
                    "-device", "usb-mouse,bus=xhci.0,port=1.2",
                    "-device", "usb-tablet,bus=xhci.0,port=2",
                    "-drive", "if=none,id=stick,format=raw,file=STICK",
                    "-device", "usb-storage,bus=xhci.0,drive=stick"]),
}


def parse_dump(serial):
    """Returns [(address, bytes)] from the PCI-DUMP lines."""
    functions, current = [], None
    for line in serial.splitlines():
        m = re.match(r"PCI-DUMP FUNCTION ([0-9a-f]{4}):([0-9a-f]{2}):([0-9a-f]{2})\.([0-7]) (\d+)$",
                     line)
        if m:
            current = [m.group(1, 2, 3, 4), int(m.group(5)), bytearray()]
            functions.append(current)
        elif line.startswith("PCI-DUMP DATA ") and current:
            current[2] += bytes.fromhex(line[len("PCI-DUMP DATA "):])
        elif line.startswith("PCI-DUMP END"):
            break
    out = []
    for address, length, data in functions:
        if len(data) != length:
            raise SystemExit("%s: got %d bytes, expected %d" % (address, len(data), length))
        out.append(("%s-%s-%s.%s" % address, bytes(data)))
    return out


def parse_usb_dump(serial):
    """Returns [(name, bytes)] from the USB-DUMP lines: two files per device."""
    out, name = [], None
    for line in serial.splitlines():
        m = re.match(r"USB-DUMP DEVICE (\S+) ([0-9a-f]{4}):([0-9a-f]{4}) ?(.*)$", line)
        if m:
            product = re.sub(r"[^A-Za-z0-9]+", "-", m.group(4)).strip("-") or m.group(2)
            name = product
        m = re.match(r"USB-DUMP DESCRIPTOR (device|configuration) ([0-9a-f]*)$", line)
        if m and name:
            out.append(("%s.%s" % (name, m.group(1)), bytes.fromhex(m.group(2))))
        if line.startswith("USB-DUMP END"):
            break
    return out


def main():
    p = argparse.ArgumentParser(description=__doc__,
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--loader", required=True)
    p.add_argument("--kernel", required=True)
    p.add_argument("--preset", choices=sorted(PRESETS), required=True)
    p.add_argument("--out", required=True)
    args = p.parse_args()
    machine, extra = PRESETS[args.preset]
    usb = args.preset == "usb"
    with tempfile.TemporaryDirectory(prefix="ember-devices-") as work:
        stick = os.path.join(work, "stick.img")
        with open(stick, "wb") as f:
            f.truncate(1 << 20)
        extra = [a.replace("STICK", stick) for a in extra]
        image = harness.make_image(work, args.loader, args.kernel,
                                   cmdline="test=usb.dump" if usb else "test=pci.dump")
        result = harness.boot(image, machine=machine, extra=extra)
    functions = parse_usb_dump(result.serial) if usb else parse_dump(result.serial)
    if not functions or result.exit_code != 33:
        print(result.serial)
        raise SystemExit("the kernel did not dump the devices (exit status %s)"
                         % result.exit_code)
    os.makedirs(args.out, exist_ok=True)
    for name in os.listdir(args.out):
        if name.endswith(".bin"):
            os.remove(os.path.join(args.out, name))
    for name, data in functions:
        path = os.path.join(args.out, name + ".bin")
        with open(path, "wb") as f:
            f.write(data)
        print("%s: %d bytes" % (path, len(data)))
    version = subprocess.run([harness.emberqemu.QEMU, "--version"], capture_output=True,
                             text=True).stdout.splitlines()[0]
    with open(os.path.join(args.out, "SOURCE"), "w") as f:
        f.write("Captured by tools/capture_devices.py --preset %s from %s -machine %s %s "
                "with Debian's OVMF.\n" % (args.preset, version, machine,
                                            " ".join(PRESETS[args.preset][1])))


if __name__ == "__main__":
    main()
